"""Commands of the coordinator's lists: `utlys review ...` (the matches: approve, reject with a
reason, note) and `utlys subscribers ...` (who gets the digests and the newsletter). Each
parses its options, makes one call into crawler.match.review or digest.subscribers and prints
the result."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from crawler.cli import output
from crawler.cli.options import DB_OPTION, FORMAT_OPTION, NEEDS_OPTION
from crawler.config.needs import load_needs
from crawler.match import review
from crawler.normalize import ellipsize
from crawler.store import open_db
from crawler.store.queries import open_existing_db
from digest import subscribers


def register(cli: click.Group) -> None:
    """Add this area's commands to the `utlys` group."""
    cli.add_command(review_group)
    cli.add_command(subscribers_group)


# ----------------------------------------------------------------------------------- review


@click.group("review")
def review_group() -> None:
    """Review the matches: approve, reject with a reason, add a note for the digest."""


@review_group.command("list")
@DB_OPTION
@click.option("--municipality", default=None, help="Only this municipality's matches.")
@click.option(
    "--state",
    type=click.Choice(review.STATES),
    default=None,
    help="Only matches in this review state.",
)
@FORMAT_OPTION
def review_list(db_path: Path, municipality: str | None, state: str | None, fmt: str) -> None:
    """List matches with their id, state, score, deadline and call title."""
    rows = review.list_matches(open_existing_db(db_path), municipality=municipality, state=state)
    output.echo(
        fmt,
        rows,
        header=("ID", "STATE", "MUNICIPALITY", "SCORE", "DEADLINE", "CALL", "REASON / NOTE"),
        row=lambda r: (
            r["id"], r["review"], r["municipality"], f"{r['score'] or 0:.1f}", r["deadline"] or "-",
            ellipsize(f"{r['funder'] or ''}: {r['title']}", 60),
            "; ".join(f"{k}: {r[k]}" for k in ("reason", "note") if r[k]),
        ),
        empty="no matches",
    )  # fmt: skip


@review_group.command("approve")
@DB_OPTION
@click.argument("ids", nargs=-1, required=True, type=int)
def review_approve(db_path: Path, ids: tuple[int, ...]) -> None:
    """Approve matches: they go into the next digest."""
    count = review.approve(open_existing_db(db_path), ids)
    click.echo(f"approved {count} match(es)")


@review_group.command("reject")
@DB_OPTION
@click.argument("ids", nargs=-1, required=True, type=int)
@click.option("--reason", required=True, help="Why the call does not fit (stored on the match).")
def review_reject(db_path: Path, ids: tuple[int, ...], reason: str) -> None:
    """Reject matches: they never reach a digest."""
    count = review.reject(open_existing_db(db_path), ids, reason)
    click.echo(f"rejected {count} match(es)")


@review_group.command("note")
@DB_OPTION
@click.argument("match_id", type=int)
@click.argument("text")
def review_note(db_path: Path, match_id: int, text: str) -> None:
    """Set the coordinator's note shown with the call in the digest ("" clears it)."""
    review.note(open_existing_db(db_path), match_id, text)
    click.echo(f"note saved on match {match_id}" if text.strip() else "note cleared")


# ------------------------------------------------------------------------------ subscribers


def _audience(municipality: str | None, newsletter: bool) -> str:
    if newsletter == bool(municipality):
        raise click.UsageError("give either --municipality NAME or --newsletter")
    return subscribers.NEWSLETTER if newsletter else municipality  # type: ignore[return-value]


@click.group("subscribers")
def subscribers_group() -> None:
    """Who gets the digests and the newsletter (needs.yaml plus addresses added here)."""


@subscribers_group.command("add")
@DB_OPTION
@NEEDS_OPTION
@click.argument("email")
@click.option("--municipality", default=None, help="The municipality whose digest to get.")
@click.option("--newsletter", is_flag=True, help="Subscribe to the newsletter instead.")
@click.option("--name", default=None, help="Display name for the address.")
def subscribers_add(
    db_path: Path,
    needs_path: Path | None,
    email: str,
    municipality: str | None,
    newsletter: bool,
    name: str | None,
) -> None:
    """Subscribe an address, or put back one that unsubscribed."""
    audience = _audience(municipality, newsletter)
    result = subscribers.add(open_db(db_path), load_needs(needs_path), audience, email, name)
    click.echo(f"{email}: {result}")


@subscribers_group.command("remove")
@DB_OPTION
@NEEDS_OPTION
@click.argument("email")
@click.option("--municipality", default=None, help="The municipality's digest to leave.")
@click.option("--newsletter", is_flag=True, help="Leave the newsletter instead.")
def subscribers_remove(
    db_path: Path, needs_path: Path | None, email: str, municipality: str | None, newsletter: bool
) -> None:
    """Unsubscribe an address; it is never mailed again until added back, even if it is
    still listed in needs.yaml."""
    audience = _audience(municipality, newsletter)
    result = subscribers.remove(open_db(db_path), load_needs(needs_path), audience, email)
    click.echo(f"{email}: {result}")


@subscribers_group.command("list")
@DB_OPTION
@NEEDS_OPTION
@click.option("--municipality", default=None, help="Only this municipality.")
@click.option("--newsletter", is_flag=True, help="Only the newsletter list.")
@FORMAT_OPTION
def subscribers_list(
    db_path: Path, needs_path: Path | None, municipality: str | None, newsletter: bool, fmt: str
) -> None:
    """List every address with its list, origin (config/added) and state."""
    audience = subscribers.NEWSLETTER if newsletter else municipality
    listed = subscribers.listing(open_db(db_path), load_needs(needs_path), audience)
    rows = [
        {**asdict(row), "list": "newsletter" if row.municipality == subscribers.NEWSLETTER
         else row.municipality}
        for row in listed
    ]  # fmt: skip
    output.echo(
        fmt,
        rows,
        header=("LIST", "STATE", "ORIGIN", "EMAIL"),
        row=lambda r: (r["list"], "active" if r["active"] else "unsubscribed", r["origin"],
                       r["email"] + (f" ({r['name']})" if r["name"] else "")),
    )  # fmt: skip
