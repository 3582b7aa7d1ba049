"""The ``source_health`` table (per source: healthy or not, why, since when, last checked) and
the reading of ``source_runs`` it is judged from. The rules that judge the runs live in
``crawler.ops.health``; appending a run is ``crawler.store.calls.record_run``."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from crawler.store.db import write_transaction


def recent_runs(db: Database, source: str, limit: int) -> list[dict[str, Any]]:
    """A source's latest ``limit`` runs, oldest first (the order the health rules read them)."""
    rows = db.execute_returning_dicts(
        "select * from source_runs where source = ? order by id desc limit ?", [source, limit]
    )
    return list(reversed(rows))


def source_health(db: Database, source: str) -> dict[str, Any] | None:
    """The stored health state of a source, None before its first verdict."""
    rows = db.execute_returning_dicts("select * from source_health where source = ?", [source])
    return rows[0] if rows else None


def health_checked(db: Database, source: str, checked_at: str) -> None:
    """Note that the source was checked and its state stands (no-op before a first verdict)."""
    with write_transaction(db):
        db.execute("update source_health set checked_at = ? where source = ?", [checked_at, source])


def health_confirmed(db: Database, source: str, reason: str, checked_at: str) -> None:
    """The same verdict again: refresh its reason and check time, keep ``since``."""
    with write_transaction(db):
        db.execute(
            "update source_health set reason = ?, checked_at = ? where source = ?",
            [reason, checked_at, source],
        )


def health_changed(db: Database, source: str, healthy: bool, reason: str, at: str) -> None:
    """A new verdict (or the first): the state, its reason, and ``since`` = ``at``."""
    with write_transaction(db):
        db["source_health"].upsert(
            {
                "source": source,
                "healthy": int(healthy),
                "reason": reason,
                "since": at,
                "checked_at": at,
            },
            pk="source",
        )
