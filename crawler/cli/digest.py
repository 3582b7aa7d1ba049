"""CLI of review, subscribers, digests and the newsletter: a thin layer over the library.

Every expected mistake (a bad period, an unknown id or municipality, a config error, an SMTP
server that cannot be reached) ends as one line through click.ClickException, never a traceback.
"""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from crawler.cli.options import DB_OPTION, NEEDS_OPTION, SETTINGS_OPTION
from crawler.config import ConfigError
from crawler.config.needs import Inventory, load_needs
from crawler.config import default_file
from crawler.config.settings import load_settings
from crawler.match import review
from crawler.store import open_db
from digest import delivery, subscribers, swedish
from digest.content import digest_content
from digest.digests import build_digests, render_digest
from digest.message import slug
from digest.newsletter import build_newsletter, build_newsletter_mail
from digest.options import digest_options, smtp_section
from digest.transport import transport_from_settings

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today_default() -> date:
    """UTLYS_TODAY when set (demo, tests), else today in Stockholm."""
    value = os.environ.get("UTLYS_TODAY")
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise click.ClickException(f"UTLYS_TODAY={value!r}: expected YYYY-MM-DD") from None
    return datetime.now(STOCKHOLM).date()


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's one-line errors into click errors."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, review.ReviewError) as exc:
            raise click.ClickException(str(exc)) from None
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


_db_option = DB_OPTION
_needs_option = NEEDS_OPTION
_settings_option = SETTINGS_OPTION


def _today_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--today",
        default=None,
        help="Date to count days left from, YYYY-MM-DD (default: UTLYS_TODAY or today).",
    )(func)


def _period_option(required: bool) -> Callable[..., Any]:
    return click.option(
        "--period",
        required=required,
        default=None,
        help="Month, YYYY-MM." + ("" if required else " Default: the current month."),
    )


def _outbox_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--outbox",
        default=None,
        type=click.Path(file_okay=False, path_type=Path),
        help="Write .eml files into this folder instead of using SMTP.",
    )(func)


def _open(db_path: Path):
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such database (run a crawl first)")
    return open_db(db_path)


def _today(value: str | None) -> date:
    if value is None:
        return today_default()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"--today {value!r}: expected YYYY-MM-DD") from None


def _period(value: str | None, today: date) -> str:
    period = value or swedish.period_of(today)
    swedish.parse_period(period)
    return period


def _settings(path: Path | None) -> dict[str, Any]:
    return load_settings(path)


def _settings_where(path: Path | None) -> str:
    return str(path or default_file("settings.yaml"))


def _inventory(path: Path | None) -> Inventory:
    return load_needs(path)


def register(cli: click.Group) -> None:
    """Add this area's commands to the `utlys` group."""
    cli.add_command(review_group)
    cli.add_command(subscribers_group)
    cli.add_command(digest_group)
    cli.add_command(newsletter_group)


# ----------------------------------------------------------------------------------- review


@click.group("review")
def review_group() -> None:
    """Review the matches: approve, reject with a reason, add a note for the digest."""


@review_group.command("list")
@_db_option
@click.option("--municipality", default=None, help="Only this municipality's matches.")
@click.option(
    "--state",
    type=click.Choice(review.STATES),
    default=None,
    help="Only matches in this review state.",
)
@_friendly
def review_list(db_path: Path, municipality: str | None, state: str | None) -> None:
    """List matches with their id, state, score, deadline and call title."""
    rows = review.list_matches(_open(db_path), municipality=municipality, state=state)
    if not rows:
        click.echo("no matches")
        return
    for row in rows:
        deadline = row["deadline"] or "-"
        click.echo(
            f"{row['id']:>5}  {row['review']:<8}  {row['municipality']:<12}"
            f"  {row['score'] or 0:5.1f}  {deadline:<10}  {row['funder'] or ''}: {row['title']}"
        )
        if row["reason"]:
            click.echo(f"       reason: {row['reason']}")
        if row["note"]:
            click.echo(f"       note: {row['note']}")


