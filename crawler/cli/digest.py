"""Commands of the monthly mail: `utlys digest build|preview|send|status` and `utlys newsletter
build|send`, a thin layer over digest/ (compose, build, preview) and its send ledger.

The settings are read before anything else, so a bad or missing --settings file stops a command
before it opens the database or writes a file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from crawler.cli import output
from crawler.cli.options import (
    DB_OPTION,
    FORMAT_OPTION,
    NEEDS_OPTION,
    SETTINGS_OPTION,
    TODAY_OPTION,
    today_or_default,
)
from crawler.config import default_file
from crawler.config.needs import load_needs
from crawler.config.settings import load_settings
from crawler.store.queries import deliveries_of, open_existing_db
from digest import swedish
from digest.options import digest_options


def register(cli: click.Group) -> None:
    """Add this area's commands to the `utlys` group."""
    cli.add_command(digest_group)
    cli.add_command(newsletter_group)


def _period_option(required: bool) -> Callable[..., Any]:
    return click.option(
        "--period",
        required=required,
        default=None,
        help="Month, YYYY-MM." + ("" if required else " Default: the month of --today."),
    )


def _period(value: str | None, today: date) -> str:
    period = value or swedish.period_of(today)
    swedish.parse_period(period)  # ValueError naming the period
    return period


def _terminal_progress(label: str) -> Callable[[int, int, str], None] | None:
    """A "bygger 3/8 Växjö" line on stderr, rewritten in place, when stderr is a terminal; none
    otherwise, so cron mail, pipes and logs get no progress noise."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, what: str) -> None:
        click.echo(f"\r\x1b[K{label} {done}/{total} {what}", err=True, nl=done == total)

    return show


def _settings(path: Path | None) -> tuple[dict[str, Any], str]:
    """The settings and the file they came from (for error messages)."""
    return load_settings(path), str(path or default_file("settings.yaml"))


# ----------------------------------------------------------------------------------- digest


@click.group("digest")
def digest_group() -> None:
    """Monthly digests per municipality: build, preview, send."""


@digest_group.command("build")
@DB_OPTION
@NEEDS_OPTION
@SETTINGS_OPTION
@_period_option(required=True)
@TODAY_OPTION
def digest_build(
    db_path: Path,
    needs_path: Path | None,
    settings_path: Path | None,
    period: str,
    today: date | None,
) -> None:
    """Render every municipality's digest into the deliveries table and show what would be
    sent (and which municipalities are skipped). Sends nothing; safe to run again."""
    from digest.digests import build_digests

    settings, where = _settings(settings_path)
    digest_options(settings, where=where)  # errors name the file
    day = today_or_default(today)
    period = _period(period, day)
    report = build_digests(
        open_existing_db(db_path),
        load_needs(needs_path),
        period,
        settings=settings,
        today=day,
        progress=_terminal_progress("bygger"),
    )
    for line in report.lines():
        click.echo(line)


@digest_group.command("preview")
@DB_OPTION
@NEEDS_OPTION
@SETTINGS_OPTION
@click.option("--municipality", required=True, help="Whose digest to preview.")
@_period_option(required=False)
@TODAY_OPTION
@click.option(
    "--out",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write (default: digest-<municipality>-<period>.html).",
)
@click.option("--text", "as_text", is_flag=True, help="Print the plain-text version instead.")
def digest_preview(
    db_path: Path,
    needs_path: Path | None,
    settings_path: Path | None,
    municipality: str,
    period: str | None,
    today: date | None,
    out: Path | None,
    as_text: bool,
) -> None:
    """Write one municipality's digest as HTML to open in a browser (records nothing)."""
    from digest.digests import preview_digest
    from digest.message import slug

    settings, where = _settings(settings_path)
    options = digest_options(settings, where=where)
    day = today_or_default(today)
    period = _period(period, day)
    inventory = load_needs(needs_path)
    name = inventory.municipality(municipality).name
    content, html, text = preview_digest(
        open_existing_db(db_path), inventory, name, period, options=options, today=day
    )
    if content.is_empty:
        click.echo(f"note: {name} has nothing new for {period}; no mail would be sent", err=True)
    if as_text:
        click.echo(text, nl=False)
        return
    out = out or Path(f"digest-{slug(name)}-{period}.html")
    out.write_text(html, encoding="utf-8")
    click.echo(f"wrote {out}")


