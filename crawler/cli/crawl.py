"""Commands of the crawl area: `utlys crawl`, `utlys calls`, `utlys sources list` (`check` and
`record` are added to the group by crawler.cli.ops),
`utlys demo`. Each parses its options, makes one call into the library (crawler.crawl,
crawler.store, crawler.dev) and prints the result."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from crawler.cli import output
from crawler.cli.options import (
    DB_OPTION,
    FORMAT_OPTION,
    SOURCES_OPTION,
    TODAY_OPTION,
    today_or_default,
)
from crawler.config import load_sources
from crawler.crawl.report import REPORT_HEADER, SourceReport, progress_line, report_row
from crawler.model import STATUSES
from crawler.normalize import ellipsize
from crawler.ops.logs import get_logger
from crawler.store.queries import open_existing_db, query_calls

log = get_logger("crawl")


def register(cli: click.Group) -> None:
    """Add this area's commands to the `utlys` group."""
    cli.add_command(crawl)
    cli.add_command(calls)
    cli.add_command(sources)
    cli.add_command(demo)


@click.command()
@DB_OPTION
@SOURCES_OPTION
@click.option(
    "--only",
    multiple=True,
    metavar="ID",
    help="Crawl only this source (repeat, or separate ids with commas).",
)
@TODAY_OPTION
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Show Scrapy's log while crawling (default: kept in <db>.crawl.log).",
)
@FORMAT_OPTION
def crawl(
    db_path: Path,
    sources_path: Path | None,
    only: tuple[str, ...],
    today: date | None,
    verbose: bool,
    fmt: str,
) -> None:
    """Crawl the enabled sources and store their calls.

    Prints one line per source; exits with 1 if any source failed (the others are still stored).
    A crawl never races another one into the same database (the scheduler's, say).
    """
    from crawler.crawl.runner import crawl_log_path, run_crawl, select_sources
    from crawler.ops.locks import crawl_guard

    ids = [part.strip() for value in only for part in value.split(",") if part.strip()]
    config = load_sources(sources_path)
    total = len(select_sources(config, ids or None))
    finished: list[SourceReport] = []

    def show(report: SourceReport) -> None:
        # stderr: stdout carries only the table (or CSV, JSON) of all sources at the end.
        finished.append(report)
        line = progress_line(len(finished), total, report)
        click.echo(line, err=True)
        log.info("%s", line, extra={"source": report.source})

    with crawl_guard(db_path):
        reports = run_crawl(
            db_path,
            sources_path,
            only=ids or None,
            today=today_or_default(today),
            log_to_stderr=verbose,
            on_report=show,
        )
    records = [r.to_dict() for r in reports]
    output.echo(
        fmt, records, header=REPORT_HEADER, row=lambda r: report_row(SourceReport.from_dict(r))
    )
    if any(r.status == "failed" for r in reports):
        if not verbose:
            click.echo(f"Details in {crawl_log_path(db_path)}", err=True)
        raise SystemExit(1)


@click.command()
@DB_OPTION
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only this status.")
@click.option("--source", "source_id", default=None, metavar="ID", help="Only this source.")
@click.option(
    "--search",
    default=None,
    metavar="TEXT",
    help="Full-text search in title, summary, funder and programme (words match as prefixes).",
)
@click.option("--all", "include_gone", is_flag=True, help="Include calls that are gone.")
@FORMAT_OPTION
def calls(
    db_path: Path,
    status: str | None,
    source_id: str | None,
    search: str | None,
    include_gone: bool,
    fmt: str,
) -> None:
    """List the stored calls, soonest deadline first (best match first with --search)."""
    rows = query_calls(
        open_existing_db(db_path),
        status=status,
        source=source_id,
        search=search,
        include_gone=include_gone,
    )
    output.echo(
        fmt,
        rows,
        header=("STATUS", "DEADLINE", "SOURCE", "TITLE"),
        row=lambda r: ("gone" if r["gone"] else r["status"], r["deadline"] or "-", r["source"],
                       ellipsize(r["title"], 70)),
        footer=f"{len(rows)} call(s)",
    )  # fmt: skip


@click.group()
def sources() -> None:
    """Inspect the sources file (config/sources.yaml)."""


@sources.command("list")
@SOURCES_OPTION
@FORMAT_OPTION
def sources_list(sources_path: Path | None, fmt: str) -> None:
    """List the configured sources."""
    config = load_sources(sources_path)
    rows = [
        {"id": s.id, "spider": s.spider, "enabled": s.enabled, "funder": s.funder,
         "first_url": s.start_urls[0]}
        for s in config.sources
    ]  # fmt: skip
    output.echo(
        fmt,
        rows,
        header=("ID", "SPIDER", "ENABLED", "FUNDER", "FIRST URL"),
        row=lambda r: (r["id"], r["spider"], "yes" if r["enabled"] else "no", r["funder"],
                       r["first_url"]),
    )  # fmt: skip


@click.command()
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for everything the demo writes (utlys.db, sources.yaml, ...).",
)
def demo(workdir: Path) -> None:
    """Offline demo: serve the bundled snapshot, crawl month 1, then month 2, show the changes."""
    from crawler.dev.demo import run_demo

    run_demo(workdir, echo=click.echo)
