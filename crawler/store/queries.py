"""The reads of the command line, `utlys status`, the scheduler's decisions and the demo beyond
what the other store modules offer: the calls listing (`utlys calls`), a run's changes, the
latest source runs, the state of the send ledger and the matches still waiting for review.
Nothing here writes."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from crawler.model import LIST_FIELDS, as_list
from crawler.store.db import open_db

NO_DATABASE = "no such database (run `utlys crawl` first)"


def open_existing_db(path: str | Path) -> Database:
    """Open a database that must already be there: a command that only reads must not leave
    an empty database behind a mistyped path (FileNotFoundError naming the path)."""
    if not Path(path).exists():
        raise FileNotFoundError(errno.ENOENT, NO_DATABASE, str(path))
    return open_db(path)


def query_calls(
    db: Database,
    *,
    status: str | None = None,
    source: str | None = None,
    search: str | None = None,
    include_gone: bool = False,
) -> list[dict[str, Any]]:
    """Stored calls as plain dicts (list fields as lists, ``gone`` a bool), soonest deadline
    first, or best match first with ``search`` (full text; every word a prefix)."""
    clauses, args = [], {}
    if status:
        clauses.append("status = :status")
        args["status"] = status
    if source:
        clauses.append("source = :source")
        args["source"] = source
    if not include_gone:
        clauses.append("gone = 0")
    where = " and ".join(clauses) or "1"
    if search and search.strip():
        # Every word quoted (FTS operators and stray quotes in user text stay plain words),
        # then made a prefix, so "arbetslös" finds "arbetslösa".
        quoted = db.quote_fts(search.strip())
        query = " ".join(f"{token}*" for token in quoted.split(" ") if token)
        rows = list(db["calls"].search(query, where=where, where_args=args))
    else:
        rows = db.execute_returning_dicts(
            f"select * from calls where {where} order by deadline is null, deadline, source, title",
            args,
        )
    for row in rows:
        row.pop("rank", None)
        for name in LIST_FIELDS:
            row[name] = as_list(row.get(name))
        row["gone"] = bool(row.get("gone"))
    return rows


def call_titles(db: Database) -> dict[str, str]:
    """Every stored call's title by id (gone calls too)."""
    return {
        row["id"]: row["title"] for row in db.execute_returning_dicts("select id, title from calls")
    }


def changes_seen(db: Database, call_id: str, seen_at: str | None) -> list[dict[str, Any]]:
    """The field changes (field, old, new) a save at ``seen_at`` recorded for a call."""
    return db.execute_returning_dicts(
        "select field, old, new from call_changes where call_id = ? and seen_at = ? order by id",
        [call_id, seen_at],
    )


def new_calls_in_month(db: Database, source: str, month: str) -> int:
    """How many of a source's calls were first seen in ``month`` (YYYY-MM)."""
    return db.execute(
        "select count(*) from calls where source = ? and substr(first_seen, 1, 7) = ?",
        [source, month],
    ).fetchone()[0]


# ---- source runs ---------------------------------------------------------------------------


def last_source_run_id(db: Database) -> int:
    """The id of the latest source run (0 when none): runs after it belong to a later crawl."""
    return db.execute("select coalesce(max(id), 0) from source_runs").fetchone()[0]


def source_runs_since(db: Database, run_id: int) -> list[dict[str, Any]]:
    return db.execute_returning_dicts(
        "select * from source_runs where id > ? order by id", [run_id]
    )


def last_source_run(db: Database, source: str, status: str | None = None) -> dict[str, Any] | None:
    """A source's latest run (with ``status``: its latest run of that status)."""
    where, params = "source = ?", [source]
    if status is not None:
        where, params = "source = ? and status = ?", [source, status]
    rows = db.execute_returning_dicts(
        f"select * from source_runs where {where} order by id desc limit 1", params
    )
    return rows[0] if rows else None


def sources_with_runs(db: Database) -> list[str]:
    rows = db.execute_returning_dicts("select distinct source from source_runs order by source")
    return [row["source"] for row in rows]


# ---- the send ledger (deliveries), read ----------------------------------------------------


def deliveries_of(db: Database, kind: str, period: str) -> list[dict[str, Any]]:
    """Every delivery of a kind and period with its state, by municipality and recipient."""
    return db.execute_returning_dicts(
        "select id, municipality, recipient, status, sent_at, error from deliveries"
        " where kind = ? and period = ? order by municipality, recipient",
        [kind, period],
    )


def last_sent_period(db: Database, kind: str) -> dict[str, Any] | None:
    """The latest period of a kind with a sent message: period, when, and how many were sent."""
    rows = db.execute_returning_dicts(
        "select period, max(sent_at) as sent_at, count(*) as messages from deliveries"
        " where kind = ? and status = 'sent' group by period order by sent_at desc limit 1",
        [kind],
    )
    return rows[0] if rows else None


def delivery_created_times(db: Database, kind: str, period: str) -> list[str]:
    """When each delivery of a kind and period was recorded (built)."""
    rows = db.execute_returning_dicts(
        "select created_at from deliveries where kind = ? and period = ?", [kind, period]
    )
    return [row["created_at"] for row in rows if row["created_at"]]


# ---- matches waiting for review ------------------------------------------------------------


def pending_match_times(db: Database) -> list[str | None]:
    """When each match still awaiting review was made (None when not recorded)."""
    rows = db.execute_returning_dicts(
        "select matched_at from matches where review = 'pending' or review is null"
    )
    return [row["matched_at"] for row in rows]
