"""CLI of the crawl area: `utlys crawl`, `utlys calls`, `utlys sources list|check`, `utlys demo`.

A thin layer: the work is done by crawler.crawl.runner, crawler.store and crawler.dev.demo; this module
turns their results into lines and their errors into one-line messages (never a traceback).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import click
from sqlite_utils import Database

from crawler.cli.options import DB_OPTION, SOURCES_OPTION
from crawler.config import ConfigError, Source, load_sources
from crawler.model import LIST_FIELDS, STATUSES, as_list
from crawler.normalize import ellipsize
from crawler.store import open_db


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Config and database problems become a one-line error and exit code 1."""
    try:
        yield
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"database: {exc}") from None


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
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge call statuses as on this day (YYYY-MM-DD; default: today).",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Show Scrapy's log while crawling (default: kept in <db>.crawl.log).",
)
def crawl(
    db_path: Path, sources_path: Path | None, only: tuple[str, ...], today: Any, verbose: bool
) -> None:
    """Crawl the enabled sources and store their calls.

    Prints one line per source; exits with 1 if any source failed (the others are still stored).
    """
    from crawler.crawl.runner import crawl_log_path, run_crawl

    ids = [part.strip() for value in only for part in value.split(",") if part.strip()]
    with one_line_errors(), _crawl_lock(db_path):
        reports = run_crawl(
            db_path,
            sources_path,
            only=ids or None,
            today=today.date() if today else None,
            log_to_stderr=verbose,
        )
    click.echo(format_reports(reports))
    if any(r.status == "failed" for r in reports):
        if not verbose:
            click.echo(f"Details in {crawl_log_path(db_path)}", err=True)
        raise SystemExit(1)


@contextmanager
def _crawl_lock(db_path: Path) -> Iterator[None]:
    """Two crawls into one database never overlap: a manual crawl while the scheduler crawls
    stops with a one-line error instead of racing it."""
    from crawler.ops.locks import CRAWL_LOCK_HELD, LockBusy, crawl_lock

    if os.environ.get(CRAWL_LOCK_HELD) == "1":
        yield
        return
    try:
        lock = crawl_lock(db_path).acquire(wait=0)
    except LockBusy as exc:
        raise click.ClickException(f"another crawl is running: {exc}") from None
    try:
        yield
    finally:
        lock.release()


def format_reports(reports: list[Any]) -> str:
    """One aligned line per source: the figures a coordinator checks after a crawl."""
    header = ("SOURCE", "STATUS", "ITEMS", "NEW", "CHANGED", "GONE", "REQUESTS", "304s", "ERROR")
    rows = [
        (
            r.source,
            r.status,
            str(r.items),
            str(r.new),
            str(r.changed),
            str(r.gone),
            str(r.requests),
            str(r.not_modified),
            r.error or "",
        )
        for r in reports
    ]
    return _table(header, rows)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


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
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def calls(
    db_path: Path,
    status: str | None,
    source_id: str | None,
    search: str | None,
    include_gone: bool,
    output: str,
) -> None:
    """List the stored calls, soonest deadline first (best match first with --search)."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no database here (run `utlys crawl` first)")
    with one_line_errors():
        rows = query_calls(
            open_db(db_path),
            status=status,
            source=source_id,
            search=search,
            include_gone=include_gone,
        )
    if output == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif output == "csv":
        click.echo(_csv(rows), nl=False)
    else:
        table_rows = [
            (
                "gone" if r["gone"] else r["status"],
                r["deadline"] or "-",
                r["source"],
                ellipsize(r["title"], 70),
            )
            for r in rows
        ]
        click.echo(_table(("STATUS", "DEADLINE", "SOURCE", "TITLE"), table_rows))
        click.echo(f"{len(rows)} call(s)")


def query_calls(
    db: Database,
    *,
    status: str | None = None,
    source: str | None = None,
    search: str | None = None,
    include_gone: bool = False,
) -> list[dict[str, Any]]:
    """Stored calls as plain dicts (list fields as lists), filtered like `utlys calls`."""
    clauses, args = [], {}
    if status:
        clauses.append("status = :status")
        args["status"] = status
    if source:
        clauses.append("source = :source")
        args["source"] = source
    if not include_gone:
        clauses.append("gone = 0")
    where = " and ".join(clauses) or "1"
    if search and search.strip():
        # Every word quoted (FTS operators and stray quotes in user text stay plain words),
        # then made a prefix, so "arbetslös" finds "arbetslösa".
        quoted = db.quote_fts(search.strip())
        query = " ".join(f"{token}*" for token in quoted.split(" ") if token)
        rows = list(db["calls"].search(query, where=where, where_args=args))
    else:
        rows = list(
            db.query(
                f"select * from calls where {where} "
                "order by deadline is null, deadline, source, title",
                args,
            )
        )
    for row in rows:
        row.pop("rank", None)
        for name in LIST_FIELDS:
            row[name] = as_list(row.get(name))
        row["gone"] = bool(row.get("gone"))
    return rows


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return out.getvalue()


@click.group()
def sources() -> None:
    """Inspect the sources file (config/sources.yaml)."""


@sources.command("list")
@SOURCES_OPTION
def sources_list(sources_path: Path | None) -> None:
    """List the configured sources."""
    with one_line_errors():
        config = load_sources(sources_path)
    rows = [
        (s.id, s.spider, "yes" if s.enabled else "no", s.funder, s.start_urls[0])
        for s in config.sources
    ]
    click.echo(_table(("ID", "SPIDER", "ENABLED", "FUNDER", "FIRST URL"), rows))


@sources.command("check")
@SOURCES_OPTION
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds to wait for each source.",
)
def sources_check(sources_path: Path | None, timeout: float) -> None:
    """Validate the sources file, then try each enabled source's first URL.

    Exits with 1 only when the file is invalid; unreachable sources are reported, not fatal.
    """
    with one_line_errors():
        config = load_sources(sources_path)
    enabled = config.enabled()
    click.echo(f"{config.path}: valid, {len(config.sources)} sources ({len(enabled)} enabled)")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(partial(probe, agent=config.crawler.agent, timeout=timeout), enabled)
        )
    rows = [(s.id, answer, s.start_urls[0]) for s, answer in zip(enabled, answers, strict=True)]
    click.echo(_table(("ID", "ANSWER", "URL"), rows))


def probe(source: Source, agent: str, timeout: float) -> str:
    """``answered HTTP 200`` or ``error: <reason>`` for the source's first URL."""
    request = urllib.request.Request(source.start_urls[0], headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only: validated)
            return f"answered HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"error: HTTP {exc.code}"
    except urllib.error.URLError as exc:
        return f"error: {exc.reason}"
    except (TimeoutError, OSError) as exc:
        return f"error: {exc or type(exc).__name__}"


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

    with one_line_errors():
        run_demo(workdir, echo=click.echo)