def _send_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            DB_OPTION,
            SETTINGS_OPTION,
            _period_option(required=True),
            click.option(
                "--outbox",
                default=None,
                type=click.Path(file_okay=False, path_type=Path),
                help="Write .eml files into this folder instead of using SMTP.",
            ),
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
    """Send the built messages of a kind and month, each once, and report every recipient."""
    from crawler.ops.signals import sigterm_interrupts
    from digest import ledger
    from digest.options import smtp_section
    from digest.transport import transport_from_settings

    settings, where = _settings(settings_path)
    swedish.parse_period(period)
    transport = transport_from_settings(smtp_section(settings), outbox=outbox, where=where)
    db = open_existing_db(db_path)
    if resend:
        ledger.release(db, resend, resend=True)
        click.echo(f"released {len(resend)} held message(s) to be sent again")
    if mark_sent:
        ledger.release(db, mark_sent, resend=False)
        click.echo(f"marked {len(mark_sent)} held message(s) as sent")
    click.echo(f"sending {kind} {period} via {transport!r}")
    # A service stop interrupts like Ctrl-C: a message not yet handed over goes back to `built`.
    with sigterm_interrupts():
        report = ledger.send_pending(
            db, transport, kind=kind, period=period, retry_failed=retry_failed
        )
    totals = ledger.summary(db, kind=kind, period=period)
    if not report.sent and not totals:
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
    if totals:
        click.echo("ledger: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    if report.stopped:
        raise click.ClickException(f"stopped, nothing more sent: {report.stopped}")
    if not report.ok:  # failed, deferred or held: something was not delivered
        raise SystemExit(1)


@digest_group.command("send")
@_send_options
def digest_send(**options: Any) -> None:
    """Send the built digests of a month, each exactly once (SMTP from settings, or the outbox
    folder). Safe to run again after an interruption."""
    _send("digest", **options)


@digest_group.command("status")
@DB_OPTION
@_period_option(required=True)
@click.option(
    "--kind",
    type=click.Choice(["digest", "newsletter"]),
    default="digest",
    help="Which mail: the digests or the newsletter.",
)
@FORMAT_OPTION
def digest_status(db_path: Path, period: str, kind: str, fmt: str) -> None:
    """Show every delivery of a month with its state (built, sending, sent, failed)."""
    swedish.parse_period(period)
    rows = deliveries_of(open_existing_db(db_path), kind, period)
    output.echo(
        fmt,
        rows,
        header=("ID", "STATUS", "MUNICIPALITY", "RECIPIENT", "ERROR"),
        row=lambda r: (r["id"], r["status"], r["municipality"], r["recipient"], r["error"]),
        empty=f"no {kind} deliveries for {period}",
    )


# ------------------------------------------------------------------------------- newsletter


@click.group("newsletter")
def newsletter_group() -> None:
    """The monthly newsletter (månadsbrev): a web page per month and an email."""


@newsletter_group.command("build")
@DB_OPTION
@NEEDS_OPTION
@SETTINGS_OPTION
@_period_option(required=True)
@TODAY_OPTION
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pages (default: digest.newsletter_dir, 'newsletter').",
)
def newsletter_build(
    db_path: Path,
    needs_path: Path | None,
    settings_path: Path | None,
    period: str,
    today: date | None,
    out_dir: Path | None,
) -> None:
    """Write <out>/<period>.html and <out>/index.html, and record the newsletter email for
    the newsletter list (send it with `utlys newsletter send`)."""
    from digest.newsletter import build_newsletter, build_newsletter_mail

    settings, where = _settings(settings_path)
    options = digest_options(settings, where=where)
    day = today_or_default(today)
    period = _period(period, day)
    db = open_existing_db(db_path)
    inventory = load_needs(needs_path)
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
    report = build_newsletter_mail(
        db,
        inventory,
        period,
        settings=settings,
        today=day,
        progress=_terminal_progress("bygger månadsbrev"),
    )
    for line in report.lines():
        click.echo(line)


@newsletter_group.command("send")
@_send_options
def newsletter_send(**options: Any) -> None:
    """Send the built newsletter email of a month, each exactly once."""
    _send("newsletter", **options)
