"""Storage: plain functions over a sqlite-utils Database.

Every source's batch is written in one ``BEGIN IMMEDIATE`` transaction, so a crawl that dies
half-way leaves the previous state intact, and a reader (the CLI, the scheduler's status) never
sees half a batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database

from crawler.model import LIST_FIELDS, Call
from crawler.store import rounds
from crawler.store.countdowns import TEXT_FIELDS as COUNTDOWN_FIELDS
from crawler.store.countdowns import strip_countdowns, without_countdowns
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
    today: date | None = None,
) -> SaveResult:
    """Store one source's batch and classify each call as new, changed, unchanged or gone.

    ``complete`` says the crawl saw the whole listing: only then may a call that was not seen be
    marked gone (a partial crawl proves nothing about what it did not reach), and only when an
    earlier complete crawl missed it too (``missing_since``): a listing that shrinks for one
    crawl marks nothing gone. Nothing is deleted.
    ``seen=False`` (a failed run, whose calls may come from cached copies of pages that now fail)
    leaves ``last_seen`` of unchanged calls as it was.
    A page that comes back with its next round (``rounds.is_new_round``, judged by ``today``, by
    default the day of ``seen_at``) is stored as a new call linked to the round before, which
    stays as it was; countdowns ("Tid kvar att ansöka: 59 dagar") are left out of what is stored.
    """
    seen_at = seen_at or now_iso()
    today = today or date.fromisoformat(seen_at[:10])
    result = SaveResult()
    batch = {c.id: without_countdowns(c) for c in calls}  # the last occurrence of an id wins
    result.items = len(batch)
    with write_transaction(db):
        existing = {
            row["id"]: row
            for row in db.execute_returning_dicts("select * from calls where source = ?", [source])
        }
        latest = rounds.latest_rounds(existing.values())  # page id -> its latest round
        new_rows: list[dict[str, Any]] = []
        for call in batch.values():
            row = call_to_row(call)
            digest = call.content_hash()
            old = latest.get(call.id)
            if old is not None and not seen and old["gone"]:
                continue  # a failed run's cached copy brings nothing back
            if old is None or rounds.is_new_round(old, call, today):
                row.update(
                    first_seen=seen_at,
                    last_seen=seen_at,
                    last_changed=seen_at,
                    content_hash=digest,
                    gone=0,
                    previous_id=None,
                    previous_round=None,
                )
                if old is not None:
                    taken = [*existing, *(r["id"] for r in new_rows)]
                    row["id"] = rounds.round_id(call.id, call, taken)
                    row.update(previous_id=old["id"], previous_round=rounds.round_label(old))
                new_rows.append(row)
                result.new.append(row["id"])
                continue
            row["id"] = call_id = old["id"]
            changes = []
            if old["content_hash"] != digest or old["gone"]:
                changes = [
                    (call_id, name, _text(old.get(name)), _text(row[name]), seen_at)
                    for name in TRACKED_FIELDS
                    if _comparable(name, old.get(name)) != _comparable(name, row[name])
                ]
                if not changes and not old["gone"]:  # only a countdown stored before differed
                    db["calls"].update(call_id, {**row, "content_hash": digest})
            if not changes and not old["gone"]:
                result.unchanged.append(call_id)
                if old.get("missing_since") and seen:
                    db.execute("update calls set missing_since = null where id = ?", [call_id])
            else:
                if old["gone"]:
                    changes.append((call_id, "gone", "1", "0", seen_at))
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
                db["calls"].update(call_id, row)
                result.changed.append(call_id)
        if new_rows:
            db["calls"].insert_all(new_rows)
        if seen:
            db.conn.executemany(
                "update calls set last_seen = ? where id = ?",
                [(seen_at, call_id) for call_id in result.unchanged],
            )
        if complete:
            for page_id, old in latest.items():  # earlier rounds are history: never gone
                call_id = old["id"]
                if page_id in batch or old["gone"]:
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


def _comparable(name: str, value: Any) -> str | None:
    """A field's value as compared for the change log: a countdown stored before countdowns were
    left out is not a change once it is gone."""
    text = _text(value)
    return strip_countdowns(text) if name in COUNTDOWN_FIELDS else text


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
