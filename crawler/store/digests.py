"""What a digest and the newsletter read about calls, matches and source runs: a municipality's
matched calls, the calls first seen in a month, the deadlines coming up, how a call's deadline,
status and gone flag changed in a month, and the sources a month's last run could not read.
What was sent is the ledger's (``digest.ledger``). Nothing here writes; dates are ISO
(YYYY-MM-DD) and both ends of a range are included."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

# A match's own columns, prefixed so they cannot be mistaken for the call's (c.*) in the row.
_MATCHED = (
    "select m.review as m_review, m.reasons as m_reasons, m.note as m_note,"
    " m.score as m_score, m.matched_at as m_matched_at, c.* from matches m"
    " join calls c on c.id = m.call_id where m.municipality = ? collate nocase"
)


def matched_call_ids(db: Database, municipality: str) -> set[str]:
    """Every call matched to the municipality, in any review state (rejected too)."""
    rows = db.execute_returning_dicts(
        "select call_id from matches where municipality = ? collate nocase", [municipality]
    )
    return {row["call_id"] for row in rows}


def matched_calls(db: Database, municipality: str, reviews: Sequence[str]) -> list[dict[str, Any]]:
    """The municipality's matches in the given review states, each a call row (``c.*``) with
    the match's ``m_review``, ``m_reasons``, ``m_note``, ``m_score`` and ``m_matched_at``; in
    no particular order."""
    return db.execute_returning_dicts(
        f"{_MATCHED} and m.review in ({_marks(reviews)})", [municipality, *reviews]
    )


def best_matched_calls(
    db: Database, municipality: str, reviews: Sequence[str]
) -> list[dict[str, Any]]:
    """``matched_calls``, best score first, then soonest deadline."""
    return db.execute_returning_dicts(
        f"{_MATCHED} and m.review in ({_marks(reviews)}) order by m.score desc, c.deadline",
        [municipality, *reviews],
    )


def calls_first_seen(db: Database, start: str, end: str) -> list[dict[str, Any]]:
    """Every call first seen from ``start`` to ``end``, gone and closed ones too."""
    return db.execute_returning_dicts(
        "select * from calls where substr(first_seen, 1, 10) between ? and ?", [start, end]
    )


def open_calls_first_seen(db: Database, start: str, end: str) -> list[dict[str, Any]]:
    """The calls first seen from ``start`` to ``end`` that are still published and not closed."""
    return db.execute_returning_dicts(
        "select * from calls where gone = 0 and coalesce(status, '') != 'closed'"
        " and substr(first_seen, 1, 10) between ? and ?",
        [start, end],
    )


def open_calls_due(db: Database, start: str, end: str) -> list[dict[str, Any]]:
    """Calls still published and not closed with a deadline from ``start`` to ``end``, soonest
    first, then by title."""
    return db.execute_returning_dicts(
        "select * from calls where gone = 0 and coalesce(status, '') != 'closed'"
        " and deadline between ? and ? order by deadline, title",
        [start, end],
    )


def watched_changes(
    db: Database, call_id: str, start: str, end: str, *, after: str
) -> list[dict[str, Any]]:
    """The call's recorded changes (field, old) of deadline, status or gone seen from ``start``
    to ``end`` and later than ``after`` (its first sighting, whose values are not changes),
    newest first."""
    return db.execute_returning_dicts(
        "select field, old from call_changes where call_id = ? and field in ('deadline',"
        " 'status', 'gone') and substr(seen_at, 1, 10) between ? and ? and seen_at > ?"
        " order by id desc",
        [call_id, start, end, after],
    )


def last_runs_not_ok(db: Database, start: str, end: str) -> list[dict[str, Any]]:
    """Source, status, error and start of each source whose last run started from ``start`` to
    ``end`` (ISO dates, both included) did not read anything (failed or empty), by source."""
    return db.execute_returning_dicts(
        "select source, status, error, started from source_runs r"
        " where substr(started, 1, 10) between ? and ?"
        " and started = (select max(started) from source_runs x where x.source = r.source"
        " and substr(x.started, 1, 10) between ? and ?) and status != 'ok' order by source",
        [start, end, start, end],
    )


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)
