"""Storage: plain functions over a sqlite-utils Database.

Every source's batch is written in one ``BEGIN IMMEDIATE`` transaction, so a crawl that dies
half-way leaves the previous state intact, and a reader (the CLI, the scheduler's status) never
sees half a batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from crawler.model import LIST_FIELDS, Call
from crawler.store.db import now_iso, write_transaction
from crawler.store.migrations import CALL_COLUMNS


def call_to_row(call: Call) -> dict[str, Any]:
    row = call.to_dict()
    for name in LIST_FIELDS:
        row[name] = json.dumps(row[name], ensure_ascii=False)
    return row


def row_to_call(row: dict[str, Any]) -> Call:
    return Call.from_dict(row)


@dataclass
class SaveResult:
    items: int = 0
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # first missed: gone if missed again


TRACKED_FIELDS = [c for c in CALL_COLUMNS if c not in ("id", "source", "scraped_at")]


def save_calls(
    db: Database,
    source: str,
    calls: Iterable[Call],
    *,
    complete: bool = True,
    seen_at: str | None = None,
    seen: bool = True,
) -> SaveResult:
    """Store one source's batch and classify each call as new, changed, unchanged or gone.

    ``complete`` says the crawl saw the whole listing: only then may a call that was not seen be
    marked gone (a partial crawl proves nothing about what it did not reach), and only when an
    earlier complete crawl missed it too (``missing_since``): a listing that shrinks for one
    crawl marks nothing gone. Nothing is deleted.
    ``seen=False`` (a failed run, whose calls may come from cached copies of pages that now fail)
    leaves ``last_seen`` of unchanged calls as it was.
    """
    seen_at = seen_at or now_iso()
    result = SaveResult()
    batch = {c.id: c for c in calls}  # the last occurrence of an id wins
    result.items = len(batch)
    with write_transaction(db):
        existing = {
            row["id"]: row
            for row in db.execute_returning_dicts("select * from calls where source = ?", [source])
        }
        new_rows: list[dict[str, Any]] = []
        for call in batch.values():
            row = call_to_row(call)
            digest = call.content_hash()
            old = existing.get(call.id)
            if old is None:
                row.update(
                    first_seen=seen_at,
                    last_seen=seen_at,
                    last_changed=seen_at,
                    content_hash=digest,
                    gone=0,
                )
                new_rows.append(row)
                result.new.append(call.id)
            elif not seen and old["gone"]:
                continue  # a failed run's cached copy brings nothing back
            elif old["content_hash"] == digest and not old["gone"]:
                result.unchanged.append(call.id)
                if old.get("missing_since") and seen:
                    db.execute("update calls set missing_since = null where id = ?", [call.id])
            else:
                changes = [
                    (call.id, name, _text(old.get(name)), _text(row[name]), seen_at)
                    for name in TRACKED_FIELDS
                    if _text(old.get(name)) != _text(row[name])
                ]
                if old["gone"]:
                    changes.append((call.id, "gone", "1", "0", seen_at))
                db.conn.executemany(
                    "insert into call_changes (call_id, field, old, new, seen_at)"
                    " values (?, ?, ?, ?, ?)",
                    changes,
                )
                row.update(
                    last_seen=seen_at if seen else old["last_seen"],
                    last_changed=seen_at,
                    content_hash=digest,
                    gone=0,
                    missing_since=None if seen else old.get("missing_since"),
                )
                db["calls"].update(call.id, row)
                result.changed.append(call.id)
        if new_rows:
            db["calls"].insert_all(new_rows)
        if seen:
            db.conn.executemany(
                "update calls set last_seen = ? where id = ?",
                [(seen_at, call_id) for call_id in result.unchanged],
            )
        if complete:
            for call_id, old in existing.items():
                if call_id in batch or old["gone"]:
                    continue
                if not old.get("missing_since"):
                    db.execute(
                        "update calls set missing_since = ? where id = ?", [seen_at, call_id]
                    )
                    result.missing.append(call_id)
                else:
                    db.execute(
                        "update calls set gone = 1, last_changed = ? where id = ?",
                        [seen_at, call_id],
                    )
                    db.execute(
                        "insert into call_changes (call_id, field, old, new, seen_at)"
                        " values (?, 'gone', '0', '1', ?)",
                        [call_id, seen_at],
                    )
                    result.gone.append(call_id)
    return result


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def record_run(db: Database, run: dict[str, Any]) -> int:
    """Append one source run (ok / failed / empty) to ``source_runs``."""
    with write_transaction(db):
        return db["source_runs"].insert(run).last_pk


def load_calls(db: Database, where: str = "1", params: Iterable[Any] = ()) -> list[Call]:
    return [
        row_to_call(row)
        for row in db.execute_returning_dicts(f"select * from calls where {where}", list(params))
    ]


def count_published(db: Database, source: str) -> int:
    """How many of a source's calls are stored as still published (not gone)."""
    return db.execute(
        "select count(*) from calls where source = ? and gone = 0", [source]
    ).fetchone()[0]
