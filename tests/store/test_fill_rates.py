"""Field counts per source run, and the degraded state per source, as stored."""

import pytest

from crawler.model import Call
from crawler.store import open_db, record_run
from crawler.store.fill_rates import (
    count_fields,
    fill_health,
    fill_health_changed,
    fill_health_confirmed,
    fill_history,
    fills_of_runs,
    record_fill_rates,
)


@pytest.fixture
def db(db_path):
    return open_db(db_path)


def call(n: int, **fields) -> Call:
    return Call(id=f"esf:{n}", source="esf", funder="ESF", title=f"T{n}", url="http://x/", **fields)


def test_a_field_counts_when_the_spider_read_it():
    calls = [
        call(1, status="open", deadline="2026-12-01", regions=["Skåne"], budget_sek=5, summary="S"),
        call(2, status="planned", opens_on="2027-01-10"),  # a planned call has only its opening
        call(3, summary="  "),  # status unknown, blank summary: not read
        call(3, summary="  "),  # the same call twice counts once
    ]
    assert count_fields(calls) == {
        "calls": 3, "title": 3, "status": 2, "dates": 2, "regions": 1, "budget": 1, "summary": 1,
    }  # fmt: skip


def test_a_sources_history_joins_its_runs_oldest_first(db):
    for n in range(4):
        run_id = record_run(db, {"source": "esf", "status": "ok", "items": 10, "started": f"s{n}"})
        record_fill_rates(db, run_id, "esf", {"calls": 10, "dates": 10 - n})
        other = record_run(db, {"source": "amif", "status": "ok", "items": 2})
        record_fill_rates(db, other, "amif", {"calls": 2})
    record_run(db, {"source": "esf", "status": "failed", "items": 0})  # no counts: not history
    history = fill_history(db, "esf", limit=3)
    assert [(run["started"], run["fill"]["dates"]) for run in history] == [
        ("s1", 9), ("s2", 8), ("s3", 7),
    ]  # fmt: skip
    assert history[0]["status"] == "ok" and history[0]["fill"]["summary"] == 0
    assert set(fills_of_runs(db, [history[0]["id"], 999])) == {history[0]["id"]}


def test_a_degraded_state_is_changed_and_confirmed_keeping_since(db):
    assert fill_health(db, "esf") is None
    fill_health_changed(db, "esf", ["dates"], "dates on 0%", "2026-11-01T06:00:00")
    fill_health_confirmed(db, "esf", ["dates", "budget"], "dates, budget", "2026-11-02T06:00:00")
    state = fill_health(db, "esf")
    assert (state["degraded"], state["fields"], state["since"]) == (
        1, ["dates", "budget"], "2026-11-01T06:00:00",
    )  # fmt: skip
    fill_health_changed(db, "esf", [], "read again", "2026-11-03T06:00:00")
    assert fill_health(db, "esf")["degraded"] == 0
