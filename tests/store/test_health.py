"""Source health state and the runs it is judged from, as stored (the rules are tests/ops)."""

import pytest

from crawler.store import open_db, record_run, write_transaction
from crawler.store.health import (
    health_changed,
    health_checked,
    health_confirmed,
    recent_runs,
    source_health,
)


@pytest.fixture
def db(db_path):
    return open_db(db_path)


def test_recent_runs_are_the_latest_of_the_source_oldest_first(db):
    for n in range(5):
        record_run(db, {"source": "esf", "status": "ok", "items": n})
        record_run(db, {"source": "vinnova", "status": "failed", "items": 0})
    assert [run["items"] for run in recent_runs(db, "esf", 3)] == [2, 3, 4]
    assert recent_runs(db, "boverket", 3) == []


def test_a_state_is_checked_confirmed_and_changed(db):
    health_checked(db, "esf", "2026-11-01T06:00:00")  # no verdict yet: nothing to touch
    assert source_health(db, "esf") is None
    health_changed(db, "esf", False, "failed 3 times", "2026-11-01T06:00:00")
    health_confirmed(db, "esf", "failed 4 times", "2026-11-02T06:00:00")
    health_checked(db, "esf", "2026-11-03T06:00:00")
    assert source_health(db, "esf") == {
        "source": "esf",
        "healthy": 0,
        "reason": "failed 4 times",
        "since": "2026-11-01T06:00:00",
        "checked_at": "2026-11-03T06:00:00",
    }
    health_changed(db, "esf", True, "ok (12 calls)", "2026-11-04T06:00:00")
    assert source_health(db, "esf")["since"] == "2026-11-04T06:00:00"


def test_a_state_change_rolls_back_with_the_callers_transaction(db):
    with pytest.raises(RuntimeError), write_transaction(db):
        health_changed(db, "esf", False, "failed 3 times", "2026-11-01T06:00:00")
        raise RuntimeError("the alert could not be recorded")
    assert source_health(db, "esf") is None
