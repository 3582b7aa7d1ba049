"""The reads the coordinator's web app needs beyond what the other store modules offer: review
cards (a match with its whole call), one call with its history and matches, deadlines coming up
and the last run of every source (the search of calls is ``queries.query_calls``, shared with
`utlys calls`). Nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

# The call's columns a review card shows, next to every column of the match.
_CARD_COLUMNS = (
    "c.id as call_id, c.source, c.funder, c.title, c.url, c.programme, c.summary, c.status,"
    " c.opens_on, c.deadline, c.deadline_time, c.budget_sek, c.cofinancing, c.regions,"
    " c.target_groups, c.applicants, c.documents, c.published_on, c.first_seen, c.gone,"
    " c.previous_id, c.previous_round"
)

# A match's need ids as JSON that json_each can read (a malformed value reads as no need).
_NEEDS = "case when json_valid(m.need_ids) then m.need_ids else '[]' end"


def review_card_rows(
    db: Database,
    state: str | None = None,
    *,
    municipality: str | None = None,
    source: str | None = None,
    need: str | None = None,
    deadline_from: str | None = None,
    deadline_to: str | None = None,
) -> list[dict[str, Any]]:
    """Every match (in ``state``, of ``municipality`` as stored, of calls from ``source``, for
    ``need``, with a deadline from ``deadline_from`` to ``deadline_to``: each when given) with
    its whole call, soonest deadline first, a call's municipalities together, best score first
    within a call. A deadline bound leaves out calls without a deadline."""
    where: list[str] = ["1"]
    params: list[Any] = []
    for clause, value in (
        ("coalesce(m.review, 'pending') = ?", state),
        ("m.municipality = ?", municipality),
        ("c.source = ?", source),
        (f"exists (select 1 from json_each({_NEEDS}) j where j.value = ?)", need),
        ("c.deadline >= ?", deadline_from),
        ("c.deadline <= ?", deadline_to),
    ):
        if value:
            where.append(clause)
            params.append(value)
    return db.execute_returning_dicts(
        "select m.id as match_id, m.municipality, m.score, m.need_ids, m.reasons, m.review,"
        " m.reason, m.note, m.reviewed_at, "
        + _CARD_COLUMNS
        + " from matches m join calls c on c.id = m.call_id where "
        + " and ".join(where)
        + " order by c.deadline is null, c.deadline, c.id, m.score desc, m.municipality",
        params,
    )


def review_sources(db: Database) -> list[dict[str, Any]]:
    """The sources (id and funder) of the calls that have matches, for the review filter."""
    return db.execute_returning_dicts(
        "select c.source, min(c.funder) as funder from calls c"
        " where c.id in (select call_id from matches) group by c.source order by c.source"
    )


def review_need_ids(db: Database) -> list[str]:
    """Every need id some match was made for."""
    rows = db.execute_returning_dicts(
        f"select distinct j.value as need from matches m, json_each({_NEEDS}) j order by 1"
    )
    return [str(row["need"]) for row in rows if row["need"]]


def review_counts(db: Database) -> dict[str, int]:
    """How many matches are in each review state."""
    rows = db.execute_returning_dicts(
        "select coalesce(review, 'pending') as review, count(*) as n from matches group by 1"
    )
    return {row["review"]: row["n"] for row in rows}


def pending_per_municipality(db: Database) -> list[dict[str, Any]]:
    return db.execute_returning_dicts(
        "select municipality, count(*) as n, count(distinct call_id) as calls from matches"
        " where review = 'pending' group by municipality order by municipality"
    )


def match_owners(db: Database, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Id, call and municipality of the given matches (those that exist), in the given order."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        for row in db.execute_returning_dicts(
            f"select id, call_id, municipality, review from matches where id in ({marks})", chunk
        ):
            found[row["id"]] = row
    return [found[i] for i in ids if i in found]


def call_row(db: Database, call_id: str) -> dict[str, Any] | None:
    rows = db.execute_returning_dicts("select * from calls where id = ?", [call_id])
    return rows[0] if rows else None


def call_history(db: Database, call_id: str) -> list[dict[str, Any]]:
    """The call's field changes (``call_changes``), oldest first."""
    return db.execute_returning_dicts(
        "select field, old, new, seen_at from call_changes where call_id = ? order by seen_at, id",
        [call_id],
    )


def call_matches(db: Database, call_id: str) -> list[dict[str, Any]]:
    return db.execute_returning_dicts(
        "select id, municipality, score, need_ids, reasons, review, reason, note, reviewed_at"
        " from matches where call_id = ? order by score desc, municipality",
        [call_id],
    )


def calls_due(db: Database, start: str, end: str) -> list[dict[str, Any]]:
    """Calls still published, not closed, with a deadline from ``start`` to ``end`` (ISO dates,
    both included), soonest first, with how many matches each has and how many are approved."""
    return db.execute_returning_dicts(
        "select c.*, (select count(*) from matches m where m.call_id = c.id) as matches,"
        " (select count(*) from matches m where m.call_id = c.id and m.review = 'approved')"
        " as approved from calls c where c.gone = 0 and c.status != 'closed'"
        " and c.deadline between ? and ? order by c.deadline, c.title",
        [start, end],
    )


def last_source_runs(db: Database) -> list[dict[str, Any]]:
    """The latest run of every source that ever ran, by source id."""
    return db.execute_returning_dicts(
        "select r.* from source_runs r where r.id = (select max(id) from source_runs s"
        " where s.source = r.source) order by r.source"
    )
