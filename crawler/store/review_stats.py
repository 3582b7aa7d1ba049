"""What the matcher learns from: the coordinator's reviewed matches (crawler/match/learning.py).
Nothing here writes."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database


def reviewed_matches(db: Database) -> list[dict[str, Any]]:
    """Every approved or rejected match, each a call row (``c.*``) with the match's
    ``m_review``, ``m_reason`` and ``m_need_ids`` (JSON text), oldest review first."""
    return db.execute_returning_dicts(
        "select m.review as m_review, m.reason as m_reason, m.need_ids as m_need_ids, c.*"
        " from matches m join calls c on c.id = m.call_id"
        " where m.review in ('approved', 'rejected') order by m.reviewed_at, m.id"
    )
