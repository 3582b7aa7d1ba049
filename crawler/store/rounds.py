"""Rounds of a reused page, and the countdowns that would make every crawl look like a change.

Funders (MUCF, Socialstyrelsen, Länsstyrelsen, the AMIF plan page) publish next year's round on
the page that held this year's, so the spider gives both rounds the same id. Storing the new
round over the old one would rewrite last year's history and review; a round is therefore its own
row, linked to the round before it by ``previous_id``. The first round keeps the spider's id, so
the rounds of a page are a chain starting at that id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from crawler.model import Call

# Without an opening date, only a deadline this much later than the stored one is a new round:
# a deadline postponed by a few weeks (even after it passed) is the same round; funders with two
# rounds a year (Skolverket's spring and autumn) still have months between their deadlines.
ROUND_GAP = timedelta(days=60)
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def is_new_round(stored: Mapping[str, Any], call: Call, today: date) -> bool:
    """Whether ``call`` read from a stored call's page is the page's next round.

    Only when it is clear: a wrong "new round" splits one call's history in two and asks the
    coordinator to review it again, a missed one merely logs a change. A round is new when

    - the year in the title moved on ("Statsbidrag 2026" after "Statsbidrag 2025") and the dates
      changed with it, or
    - the stored round is over (closed, or its deadline passed by ``today``) and the page's window
      starts after that deadline: it opens after it, or, without an opening date, its deadline
      is at least ``ROUND_GAP`` later.

    A deadline of the same round that moves (postponed two weeks) is therefore a change, and a
    whole window postponed before it ever opened is one too (the stored round is not over).
    """
    old_year, new_year = _title_year(stored.get("title")), _title_year(call.title)
    dates_moved = (stored.get("opens_on"), stored.get("deadline")) != (call.opens_on, call.deadline)
    if old_year and new_year and new_year > old_year and dates_moved:
        return True
    old_deadline = _day(stored.get("deadline"))
    if old_deadline is None:
        return False  # no window stored (standing, or undated): nothing for a round to end
    if stored.get("status") != "closed" and old_deadline >= today:
        return False
    opens, deadline = _day(call.opens_on), _day(call.deadline)
    if opens is not None:
        return opens > old_deadline
    return deadline is not None and deadline - old_deadline >= ROUND_GAP


def round_id(page_id: str, call: Call, taken: Iterable[str]) -> str:
    """The id of a page's later round: the page's id and the round's year (``…@2026``), so the
    id says which round it is; a second round in one year gets ``@2026-2``."""
    year = (call.opens_on or call.deadline or "")[:4] or "omgang"
    taken = set(taken)
    candidate, n = f"{page_id}@{year}", 1
    while candidate in taken:
        n += 1
        candidate = f"{page_id}@{year}-{n}"
    return candidate


def round_label(row: Mapping[str, Any]) -> str | None:
    """The year a stored round ran, as readers name it ("en utlysning från 2025"): the year it
    opened, else the year of its deadline, else the year it was first seen."""
    for name in ("opens_on", "deadline", "first_seen"):
        if row.get(name):
            return str(row[name])[:4]
    return None


def latest_rounds(rows: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Each page's latest round, by the page's id (the id of its first round).

    The rounds before the latest are history: a crawl compares the page with its latest round
    only, and never marks an earlier round missing or gone.
    """
    by_id = {row["id"]: row for row in rows}
    successor = {row["previous_id"]: row["id"] for row in by_id.values() if row.get("previous_id")}
    latest: dict[str, Mapping[str, Any]] = {}
    for call_id, row in by_id.items():
        if row.get("previous_id"):
            continue
        current, hops = call_id, 0
        while current in successor and hops < len(by_id):  # hops: a bad link cannot loop
            current, hops = successor[current], hops + 1
        latest[call_id] = by_id[current]
    return latest


def _title_year(title: Any) -> int:
    years = [int(y) for y in _YEAR.findall(str(title or ""))]
    return max(years, default=0)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def next_round(db: Database, call_id: str) -> dict[str, Any] | None:
    """The round that followed a call on its page (id, opens_on, deadline), or None: the page of
    an old round points the coordinator to the current one."""
    rows = db.execute_returning_dicts(
        "select id, opens_on, deadline, first_seen from calls where previous_id = ?"
        " order by first_seen limit 1",
        [call_id],
    )
    return rows[0] if rows else None