@review_group.command("approve")
@_db_option
@click.argument("ids", nargs=-1, required=True, type=int)
@_friendly
def review_approve(db_path: Path, ids: tuple[int, ...]) -> None:
    """Approve matches: they go into the next digest."""
    count = review.approve(_open(db_path), ids)
    click.echo(f"approved {count} match(es)")


@review_group.command("reject")
@_db_option
@click.argument("ids", nargs=-1, required=True, type=int)
@click.option("--reason", required=True, help="Why the call does not fit (stored on the match).")
@_friendly
def review_reject(db_path: Path, ids: tuple[int, ...], reason: str) -> None:
    """Reject matches: they never reach a digest."""
    count = review.reject(_open(db_path), ids, reason)
    click.echo(f"rejected {count} match(es)")


@review_group.command("note")
@_db_option
@click.argument("match_id", type=int)
@click.argument("text")
@_friendly
def review_note(db_path: Path, match_id: int, text: str) -> None:
    """Set the coordinator's note shown with the call in the digest ("" clears it)."""
    review.note(_open(db_path), match_id, text)
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
@_db_option
@_needs_option
@click.argument("email")
@click.option("--municipality", default=None, help="The municipality whose digest to get.")
@click.option("--newsletter", is_flag=True, help="Subscribe to the newsletter instead.")
@click.option("--name", default=None, help="Display name for the address.")
@_friendly
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
    result = subscribers.add(open_db(db_path), _inventory(needs_path), audience, email, name)
    click.echo(f"{email}: {result}")


@subscribers_group.command("remove")
@_db_option
@_needs_option
@click.argument("email")
@click.option("--municipality", default=None, help="The municipality's digest to leave.")
@click.option("--newsletter", is_flag=True, help="Leave the newsletter instead.")
@_friendly
def subscribers_remove(
    db_path: Path, needs_path: Path | None, email: str, municipality: str | None, newsletter: bool
) -> None:
    """Unsubscribe an address; it is never mailed again until added back, even if it is
    still listed in needs.yaml."""
    audience = _audience(municipality, newsletter)
    result = subscribers.remove(open_db(db_path), _inventory(needs_path), audience, email)
    click.echo(f"{email}: {result}")


@subscribers_group.command("list")
@_db_option
@_needs_option
@click.option("--municipality", default=None, help="Only this municipality.")
@click.option("--newsletter", is_flag=True, help="Only the newsletter list.")
@_friendly
def subscribers_list(
    db_path: Path, needs_path: Path | None, municipality: str | None, newsletter: bool
) -> None:
    """List every address with its list, origin (config/added) and state."""
    audience = subscribers.NEWSLETTER if newsletter else municipality
    rows = subscribers.listing(open_db(db_path), _inventory(needs_path), audience)
    for row in rows:
        label = "newsletter" if row.municipality == subscribers.NEWSLETTER else row.municipality
        state = "active" if row.active else "unsubscribed"
        name = f" ({row.name})" if row.name else ""
        click.echo(f"{label:<14} {state:<13} {row.origin:<13} {row.email}{name}")


# ----------------------------------------------------------------------------------- digest


@click.group("digest")
def digest_group() -> None:
    """Monthly digests per municipality: build, preview, send."""


@digest_group.command("build")
@_db_option
@_needs_option
@_settings_option
@_period_option(required=True)
@_today_option
@_friendly
def digest_build(
    db_path: Path,
    needs_path: Path | None,
    settings_path: Path | None,
    period: str,
    today: str | None,
) -> None:
    """Render every municipality's digest into the deliveries table and show what would be
    sent (and which municipalities are skipped). Sends nothing; safe to run again."""
    day = _today(today)
    period = _period(period, day)
    settings = _settings(settings_path)
    digest_options(settings, where=_settings_where(settings_path))  # errors name the file
    report = build_digests(
        _open(db_path), _inventory(needs_path), period, settings=settings, today=day
    )
    for line in report.lines():
        click.echo(line)


