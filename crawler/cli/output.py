"""The one output writer of the listing commands (`--format table|csv|json`).

A listing is a list of records (dicts). The table shows the columns a person reads in a
terminal (crawler.crawl.report.text_table); CSV and JSON carry every field of every record.
CSV goes through the one CSV writer (crawler.ops.export.write_csv), so a scraped title that
starts like a formula (``=HYPERLINK(...)``) is shown by a spreadsheet, never run.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import click

from crawler.crawl.report import text_table
from crawler.ops.export import write_csv, write_json

Record = Mapping[str, Any]


def render(
    fmt: str,
    records: Sequence[Record],
    *,
    header: Sequence[str] = (),
    row: Callable[[Record], Sequence[Any]] | None = None,
    text: str | None = None,
    empty: str | None = None,
    footer: str | None = None,
    columns: Sequence[str] | None = None,
    document: Any = None,
) -> str:
    """The listing as `fmt` asks.

    table: `text` when given (a report of several parts), else `row(record)` under `header`,
    `empty` instead of a table without rows, and `footer` after it. csv: the `columns` (default:
    the first record's fields). json: `document` when the JSON carries more than the records.
    """
    if fmt == "json":
        out = io.StringIO()
        write_json(list(records) if document is None else document, out)
        return out.getvalue()
    if fmt == "csv":
        names = list(columns or (records[0].keys() if records else ()))
        if not names:
            return ""
        out = io.StringIO(newline="")
        write_csv([dict(r) for r in records], out, names)
        return out.getvalue()
    if text is not None:
        return text.rstrip("\n") + "\n"
    if not records and empty is not None:
        return empty + "\n"
    assert row is not None, "a table needs its row function"
    lines = text_table(header, [row(r) for r in records])
    return lines + "\n" + (footer + "\n" if footer else "")


def echo(fmt: str, records: Sequence[Record], **view: Any) -> None:
    """Print `render(fmt, records, **view)`."""
    click.echo(render(fmt, records, **view), nl=False)
