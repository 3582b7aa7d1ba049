"""Operations commands: schedule, status, health, export, db backup/check, and the checks of
the sources (`sources check`, `sources record`: crawler.cli.sources). Each parses its options,
makes one call into crawler.ops, crawler.crawl or crawler.store and prints the result."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from crawler.cli import output
from crawler.cli.options import (
    DB_OPTION,
    FORMAT_OPTION,
    NEEDS_OPTION,
    SETTINGS_OPTION,
    SOURCES_OPTION,
)
from crawler.cli.sources import sources_check, sources_record
from crawler.normalize import ellipsize


def register(cli: click.Group) -> None:
    """Add this area's commands to the `utlys` group, and the checks to its `sources` group
    (crawler.cli.crawl, which lists the sources)."""
    for command in (schedule_cmd, status_cmd, health_cmd, export_cmd, db_group):
        cli.add_command(command)
    sources = cli.commands["sources"]
    assert isinstance(sources, click.Group)
    sources.add_command(sources_check)
    sources.add_command(sources_record)


@click.command("schedule")
@DB_OPTION
@SOURCES_OPTION
@NEEDS_OPTION
@SETTINGS_OPTION
@click.option(
    "--snapshot",
    type=click.Choice(["month1", "month2"]),
    default=None,
    help="Crawl the bundled offline snapshot (served on 127.0.0.1) instead of the funders' "
    "sites; sources already aimed at 127.0.0.1 are left as they are.",
)
def schedule_cmd(
    db_path: Path,
    sources_path: Path | None,
    needs_path: Path | None,
    settings_path: Path | None,
    snapshot: str | None,
) -> None:
    """Run crawl + match, digests and the newsletter on their cron times, in the foreground.

    Times come from the `schedule:` section of the settings (Europe/Stockholm). A job missed
    while the scheduler was not running runs once at start. Stop with Ctrl-C or SIGTERM: a
    running crawl is killed (its batches are transactions), a mail step finishes first.
    """
    from crawler.ops.scheduler import Paths, run_schedule

    paths = Paths(db_path, sources_path, needs_path, settings_path)
    sys.exit(run_schedule(paths, snapshot=snapshot, echo=click.echo))


class IsoMoment(click.ParamType):
    """An ISO date/time; without an offset it is read in the schedule's time zone."""

    name = "ISO-TIME"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"not an ISO date/time: {value!r}", param, ctx)


@click.command("status")
@DB_OPTION
@SOURCES_OPTION
@SETTINGS_OPTION
@FORMAT_OPTION
@click.option(
    "--now", type=IsoMoment(), default=None, help="Report as of this ISO time (default: now)."
)
def status_cmd(
    db_path: Path,
    sources_path: Path | None,
    settings_path: Path | None,
    fmt: str,
    now: datetime | None,
) -> None:
    """Per source: last run, last success, items, new this month, health and error; the next
    scheduled jobs; the last digest and newsletter sent. (CSV: the sources; JSON: everything.)"""
    from crawler.ops.status import status_now

    report, settings = status_now(db_path, sources_path, settings_path, now=now)
    text = status_text(report, settings.schedule.tz) if fmt == "table" else None
    output.echo(fmt, report["sources"], text=text, document=report)