@digest_group.command("preview")
@_db_option
@_needs_option
@_settings_option
@click.option("--municipality", required=True, help="Whose digest to preview.")
@_period_option(required=False)
@_today_option
@click.option(
    "--out",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write (default: digest-<municipality>-<period>.html).",
)
@click.option("--text", "as_text", is_flag=True, help="Print the plain-text version instead.")
@_friendly
def digest_preview(
    db_path: Path,
    needs_path: Path | None,
    settings_path: Path | None,
    municipality: str,
    period: str | None,
    today: str | None,
    out: Path | None,
    as_text: bool,
) -> None:
    """Write one municipality's digest as HTML to open in a browser (records nothing)."""
    day = _today(today)
    period = _period(period, day)
    inventory = _inventory(needs_path)
    name = inventory.municipality(municipality).name
    settings = _settings(settings_path)
    options = digest_options(settings, where=_settings_where(settings_path))
    content = digest_content(
        _open(db_path),
        name,
        period,
        today=day,
        include_pending=options.include_pending,
        closing_days=options.closing_days,
        other_limit=options.other_limit,
    )
    coordinator = inventory.coordinator
    html, text = render_digest(
        content,
        inventory=inventory,
        recipient="förhandsvisning",
        unsubscribe=options.unsubscribe_link(
            name, "forhandsvisning@example.invalid", coordinator.email if coordinator else None
        ),
        pending_shown=options.include_pending,
    )
    if content.is_empty:
        click.echo(f"note: {name} has nothing new for {period}; no mail would be sent", err=True)
    if as_text:
        click.echo(text, nl=False)
        return
    out = out or Path(f"digest-{slug(name)}-{period}.html")
    out.write_text(html, encoding="utf-8")
    click.echo(f"wrote {out}")


def _send(
    kind: str,
    db_path: Path,
    settings_path: Path | None,
    period: str,
    outbox: Path | None,
    retry_failed: bool,
    resend: tuple[int, ...],
    mark_sent: tuple[int, ...],
) -> None:
    swedish.parse_period(period)
    db = _open(db_path)
    settings = _settings(settings_path)
    transport = transport_from_settings(
        smtp_section(settings), outbox=outbox, where=_settings_where(settings_path)
    )
    if resend:
        delivery.release(db, resend, resend=True)
        click.echo(f"released {len(resend)} held message(s) to be sent again")
    if mark_sent:
        delivery.release(db, mark_sent, resend=False)
        click.echo(f"marked {len(mark_sent)} held message(s) as sent")
    click.echo(f"sending {kind} {period} via {transport!r}")
    # SIGTERM (a service stop, a timeout) interrupts like Ctrl-C, so a message not yet handed
    # over goes back to `built` instead of being held.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        report = delivery.send_deliveries(
            db, transport, kind=kind, period=period, retry_failed=retry_failed
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not report.sent and not delivery.summary(db, kind=kind, period=period):
        click.echo(f"nothing built for {period}: run `utlys {kind} build --period {period}`")
    click.echo(f"sent {len(report.sent)}")
    for recipient in report.sent:
        click.echo(f"  sent to {recipient}")
    for recipient, error in report.failed:
        click.echo(f"  FAILED {recipient}: {error}")
    for recipient, error in report.deferred:
        click.echo(f"  deferred {recipient} (will retry on the next send): {error}")
    for recipient in report.unsubscribed:
        click.echo(f"  not sent to {recipient}: unsubscribed after the build")
    for item in report.held:
        click.echo(
            f"  HELD delivery {item['id']} to {item['recipient']}: it may already have been"
            f" delivered. Check, then run again with --resend {item['id']}"
            f" or --mark-sent {item['id']}."
        )
    totals = delivery.summary(db, kind=kind, period=period)
    if totals:
        click.echo("ledger: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    if report.stopped:
        raise click.ClickException(f"stopped, nothing more sent: {report.stopped}")
    if report.held or report.failed:
        raise SystemExit(1)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _send_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            _db_option,
            _settings_option,
            _period_option(required=True),
            _outbox_option,
            click.option(
                "--retry-failed",
                is_flag=True,
                help="Try again the messages a server refused earlier.",
            ),
            click.option(
                "--resend",
                multiple=True,
                type=int,
                help="Held delivery id (left 'sending' by a crash) to send again. Repeatable.",
            ),
            click.option(
                "--mark-sent",
                multiple=True,
                type=int,
                help="Held delivery id that did arrive: mark it sent. Repeatable.",
            ),
        ]
    ):
        func = option(func)
    return func


