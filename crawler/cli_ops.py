"""Operations commands: schedule, status, health, export, db backup/check.

A thin layer over crawler.scheduler, crawler.status, crawler.health, crawler.export and
crawler.dbtools; every expected failure is one line (click.ClickException), never a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import click

from crawler.config import ConfigError, load_sources
from crawler.storage import DEFAULT_DB, open_db

DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="SQLite database file.",
)
SOURCES_OPTION = click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Sources file (default config/sources.yaml).",
)
NEEDS_OPTION = click.option(
    "--needs",
    "needs_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Needs inventory (default config/needs.yaml).",
)
SETTINGS_OPTION = click.option(
    "--settings",
    "settings_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Settings file (default config/settings.yaml).",
)


def _settings(path: Path | None):  # -> OpsSettings
    from crawler.ops_settings import load_ops_settings

    try:
        return load_ops_settings(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _now(value: str | None, tz) -> datetime:
    if not value:
        return datetime.now(tz)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO date/time: {value!r}", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


@click.command("schedule")
@DB_OPTION
@SOURCES_OPTION
@NEEDS_OPTION
@SETTINGS_OPTION
def schedule_cmd(
    db_path: Path, sources_path: Path | None, needs_path: Path | None, settings_path: Path | None
) -> None:
    """Run crawl + match, digests and the newsletter on their cron times, in the foreground.

    Times come from the `schedule:` section of the settings (Europe/Stockholm). A job missed
    while the scheduler was not running runs once at start. Stop with Ctrl-C or SIGTERM: a
    running crawl is killed (its batches are transactions), a mail step finishes first.
    """
    from crawler.locks import LockBusy
    from crawler.logs import default_log_path, setup_logging
    from crawler.scheduler import Paths, Runner, serve

    settings = _settings(settings_path)
    try:  # nothing may run on a half-valid configuration
        load_sources(sources_path)
        _check_needs(needs_path)
        from digest.transport import transport_from_settings

        transport_from_settings(settings.smtp, outbox=None, where=str(settings.path))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    log = settings.logging
    setup_logging(
        log.file or default_log_path(db_path),
        level=log.level,
        max_bytes=log.max_bytes,
        backups=log.backups,
    )
    runner = Runner(Paths(db_path, sources_path, needs_path, settings_path), settings)
    try:
        code = serve(runner)
    except LockBusy as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


def _check_needs(needs_path: Path | None) -> None:
    try:
        from crawler.needs import load_needs
    except ImportError:  # the matcher's module is not installed: nothing to check
        return
    load_needs(needs_path)


@click.command("status")
@DB_OPTION
@SOURCES_OPTION
@SETTINGS_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--now", "now_text", default=None, help="Report as of this ISO time (default: now).")
def status_cmd(
    db_path: Path,
    sources_path: Path | None,
    settings_path: Path | None,
    fmt: str,
    now_text: str | None,
) -> None:
    """Per source: last run, last success, items, new this month, health and error; the next
    scheduled jobs; the last digest and newsletter sent."""
    from crawler.status import format_table, status_report

    settings = _settings(settings_path)
    try:
        config = load_sources(sources_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such database (run `utlys crawl` first)")
    now = _now(now_text, settings.schedule.tz)
    db = open_db(db_path)
    report = status_report(db, db_path, config, settings, now=now)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(report, settings.schedule.tz))


@click.command("health")
@DB_OPTION
@SOURCES_OPTION
@NEEDS_OPTION
@SETTINGS_OPTION
@click.option("--no-alerts", is_flag=True, help="Update the health state but send no email.")
def health_cmd(
    db_path: Path,
    sources_path: Path | None,
    needs_path: Path | None,
    settings_path: Path | None,
    no_alerts: bool,
) -> None:
    """Judge every source from its runs now and send the alerts due (the scheduler does this
    after each crawl; use it when crawls run some other way)."""
    from crawler.health import assess, check_health, recent_runs
    from crawler.scheduler import Paths, run_health_check

    settings = _settings(settings_path)
    try:
        config = load_sources(sources_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    db = open_db(db_path)
    ids = [s.id for s in config.enabled()]
    now = datetime.now(settings.schedule.tz)
    if no_alerts:
        check_health(db, ids, settings.health, now=now, recipient=None)
    else:
        paths = Paths(db_path, sources_path, needs_path, settings_path)
        run_health_check(db, paths, settings, ids, now=now)
    for source in ids:
        verdict = assess(recent_runs(db, source, settings.health), settings.health)
        word = {True: "ok", False: "UNHEALTHY", None: "-"}[verdict.healthy]
        click.echo(f"{source:20} {word:10} {verdict.detail}")


@click.command("export")
@DB_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "ics"]), required=True, help="Format."
)
@click.option("--what", type=click.Choice(["calls", "matches"]), default="calls", show_default=True)
@click.option("--municipality", default=None, help="Only calls matched to this municipality.")
@click.option(
    "--status",
    type=click.Choice(["planned", "open", "closed", "standing", "unknown"]),
    default=None,
    help="Only calls with this status.",
)
@click.option(
    "--review",
    type=click.Choice(["pending", "approved", "rejected"]),
    default=None,
    help="Only matches in this review state (--what matches).",
)
@click.option(
    "--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Deadline on or after."
)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Deadline on or before.")
@click.option("--include-gone", is_flag=True, help="Also calls no longer on the funder's site.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to this file (default: standard output).",
)
def export_cmd(
    db_path: Path,
    fmt: str,
    what: str,
    municipality: str | None,
    status: str | None,
    review: str | None,
    date_from: datetime | None,
    date_to: datetime | None,
    include_gone: bool,
    out: Path | None,
) -> None:
    """Export calls or matches as CSV, JSON or an iCalendar file of deadlines."""
    from crawler.export import ExportFilter, export

    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no such database")
    if review and what != "matches":
        raise click.BadParameter("only with --what matches", param_hint="--review")
    if date_from and date_to and date_from > date_to:
        raise click.BadParameter("--from is after --to", param_hint="--from")
    filters = ExportFilter(
        municipality=municipality,
        status=status,
        review=review,
        deadline_from=_day(date_from),
        deadline_to=_day(date_to),
        include_gone=include_gone,
    )
    db = open_db(db_path)
    now = datetime.now().astimezone()
    if out is None:
        count, skipped = export(db, what, fmt, filters, sys.stdout, now=now)
    else:
        partial = out.with_name(f".{out.name}.partial")
        with partial.open("w", encoding="utf-8", newline="") as handle:
            count, skipped = export(db, what, fmt, filters, handle, now=now)
        partial.replace(out)
    note = f", {skipped} without a deadline left out" if skipped else ""
    click.echo(f"exported {count} {what}{note}" + (f" to {out}" if out else ""), err=True)


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@click.group("db")
def db_group() -> None:
    """Database maintenance: consistent backups and integrity checks."""


@db_group.command("backup")
@click.argument("target", type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--overwrite", is_flag=True, help="Replace an existing backup file.")
def backup_cmd(target: Path, db_path: Path, overwrite: bool) -> None:
    """Copy the database to TARGET (a file, or a folder for a time-stamped file), consistently
    even while a crawl writes; the copy is integrity-checked before it gets its name."""
    from crawler.dbtools import BackupError, backup

    try:
        result = backup(db_path, target, now=datetime.now(), overwrite=overwrite)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written to {result.path} ({result.size} bytes, integrity ok)")


@db_group.command("check")
@DB_OPTION
def check_cmd(db_path: Path) -> None:
    """Run SQLite's integrity check on the database; exit 1 if it finds a problem."""
    from crawler.dbtools import BackupError, integrity_check

    try:
        problems = integrity_check(db_path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if problems != ["ok"]:
        raise click.ClickException(f"{db_path}: " + "; ".join(problems[:5]))
    click.echo(f"{db_path}: ok")


def register(cli: click.Group) -> None:
    """Add this area's commands to the `utlys` group."""
    for command in (schedule_cmd, status_cmd, health_cmd, export_cmd, db_group):
        cli.add_command(command)
