"""The `matches` and `match_runs` tables: storing matches without losing the coordinator's
review, reading them back for review and digests, and recording match runs.

What happens to a pair when its call is matched again:
- still matches: score, need ids and reasons are refreshed; ``review``, ``reason``, ``note`` and
  ``reviewed_at`` are kept (an approved match stays approved, a rejected one stays rejected);
- no longer matches and still ``pending``: deleted, since nobody has seen it and the digest must
  not send a call that no longer fits;
- no longer matches but already reviewed: kept as it is; the coordinator's decision stands.
Only pairs of the calls matched in this run are touched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlite_utils import Database

from crawler.store.db import now_iso, write_transaction


class MatchRecord(Protocol):
    """What storing needs of a match (crawler.match.score.Match has it)."""

    call_id: str
    municipality: str
    score: float
    need_ids: list[str]
    reasons: list[str]
    filtered: str | None


@dataclass
class StoreResult:
    new: list[tuple[str, str]] = field(default_factory=list)
    updated: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    kept_reviewed: list[tuple[str, str]] = field(default_factory=list)


def store_matches(
    db: Database,
    matches: Iterable[MatchRecord],
    *,
    call_ids: Iterable[str] | None = None,
    now: str | None = None,
) -> StoreResult:
    """Upsert matches by (call_id, municipality) in one transaction, keeping review state.

    ``call_ids`` are the calls that were matched (default: the calls of ``matches``); their
    pending pairs missing from ``matches`` are removed, as the module docstring explains.
    """
    now = now or now_iso()
    matches = [m for m in matches if m.filtered is None]
    considered = set(call_ids) if call_ids is not None else {m.call_id for m in matches}
    considered |= {m.call_id for m in matches}
    result = StoreResult()
    with write_transaction(db):
        existing: dict[tuple[str, str], dict] = {}
        ids = sorted(considered)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in db.execute_returning_dicts(
                f"select id, call_id, municipality, review from matches where call_id in ({marks})",
                chunk,
            ):
                existing[(row["call_id"], row["municipality"])] = row
        seen = set()
        for match in matches:
            key = (match.call_id, match.municipality)
            seen.add(key)
            values = [
                match.score,
                json.dumps(match.need_ids, ensure_ascii=False),
                json.dumps(match.reasons, ensure_ascii=False),
            ]
            if key in existing:
                db.execute(
                    "update matches set score = ?, need_ids = ?, reasons = ?, matched_at = ?"
                    " where id = ?",
                    [*values, now, existing[key]["id"]],
                )
                result.updated.append(key)
            else:
                db.execute(
                    "insert into matches (call_id, municipality, score, need_ids, reasons,"
                    " review, matched_at) values (?, ?, ?, ?, ?, 'pending', ?)",
                    [match.call_id, match.municipality, *values, now],
                )
                result.new.append(key)
        for key, row in existing.items():
            if key in seen:
                continue
            if (row["review"] or "pending") == "pending":
                db.execute("delete from matches where id = ?", [row["id"]])
                result.removed.append(key)
            else:
                result.kept_reviewed.append(key)
    return result


def last_match_run(db: Database) -> str | None:
    """When the last match run started (ISO), or None before the first."""
    rows = db.execute_returning_dicts("select max(started) as last from match_runs")
    return rows[0]["last"] if rows else None


def gone_call_ids(db: Database, where: str = "1", params: Sequence[Any] = ()) -> set[str]:
    rows = db.execute_returning_dicts(f"select id from calls where gone = 1 and {where}", params)
    return {row["id"] for row in rows}


def record_match_run(db: Database, run: dict[str, Any]) -> None:
    with write_transaction(db):
        db["match_runs"].insert(run)


def matches_with_calls(db: Database, municipality: str) -> list[dict[str, Any]]:
    """A municipality's stored matches with their call's title, funder and deadline, best first."""
    return db.execute_returning_dicts(
        "select m.score, m.need_ids, m.reasons, m.review, c.title, c.funder, c.deadline"
        " from matches m join calls c on c.id = m.call_id"
        " where m.municipality = ? collate nocase order by m.score desc, c.title",
        [municipality],
    )


def review_rows(db: Database, state: str | None = None) -> list[dict[str, Any]]:
    """Matches with their call's title, funder, deadline and status, per municipality, best
    first; only those in ``state`` when given."""
    where, params = ("m.review = ?", [state]) if state else ("1", [])
    return db.execute_returning_dicts(
        "select m.id, m.municipality, m.review, m.score, m.reason, m.note, m.reviewed_at,"
        " c.title, c.funder, c.deadline, c.status from matches m"
        " left join calls c on c.id = m.call_id where "
        + where
        + " order by m.municipality, m.score desc, m.id",
        params,
    )


def existing_match_ids(db: Database, ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        rows = db.execute_returning_dicts(f"select id from matches where id in ({marks})", chunk)
        found |= {row["id"] for row in rows}
    return found


def set_review(db: Database, ids: Iterable[int], review: str, reason: str | None) -> None:
    """Mark matches approved or rejected (with the reason), now; inside the caller's transaction
    when there is one."""
    now = now_iso()
    with write_transaction(db):
        for match_id in ids:
            db.execute(
                "update matches set review = ?, reason = ?, reviewed_at = ? where id = ?",
                [review, reason, now, match_id],
            )


def matched_municipalities(db: Database) -> list[str]:
    """The municipalities that have any stored match, in name order."""
    rows = db.execute_returning_dicts("select distinct municipality from matches order by 1")
    return [row["municipality"] for row in rows if row["municipality"]]


def set_note(db: Database, match_id: int, text: str | None) -> None:
    with write_transaction(db):
        db.execute("update matches set note = ? where id = ?", [text, match_id])


def past_deadlines(db: Database) -> dict[str, set[str]]:
    """Each call's earlier deadlines (call id -> ISO dates), from ``call_changes``: one call seen
    on two pages (crawler/match/duplicates.py) may still carry the deadline it had before."""
    rows = db.execute_returning_dicts(
        "select call_id, old from call_changes where field = 'deadline' and old is not null"
    )
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["call_id"], set()).add(row["old"])
    return found