@digest_group.command("send")
@_send_options
@_friendly
def digest_send(
    db_path: Path,
    settings_path: Path | None,
    period: str,
    outbox: Path | None,
    retry_failed: bool,
    resend: tuple[int, ...],
    mark_sent: tuple[int, ...],
) -> None:
    """Send the built digests of a month, each exactly once (SMTP from settings, or the outbox
    folder). Safe to run again after an interruption."""
    _send("digest", db_path, settings_path, period, outbox, retry_failed, resend, mark_sent)


@digest_group.command("status")
@_db_option
@_period_option(required=True)
@click.option("--kind", type=click.Choice(["digest", "newsletter"]), default="digest")
@_friendly
def digest_status(db_path: Path, period: str, kind: str) -> None:
    """Show every delivery of a month with its state (built, sending, sent, failed)."""
    swedish.parse_period(period)
    db = _open(db_path)
    rows = db.execute_returning_dicts(
        "select id, municipality, recipient, status, sent_at, error from deliveries"
        " where kind = ? and period = ? order by municipality, recipient",
        [kind, period],
    )
    if not rows:
        click.echo(f"no {kind} deliveries for {period}")
    for row in rows:
        extra = f"  {row['error']}" if row["error"] else ""
        click.echo(
            f"{row['id']:>5}  {row['status']:<8} {row['municipality']:<12} {row['recipient']}"
            f"{extra}"
        )


# ------------------------------------------------------------------------------- newsletter


@click.group("newsletter")
def newsletter_group() -> None:
    """The monthly newsletter (månadsbrev): a web page per month and an email."""


@newsletter_group.command("build")
@_db_option
@_needs_option
@_settings_option
@_period_option(required=True)
@_today_option
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pages (default: digest.newsletter_dir, 'newsletter').",
)
@_friendly
def newsletter_build(
    db_path: Path,
    needs_path: Path | None,
    settings_path: Path | None,
    period: str,
    today: str | None,
    out_dir: Path | None,
) -> None:
    """Write <out>/<period>.html and <out>/index.html, and record the newsletter email for
    the newsletter list (send it with `utlys newsletter send`)."""
    day = _today(today)
    period = _period(period, day)
    db = _open(db_path)
    inventory = _inventory(needs_path)
    settings = _settings(settings_path)
    options = digest_options(settings, where=_settings_where(settings_path))
    page = build_newsletter(
        db,
        inventory,
        period,
        out_dir=out_dir or options.newsletter_dir,
        today=day,
        include_pending=options.include_pending,
    )
    click.echo(f"wrote {page}")
    click.echo(f"wrote {page.parent / 'index.html'}")
    report = build_newsletter_mail(db, inventory, period, settings=settings, today=day)
    for line in report.lines():
        click.echo(line)


@newsletter_group.command("send")
@_send_options
@_friendly
def newsletter_send(
    db_path: Path,
    settings_path: Path | None,
    period: str,
    outbox: Path | None,
    retry_failed: bool,
    resend: tuple[int, ...],
    mark_sent: tuple[int, ...],
) -> None:
    """Send the built newsletter email of a month, each exactly once."""
    _send("newsletter", db_path, settings_path, period, outbox, retry_failed, resend, mark_sent)
