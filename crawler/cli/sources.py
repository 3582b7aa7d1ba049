"""The checks of the sources: `utlys sources check` (does each answer, and what does its
spider read of its site) and `utlys sources record` (its pages saved as test fixtures). They join
the `sources` group of crawler.cli.crawl through crawler.cli.ops.register."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from crawler.cli import output
from crawler.cli.options import (
    DB_OPTION,
    FORMAT_OPTION,
    SOURCES_OPTION,
    TODAY_OPTION,
    today_or_default,
)
from crawler.normalize import ellipsize
from crawler.store.fill_rates import FIELDS as FILL_FIELDS


def _share(row: dict[str, Any], name: str) -> str:
    calls = row.get("calls")
    return f"{round(100 * row[name] / calls)}%" if calls else "-"


@click.command("check")
@SOURCES_OPTION
@DB_OPTION
@click.option(
    "--stored",
    is_flag=True,
    help="No network: show each source's last stored run (from --db) instead of crawling.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds to wait for each source's first URL.",
)
@TODAY_OPTION
@FORMAT_OPTION
def sources_check(
    sources_path: Path | None,
    db_path: Path,
    stored: bool,
    timeout: float,
    today: date | None,
    fmt: str,
) -> None:
    """Validate the sources file, try each enabled source's first URL, then crawl the enabled
    sources into a throwaway database and show per source how many calls its spider parsed
    and on what share of them it read each field (title, status, dates, regions, budget,
    summary): a spider that misreads its site shows at once. The database is not touched.

    Exits with 1 only when the file is invalid; unreachable sources are reported, not fatal.
    """
    from crawler.config import load_sources
    from crawler.crawl.probe import probe_all
    from crawler.ops.status import crawled_fill_rows, stored_fill_rows
    from crawler.store.queries import open_existing_db

    config = load_sources(sources_path)
    enabled = config.enabled()
    ids = [s.id for s in enabled]
    if fmt == "table":
        click.echo(f"{config.path}: valid, {len(config.sources)} sources ({len(enabled)} enabled)")
    if stored:
        db = open_existing_db(db_path)
        try:
            fills = stored_fill_rows(db, ids)
        finally:
            db.close()
        answers = ["-"] * len(enabled)
    else:
        answers = probe_all(enabled, agent=config.crawler.agent, timeout=timeout)
        fills = crawled_fill_rows(config.path, ids, today=today_or_default(today))
    rows = [
        {"id": s.id, "answer": answer, **fills.get(s.id, {}), "url": s.start_urls[0]}
        for s, answer in zip(enabled, answers, strict=True)
    ]
    output.echo(
        fmt,
        rows,
        header=("ID", "LAST RUN" if stored else "ANSWER", "RUN", "CALLS",
                *(f.upper() for f in FILL_FIELDS), "URL / ERROR"),
        row=lambda r: (
            r["id"], (r.get("run") or "-") if stored else r["answer"], r.get("run_status") or "-",
            r.get("calls", "-"),
            *(_share(r, f) if r.get("calls") is not None else "-" for f in FILL_FIELDS),
            ellipsize(r.get("error") or "") or r["url"],
        ),
        columns=("id", "answer", "run", "run_status", "calls", *FILL_FIELDS, "error", "url"),
    )  # fmt: skip


@click.command("record")
@click.argument("source_id", metavar="ID")
@SOURCES_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the pages (default: tests/fixtures/<id>/recorded-<date>/).",
)
@TODAY_OPTION
def sources_record(
    source_id: str, sources_path: Path | None, out_dir: Path | None, today: date | None
) -> None:
    """Crawl one source politely (robots.txt, the User-Agent with the contact address, the
    download delay) and save every page it fetched as test fixtures, with a manifest (URL ->
    file) and a DRAFT expected.yaml of the values parsed today, for a person to check."""
    from crawler.crawl.record import record_source

    day = today_or_default(today)
    result = record_source(source_id, sources_path=sources_path, out_dir=out_dir, today=day)
    report = result.report
    click.echo(
        f"{source_id}: {report.status}, {result.pages} page(s) and {result.calls} call(s)"
        f" recorded in {result.out_dir}" + (f" ({report.error})" if report.error else "")
    )
    click.echo("expected.yaml is a draft: check every value against the pages before use.")
