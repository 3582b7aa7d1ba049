"""The ``fill_rates`` table (per source run: calls parsed, and how many had each field) and the
``fill_health`` table (per source: degraded or not, which fields, since when).

A spider that misreads a changed page still "works": it finds calls, only without their
deadlines. Counting the fields per run is what lets that show (judged in crawler.ops.health).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from crawler.model import Call
from crawler.store.db import write_transaction

# The fields a coordinator relies on, in the order they are shown.
FIELDS = ("title", "status", "dates", "regions", "budget", "summary")


def has_field(call: Call, name: str) -> bool:
    """Whether the spider read this field of the call; "dates" is a deadline or an opening
    date (a planned call has only the latter), "status" a status other than "unknown"."""
    if name == "title":
        return bool(call.title.strip())
    if name == "status":
        return call.status != "unknown"
    if name == "dates":
        return bool(call.deadline or call.opens_on)
    if name == "regions":
        return bool(call.regions)
    if name == "budget":
        return call.budget_sek is not None
    if name == "summary":
        return bool(call.summary.strip())
    raise ValueError(f"unknown field {name!r}; expected one of {FIELDS}")


def count_fields(calls: Iterable[Call]) -> dict[str, int]:
    """``calls`` and one count per field of FIELDS; a call id seen twice counts once (the last
    one, as ``save_calls`` stores it)."""
    batch = list({call.id: call for call in calls}.values())
    counts = {"calls": len(batch)}
    for name in FIELDS:
        counts[name] = sum(has_field(call, name) for call in batch)
    return counts


def record_fill_rates(db: Database, run_id: int, source: str, counts: dict[str, int]) -> None:
    """Store a run's counts; call it in the transaction that records the run."""
    row = {"run_id": run_id, "source": source, "calls": counts.get("calls", 0)}
    row |= {name: counts.get(name, 0) for name in FIELDS}
    with write_transaction(db):
        db["fill_rates"].insert(row, pk="run_id", replace=True)


def fills_of_runs(db: Database, run_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """The counts of these ``source_runs`` ids (runs without counts are left out)."""
    if not run_ids:
        return {}
    marks = ", ".join("?" for _ in run_ids)
    rows = db.execute_returning_dicts(
        f"select * from fill_rates where run_id in ({marks})", list(run_ids)
    )
    return {row.pop("run_id"): _counts(row) for row in rows}


def fill_history(db: Database, source: str, limit: int = 20) -> list[dict[str, Any]]:
    """A source's latest ``limit`` runs that have counts, oldest first: the run's id, started,
    status and items, with its counts under ``fill``."""
    rows = db.execute_returning_dicts(
        # fill_rates has a "status" count of its own: the run's columns are renamed
        "select f.*, r.started as run_started, r.status as run_status, r.items as run_items"
        " from fill_rates f join source_runs r on r.id = f.run_id"
        " where f.source = ? order by f.run_id desc limit ?",
        [source, limit],
    )
    return [
        {"id": row["run_id"], "started": row["run_started"], "status": row["run_status"],
         "items": row["run_items"], "fill": _counts(row)}
        for row in reversed(rows)
    ]  # fmt: skip


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {name: int(row[name] or 0) for name in ("calls", *FIELDS)}


def fill_health(db: Database, source: str) -> dict[str, Any] | None:
    """The stored degraded state of a source (``fields`` as a list), None before a verdict."""
    rows = db.execute_returning_dicts("select * from fill_health where source = ?", [source])
    if not rows:
        return None
    return rows[0] | {"fields": json.loads(rows[0]["fields"] or "[]")}


def fill_health_changed(
    db: Database, source: str, fields: Sequence[str], reason: str, at: str
) -> None:
    """A new verdict (or the first): degraded when ``fields`` is not empty; ``since`` = ``at``."""
    with write_transaction(db):
        db["fill_health"].upsert(
            {
                "source": source,
                "degraded": int(bool(fields)),
                "fields": json.dumps(list(fields)),
                "reason": reason,
                "since": at,
                "checked_at": at,
            },
            pk="source",
        )


def fill_health_confirmed(
    db: Database, source: str, fields: Sequence[str], reason: str, at: str
) -> None:
    """The same verdict again (the fields may differ while still degraded): keep ``since``."""
    with write_transaction(db):
        db.execute(
            "update fill_health set fields = ?, reason = ?, checked_at = ? where source = ?",
            [json.dumps(list(fields)), reason, at, source],
        )
