"""`utlys export`: calls and matches as CSV (for the coordinator's spreadsheets), JSON, or an
iCalendar file of deadlines (for the steering group's calendars).

Everything exported was scraped, so it stays untrusted on the way out: a CSV cell that starts
like a formula (`=`, `+`, `-`, `@`) is prefixed with an apostrophe so a spreadsheet shows it
instead of running it, and only http(s) links are exported (other links are left out).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from sqlite_utils import Database

from crawler.model import LIST_FIELDS, STATUSES, as_list
from crawler.normalize import safe_url
from crawler.store.exports import calls_for_export, matches_for_export
from digest.message import Deadline, calendar_ics

FORMATS = ("csv", "json", "ics")
WHAT = ("calls", "matches")
CALL_COLUMNS = [
    "id",
    "source",
    "funder",
    "programme",
    "title",
    "status",
    "opens_on",
    "deadline",
    "deadline_time",
    "budget_sek",
    "cofinancing",
    "regions",
    "target_groups",
    "applicants",
    "url",
    "documents",
    "published_on",
    "summary",
    "first_seen",
    "last_seen",
    "last_changed",
    "gone",
]
MATCH_COLUMNS = [
    "match_id",
    "municipality",
    "review",
    "score",
    "reasons",
    "note",
    "reviewed_at",
    *CALL_COLUMNS,
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFilter:
    municipality: str | None = None
    status: str | None = None  # the call's status
    review: str | None = None  # the match's review state (matches only)
    deadline_from: date | None = None
    deadline_to: date | None = None
    include_gone: bool = False


def export_rows(db: Database, what: str, filters: ExportFilter) -> list[dict[str, Any]]:
    """The rows to export, soonest deadline first (calls without a deadline last)."""
    common = {
        "municipality": filters.municipality,
        "status": filters.status,
        "deadline_from": filters.deadline_from,
        "deadline_to": filters.deadline_to,
        "include_gone": filters.include_gone,
    }
    if what == "calls":
        rows = calls_for_export(db, **common)
    else:
        rows = matches_for_export(db, review=filters.review, **common)
    columns = CALL_COLUMNS if what == "calls" else MATCH_COLUMNS
    result = []
    for row in rows:
        clean = {name: row.get(name) for name in columns}
        for name in (*LIST_FIELDS, "reasons"):
            if name in clean:
                clean[name] = as_list(clean[name])
        clean["gone"] = bool(clean["gone"])
        # Only http(s) links leave the database, in every format: a spreadsheet or a script
        # reading the JSON may make a javascript: or file: link clickable.
        clean["url"] = safe_url(clean["url"])
        clean["documents"] = [link for d in clean["documents"] if (link := safe_url(d))]
        result.append(clean)
    return result


def write_json(rows: list[dict[str, Any]], out: IO[str]) -> None:
    json.dump(rows, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(
    rows: list[dict[str, Any]], out: IO[str], columns: list[str], *, excel: bool = False
) -> None:
    """CSV with spreadsheet formulas defused. ``excel``: for Excel set to Swedish, which needs a
    BOM to read UTF-8 and splits columns on semicolons (the comma is its decimal mark)."""
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if excel else ",")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def write_ics(rows: Iterable[dict[str, Any]], out: IO[str], *, now: datetime) -> int:
    """One all-day event per call on its deadline, written by the digest's calendar writer, so
    an exported call and the same call in a digest's attachment are one event (same UID, same
    text). A match export names the municipalities. Returns how many calls had no deadline."""
    by_call: dict[str, dict[str, Any]] = {}
    municipalities: dict[str, set[str]] = {}
    for row in rows:
        by_call.setdefault(row["id"], row)
        if row.get("municipality"):
            municipalities.setdefault(row["id"], set()).add(row["municipality"])
    events = [
        Deadline(
            call_id=call_id,
            title=row["title"],
            funder=row.get("funder"),
            deadline=row.get("deadline"),
            deadline_time=row.get("deadline_time"),
            url=row.get("url"),  # already checked by export_rows
            status=row.get("status"),
            budget_sek=row.get("budget_sek"),
            details=(f"Matchar: {', '.join(sorted(municipalities[call_id]))}",)
            if call_id in municipalities
            else (),
        )
        for call_id, row in by_call.items()
    ]
    data, written = calendar_ics(
        events, name="Utlysningar – sista ansökningsdagar", today=now.date()
    )
    out.write(data.decode("utf-8"))
    return len(events) - written


def export(
    db: Database,
    what: str,
    fmt: str,
    filters: ExportFilter,
    out: IO[str],
    *,
    now: datetime,
    excel: bool = False,
) -> tuple[int, int]:
    """Write the export; return (rows exported, calls left out of a calendar for lack of a
    deadline)."""
    if what not in WHAT or fmt not in FORMATS:
        raise ValueError(f"unknown export {what!r} as {fmt!r}")
    if filters.status and filters.status not in STATUSES:
        raise ValueError(f"unknown call status {filters.status!r}")
    rows = export_rows(db, what, filters)
    skipped = 0
    if fmt == "json":
        write_json(rows, out)
    elif fmt == "csv":
        write_csv(rows, out, CALL_COLUMNS if what == "calls" else MATCH_COLUMNS, excel=excel)
    else:
        skipped = write_ics(rows, out, now=now)
    return len(rows), skipped
