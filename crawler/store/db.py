"""Opening the database and writing to it: WAL, a busy timeout and transactions that take the
write lock up front, so a crawl writing never makes a reader or another writer fail."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from crawler.store.migrations import migrations

DEFAULT_DB = "utlys.db"


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


def db_file(db: Database) -> Path | None:
    """The file of an open database, None in memory: a secret or a lock is kept beside it."""
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
