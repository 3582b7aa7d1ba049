"""Storage: plain functions over a sqlite-utils Database, and the only room that knows the shape
of the tables. Every source's batch is written in one ``BEGIN IMMEDIATE`` transaction, so a crawl
that dies half-way leaves the previous state intact and a reader never sees half a batch."""

from crawler.store.calls import (
    TRACKED_FIELDS,
    SaveResult,
    call_to_row,
    count_published,
    load_calls,
    record_run,
    row_to_call,
    save_calls,
)
from crawler.store.db import DEFAULT_DB, db_file, now_iso, open_db, write_transaction
from crawler.store.migrations import CALL_COLUMNS, migrations

__all__ = [
    "CALL_COLUMNS",
    "DEFAULT_DB",
    "TRACKED_FIELDS",
    "SaveResult",
    "call_to_row",
    "db_file",
    "count_published",
    "load_calls",
    "migrations",
    "now_iso",
    "open_db",
    "record_run",
    "row_to_call",
    "save_calls",
    "write_transaction",
]