def status_text(report: dict[str, Any], tz: ZoneInfo) -> str:
    """The status report for a terminal; the JSON format carries the full error texts."""
    local = _local_time(tz)
    lines = [
        f"utlys status of {report['database']} at {local(report['generated_at'])}",
        f"scheduler: {'running' if report['scheduler_running'] else 'not running'}"
        f"; crawl: {'running now' if report['crawl_running'] else 'idle'}",
        "",
        output.render(
            "table",
            report["sources"],
            header=("SOURCE", "LAST RUN", "STATUS", "LAST SUCCESS", "ITEMS", "NEW", "HEALTH",
                    "ERROR"),
            row=lambda s: (
                s["source"] + ("" if s["enabled"] else " (off)"), local(s["last_run"]),
                s["last_status"] or "-", local(s["last_success"]),
                "-" if s["items"] is None else s["items"], s["new_this_month"], s["health"],
                ellipsize(s["error"] or (s["health_detail"] if s["health"] != "ok" else "")),
            ),
        ),
        output.render(
            "table",
            report["jobs"],
            header=("JOB", "CRON", "NEXT RUN", "LAST RUN", "LAST STATUS", "DETAIL"),
            row=lambda j: (
                j["job"], j["cron"], local(j["next_run"]), local(j["last_run"]),
                " ".join(x for x in (j["last_status"] or "-", j["last_period"] or "") if x),
                ellipsize(j["last_detail"] or ""),
            ),
        ),
    ]  # fmt: skip
    for kind in ("digest", "newsletter"):
        d = report["deliveries"][kind]
        if d["last_period"]:
            text = f"{d['last_period']}, {d['messages']} messages, {local(d['last_sent_at'])}"
        else:
            text = "never"
        extra = ", ".join(f"{d[k]} {k}" for k in ("unsent", "held", "failed") if d[k])
        lines.append(f"last {kind} sent: {text}" + (f" ({extra})" if extra else ""))
    a = report["deliveries"]["alerts"]
    lines.append(
        f"health alerts: {a['sent']} sent"
        + "".join(f", {a[k]} {k}" for k in ("unsent", "held", "failed") if a[k])
    )
    return "\n".join(lines)


def _local_time(tz: ZoneInfo) -> Callable[[str | None], str]:
    from crawler.ops.jobs import parse_stamp

    def local(stamp: str | None) -> str:
        if not stamp:
            return "-"
        try:
            return parse_stamp(stamp).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return stamp

    return local


@click.command("health")
@DB_OPTION
@SOURCES_OPTION
@NEEDS_OPTION
@SETTINGS_OPTION
@click.option("--no-alerts", is_flag=True, help="Update the health state but send no email.")
@FORMAT_OPTION
def health_cmd(
    db_path: Path,
    sources_path: Path | None,
    needs_path: Path | None,
    settings_path: Path | None,
    no_alerts: bool,
    fmt: str,
) -> None:
    """Judge every source from its runs now and send the alerts due (the scheduler does this
    after each crawl; use it when crawls run some other way)."""
    from crawler.ops.jobs import Paths, health_now

    paths = Paths(db_path, sources_path, needs_path, settings_path)
    rows = health_now(paths, alerts=not no_alerts)
    output.echo(fmt, rows, header=("SOURCE", "HEALTH", "DETAIL"), row=lambda r: tuple(r.values()))


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
    "--excel",
    is_flag=True,
    help="CSV for Excel set to Swedish: UTF-8 with a BOM, semicolons between columns.",
)
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
    excel: bool,
    out: Path | None,
) -> None:
    """Export calls or matches as CSV, JSON or an iCalendar file of deadlines."""
    from dataclasses import replace

    from crawler.match.review import check_municipality
    from crawler.ops.export import ExportFilter, export
    from crawler.store.queries import open_existing_db

    if excel and fmt != "csv":
        raise click.BadParameter("only with --format csv", param_hint="--excel")
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
    db = open_existing_db(db_path)
    if municipality:
        filters = replace(filters, municipality=check_municipality(db, municipality))
    now = datetime.now().astimezone()
    if out is None:
        count, skipped = export(db, what, fmt, filters, sys.stdout, now=now, excel=excel)
    else:
        partial = out.with_name(f".{out.name}.partial")
        with partial.open("w", encoding="utf-8", newline="") as handle:
            count, skipped = export(db, what, fmt, filters, handle, now=now, excel=excel)
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
    from crawler.store.backup import backup

    result = backup(db_path, target, now=datetime.now(), overwrite=overwrite)
    click.echo(f"backup written to {result.path} ({result.size} bytes, integrity ok)")


@db_group.command("check")
@DB_OPTION
def check_cmd(db_path: Path) -> None:
    """Run SQLite's integrity check on the database; exit 1 if it finds a problem."""
    from crawler.store.backup import integrity_check

    problems = integrity_check(db_path)
    if problems != ["ok"]:
        raise click.ClickException(f"{db_path}: " + "; ".join(problems[:5]))
    click.echo(f"{db_path}: ok")
