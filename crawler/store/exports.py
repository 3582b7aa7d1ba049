"""What `utlys export` reads: calls, or matches with their call, filtered and soonest deadline
first (calls without a deadline last). Rows come as stored; ``crawler.ops.export`` cleans them
for the way out. Nothing here writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

_ORDER = " order by c.deadline is null, c.deadline, c.title"


def calls_for_export(
    db: Database,
    *,
    municipality: str | None = None,
    status: str | None = None,
    deadline_from: date | None = None,
    deadline_to: date | None = None,
    include_gone: bool = False,
) -> list[dict[str, Any]]:
    """Every column of the calls; with ``municipality``, only calls matched to it and not
    rejected."""
    where, params = _call_filters(status, deadline_from, deadline_to, include_gone)
    if municipality:
        where.append(
            "c.id in (select call_id from matches where municipality = ? collate nocase"
            " and coalesce(review, 'pending') != 'rejected')"
        )
        params.append(municipality)
    return db.execute_returning_dicts(
        f"select c.* from calls c where {' and '.join(where)}{_ORDER}", params
    )


def matches_for_export(
    db: Database,
    *,
    municipality: str | None = None,
    review: str | None = None,
    status: str | None = None,
    deadline_from: date | None = None,
    deadline_to: date | None = None,
    include_gone: bool = False,
) -> list[dict[str, Any]]:
    """Each match (``match_id``, municipality, review, pending when unset, score, reasons, note,
    reviewed_at) with every column of its call; a call's matches by municipality."""
    where, params = _call_filters(status, deadline_from, deadline_to, include_gone)
    if municipality:
        where.append("m.municipality = ? collate nocase")
        params.append(municipality)
    if review:
        where.append("coalesce(m.review, 'pending') = ?")
        params.append(review)
    return db.execute_returning_dicts(
        "select m.id as match_id, m.municipality, coalesce(m.review, 'pending') as review,"
        " m.score, m.reasons, m.note, m.reviewed_at, c.*"
        f" from matches m join calls c on c.id = m.call_id where {' and '.join(where)}"
        f"{_ORDER}, m.municipality",
        params,
    )


def _call_filters(
    status: str | None, deadline_from: date | None, deadline_to: date | None, include_gone: bool
) -> tuple[list[str], list[Any]]:
    """The conditions on the call (``c``) both exports share, with their parameters."""
    where: list[str] = ["1"]
    params: list[Any] = []
    if not include_gone:
        where.append("coalesce(c.gone, 0) = 0")
    if status:
        where.append("c.status = ?")
        params.append(status)
    if deadline_from:
        where.append("c.deadline >= ?")
        params.append(deadline_from.isoformat())
    if deadline_to:
        where.append("c.deadline <= ?")
        params.append(deadline_to.isoformat())
    return where, params
