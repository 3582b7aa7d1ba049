"""Storage: plain functions over a sqlite-utils Database.

Every source's batch is written in one ``BEGIN IMMEDIATE`` transaction, so a crawl that dies
half-way leaves the previous state intact, and a reader (the CLI, the scheduler's status) never
sees half a batch.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from crawler.model import LIST_FIELDS, Call

DEFAULT_DB = "utlys.db"
CALL_COLUMNS = [f for f in Call.__dataclass_fields__]

migrations = Migrations("utlys")


@migrations()
def m001_calls(db: Database) -> None:
    db["calls"].create(
        {
            **{name: str for name in CALL_COLUMNS},
            "budget_sek": int,
            "first_seen": str,
            "last_seen": str,
            "last_changed": str,
            "content_hash": str,
            "gone": int,
        },
        pk="id",
        defaults={"gone": 0},
    )
    db["calls"].create_index(["source"])
    db["calls"].create_index(["status"])
    db["calls"].enable_fts(["title", "summary", "funder", "programme"], create_triggers=True)
    db["call_changes"].create(
        {"id": int, "call_id": str, "field": str, "old": str, "new": str, "seen_at": str},
        pk="id",
        foreign_keys=[("call_id", "calls", "id")],
    )
    db["call_changes"].create_index(["call_id"])
    db["source_runs"].create(
        {
            "id": int,
            "source": str,
            "started": str,
            "finished": str,
            "status": str,  # ok / failed / empty
            "items": int,
            "new": int,
            "changed": int,
            "gone": int,
            "error": str,
            "requests": int,
            "not_modified": int,
        },
        pk="id",
    )
    db["source_runs"].create_index(["source", "started"])


@migrations()
def m002_matches_deliveries(db: Database) -> None:
    db["matches"].create(
        {
            "id": int,
            "call_id": str,
            "municipality": str,
            "score": float,
            "need_ids": str,  # JSON list
            "reasons": str,  # JSON list of Swedish sentences
            "review": str,  # pending / approved / rejected
            "reason": str,  # why it was rejected
            "note": str,  # the coordinator's note, shown in the digest
            "reviewed_at": str,
            "matched_at": str,
        },
        pk="id",
        defaults={"review": "pending"},
        foreign_keys=[("call_id", "calls", "id")],
    )
    db["matches"].create_index(["call_id", "municipality"], unique=True)
    db["deliveries"].create(
        {
            "id": int,
            "kind": str,  # digest / newsletter / alert
            "period": str,  # YYYY-MM
            "municipality": str,
            "recipient": str,
            "subject": str,
            "message": str,  # the rendered RFC 5322 message, so a resend is byte-identical
            "status": str,  # built / sending / sent / failed
            "message_id": str,
            "created_at": str,
            "sent_at": str,
            "error": str,
        },
        pk="id",
    )
    db["deliveries"].create_index(["kind", "period", "recipient"], unique=True)
    db["subscribers"].create(
        {
            "id": int,
            "municipality": str,  # a municipality's name, or "*" for the newsletter list
            "email": str,
            "name": str,
            "active": int,
            "added_at": str,
            "unsubscribed_at": str,
        },
        pk="id",
        defaults={"active": 1},
    )
    db["subscribers"].create_index(["municipality", "email"], unique=True)


# New migrations go below this line, each with a new unique function name.


@migrations()
def m120_match_runs(db: Database) -> None:
    # One row per `utlys match` run: the next run matches the calls changed since this one began.
    db["match_runs"].create(
        {
            "id": int,
            "started": str,
            "finished": str,
            "calls": int,
            "matches": int,
            "new": int,
            "updated": int,
            "removed": int,
        },
        pk="id",
    )


@migrations()
def m101_dig_delivery_items(db: Database) -> None:
    # What a digest told (call id, deadline, status, gone per call), so that next month's digest
    # reports only real changes; JSON list, set on digest deliveries.
    db["deliveries"].add_column("items", str)


@migrations()
def m102_dig_delivery_key(db: Database) -> None:
    # One address may subscribe to two municipalities' digests: the municipality belongs in the
    # key (the newsletter uses municipality "*", never NULL, so the unique index holds).
    db.execute("drop index if exists idx_deliveries_kind_period_recipient")
    db["deliveries"].create_index(
        ["kind", "period", "municipality", "recipient"], unique=True, if_not_exists=True
    )


@migrations()
def m150_ops_jobs_health(db: Database) -> None:
    """Scheduler job runs (missed-job detection across restarts), per-source health state and
    the health alerts sent (one per transition)."""
    db["job_runs"].create(
        {
            "id": int,
            "job": str,  # crawl / digest-build / digest-send / newsletter-build / startup marker
            "period": str,  # YYYY-MM for monthly jobs
            "scheduled_for": str,  # the cron fire time this run answers (ISO, with offset)
            "started": str,
            "finished": str,
            "status": str,  # running / ok / failed / skipped / interrupted / registered
            "detail": str,
            "pid": int,
        },
        pk="id",
    )
    db["job_runs"].create_index(["job", "scheduled_for"])
    db["source_health"].create(
        {"source": str, "healthy": int, "reason": str, "since": str, "checked_at": str},
        pk="source",
    )
    db["health_alerts"].create(
        {
            "id": int,
            "source": str,
            "transition": str,  # unhealthy / recovered
            "reason": str,
            "recipient": str,
            "status": str,  # built / sent / failed
            "created_at": str,
            "sent_at": str,
            "error": str,
        },
        pk="id",
    )


@migrations()
def m160_core_fts_on_text_only(db: Database) -> None:
    """Reindex a call only when its searchable text changes: re-crawls touch ``last_seen`` of
    every call, and the trigger sqlite-utils creates would rewrite the FTS rows each time."""
    db.execute('DROP TRIGGER IF EXISTS "calls_au"')
    db.execute(
        'CREATE TRIGGER "calls_au" AFTER UPDATE OF title, summary, funder, programme ON "calls"'
        " BEGIN"
        ' INSERT INTO "calls_fts" ("calls_fts", rowid, title, summary, funder, programme)'
        " VALUES('delete', old.rowid, old.title, old.summary, old.funder, old.programme);"
        ' INSERT INTO "calls_fts" (rowid, title, summary, funder, programme)'
        " VALUES (new.rowid, new.title, new.summary, new.funder, new.programme);"
        " END"
    )


def open_db(path: str | Path = DEFAULT_DB) -> Database:
    """Open (and create or migrate) the database.

    WAL and a busy timeout let the CLI and the status page read while a crawl writes.
    """
    db = Database(path)
    db.conn.execute("PRAGMA busy_timeout = 10000")
    if str(path) != ":memory:":
        db.conn.execute("PRAGMA journal_mode = WAL")
    db.conn.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock up front; nested, it is a savepoint.

    ``db.atomic()`` begins a deferred transaction, which can fail with "database is locked" on
    a read-then-write under concurrency; ``BEGIN IMMEDIATE`` waits for the lock instead.
    Nesting lets a caller put several writes (a source's calls and its run record) into one.
    """
    if db.conn.in_transaction:
        name = f"utlys_{secrets.token_hex(8)}"
        db.conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            db.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            db.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            db.conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.conn.execute("COMMIT")


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


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


TRACKED_FIELDS = [c for c in CALL_COLUMNS if c not in ("id", "source", "scraped_at")]


def save_calls(
    db: Database,
    source: str,
    calls: Iterable[Call],
    *,
    complete: bool = True,
    seen_at: str | None = None,
) -> SaveResult:
    """Store one source's batch and classify each call as new, changed, unchanged or gone.

    ``complete`` says the crawl saw the whole listing: only then may a call that was not seen be
    marked gone (a partial crawl proves nothing about what it did not reach). Nothing is deleted.
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
            elif old["content_hash"] == digest and not old["gone"]:
                result.unchanged.append(call.id)
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
                row.update(last_seen=seen_at, last_changed=seen_at, content_hash=digest, gone=0)
                db["calls"].update(call.id, row)
                result.changed.append(call.id)
        if new_rows:
            db["calls"].insert_all(new_rows)
        db.conn.executemany(
            "update calls set last_seen = ? where id = ?",
            [(seen_at, call_id) for call_id in result.unchanged],
        )
        if complete:
            for call_id, old in existing.items():
                if call_id not in batch and not old["gone"]:
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
