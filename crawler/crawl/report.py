"""The outcome of crawling one source, and the rule that decides it.

The rule (the one place where "ok", "failed" and "empty" are decided):

1. **failed**: something went wrong on the way: a page that did not answer (connection refused,
   timeout, not HTTP), answered with an HTTP error (4xx/5xx), was forbidden by robots.txt, or
   could not be parsed; the spider's listing crawl was not ``complete``; or the crawl was cut
   short. The calls that were found are still stored (new and changed ones count), but no call
   is marked gone: a partial crawl proves nothing about what it did not reach.
2. **empty**: nothing went wrong but no call was found. Nothing is stored or marked gone: a
   funder's listing that suddenly shows nothing is far more often a changed page layout than
   a funder that withdrew every call. The error says how many calls the source used to have.
3. **ok**: calls were found and nothing went wrong. The batch is stored as complete: a call of
   this source that was not seen is missing, and marked gone (never deleted) when the next ok
   crawl misses it too.

How a coordinator reads the reports after a crawl (`format_reports`, one aligned line per
source) is here too, below the command line and the demo that both print it; `text_table` is
the one aligned-columns writer every terminal table of utlys goes through.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("ok", "failed", "empty")


@dataclass
class SourceReport:
    source: str
    status: str
    items: int = 0
    new: int = 0
    changed: int = 0
    gone: int = 0
    requests: int = 0
    not_modified: int = 0
    error: str | None = None
    started: str | None = None
    finished: str | None = None
    seen_at: str | None = None  # the save's timestamp: call_changes rows of this run carry it
    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)
    gone_ids: list[str] = field(default_factory=list)
    # Missed by this complete crawl for the first time: gone if the next complete crawl misses it.
    missing_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceReport:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def run_row(self) -> dict[str, Any]:
        """The ``source_runs`` row."""
        return {
            "source": self.source,
            "started": self.started,
            "finished": self.finished,
            "status": self.status,
            "items": self.items,
            "new": self.new,
            "changed": self.changed,
            "gone": self.gone,
            "error": self.error,
            "requests": self.requests,
            "not_modified": self.not_modified,
        }


@dataclass(frozen=True)
class Verdict:
    status: str
    error: str | None
    store: bool  # save the calls that were found
    complete: bool  # ... and mark the source's unseen calls gone


def decide(
    *,
    problems: list[str],
    calls_found: int,
    pages: int,
    known_before: int,
    listing_complete: bool,
    finish_reason: str,
) -> Verdict:
    """Apply the rule of this module's docstring."""
    trouble = list(problems)
    if not listing_complete and not trouble:
        trouble.append("listing not read completely (a listing page failed)")
    if finish_reason not in ("finished", ""):
        trouble.append(f"crawl stopped early ({finish_reason})")
    if trouble:
        more = f" (+{len(trouble) - 1} more)" if len(trouble) > 1 else ""
        return Verdict("failed", trouble[0] + more, store=calls_found > 0, complete=False)
    if calls_found == 0:
        pages_text = f"{pages} page" + ("" if pages == 1 else "s")
        used = f" (used to find {known_before})" if known_before else ""
        return Verdict("empty", f"no calls found in {pages_text}{used}", False, False)
    return Verdict("ok", None, store=True, complete=True)


REPORT_HEADER = ("SOURCE", "STATUS", "ITEMS", "NEW", "CHANGED", "GONE", "REQUESTS", "304s", "ERROR")


def report_row(report: SourceReport) -> tuple[Any, ...]:
    """The figures a coordinator checks after a crawl, in the order of REPORT_HEADER."""
    r = report
    return (r.source, r.status, r.items, r.new, r.changed, r.gone, r.requests, r.not_modified,
            r.error or "")  # fmt: skip


def progress_line(done: int, total: int, report: SourceReport) -> str:
    """The line printed as a source finishes, before the table of all of them: the count says
    how far the crawl is, the rest what a coordinator looks at first."""
    r = report
    figures = f"{r.items} calls ({r.new} new, {r.changed} changed, {r.gone} gone)"
    error = f": {r.error}" if r.error else ""
    return f"[{done}/{total}] {r.source}  {r.status}  {figures}{error}"


def format_reports(reports: Iterable[SourceReport]) -> str:
    """One aligned line per source, under a header."""
    return text_table(REPORT_HEADER, [report_row(r) for r in reports])


def text_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Columns aligned with two spaces between them; the last column is not padded (it holds
    the long text: an error, a title, a URL). None is an empty cell."""
    table = [[("" if cell is None else str(cell)) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(
            [*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]
        ).rstrip()
        for row in table
    )
