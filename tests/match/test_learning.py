"""Learning from the coordinator's review (crawler/match/learning.py), in a real SQLite file."""

from __future__ import annotations

import json

import pytest

from crawler.match.learning import Review, factor, learn
from crawler.match.review import reject, rejection_reason
from crawler.match.run import match_database
from crawler.match.score import Matcher
from crawler.store import open_db, save_calls


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "utlys.db")


def test_a_term_needs_two_rejections_to_lose_weight_and_stays_within_bounds():
    assert factor(0, 0) == 1.0
    assert factor(0, 1) == 1.0
    assert factor(0, 2) < 1.0
    assert factor(0, 3) < factor(0, 2)
    assert factor(0, 10_000) >= 0.5
    assert factor(10_000, 0) <= 1.5
    assert 1.0 < factor(1, 0) < 1.05  # an approval adds a little
    assert factor(3, 3) < 1.0  # a rejection weighs more than an approval


def test_only_reasons_about_the_terms_count_as_rejections(inventory, make_call):
    matcher = Matcher(inventory)
    call = make_call("Peer support för långtidsarbetslösa")
    needs = ("langtidsarbetslosa",)
    about_terms = [Review(call, needs, "rejected", "fel målgrupp")] * 2
    about_place = [
        Review(call, needs, "rejected", "fel region: Skåne"),
        Review(call, needs, "rejected", "kommunen kan inte söka"),
    ]
    lowered = learn(matcher, about_terms).factors
    assert lowered and all(need == "langtidsarbetslosa" for need, _ in lowered)
    assert all(value < 1.0 for value in lowered.values())
    assert learn(matcher, about_place).factors == {}


def _scores(db, call_id):
    rows = db.execute_returning_dicts(
        "select municipality, score, reasons from matches where call_id = ?", [call_id]
    )
    return {r["municipality"]: (r["score"], json.loads(r["reasons"])) for r in rows}


def test_rejections_lower_the_needs_terms_and_the_next_match_scores_lower_and_says_why(
    db, inventory, make_call
):
    rejected = [
        make_call("Peer support för långtidsarbetslösa", id="esf:1", deadline="2026-12-01"),
        make_call(
            "Långtidsarbetslösa i arbete med peer support", id="esf:2", deadline="2027-01-01"
        ),
    ]
    later = make_call("Peer support som väg till arbete för långtidsarbetslösa", id="esf:3")
    save_calls(db, "esf", [*rejected, later])
    match_database(db, inventory, all_calls=True)
    before = _scores(db, "esf:3")
    ids = [
        r["id"]
        for r in db.execute_returning_dicts(
            "select id from matches where call_id in ('esf:1', 'esf:2') and municipality = 'Växjö'"
        )
    ]
    assert len(ids) == 2
    reject(db, ids, rejection_reason("fel målgrupp", "gäller inte våra deltagare"))

    match_database(db, inventory, all_calls=True)
    after = _scores(db, "esf:3")
    for municipality in ("Växjö", "Ljungby"):  # both listed the need; the need learned
        score, reasons = after.get(municipality, (0.0, []))
        assert 0.0 <= score < before[municipality][0]
        if municipality in after:
            assert any("väger mindre" in r and "Långtidsarbetslösa" in r for r in reasons)


def test_rejections_for_the_wrong_region_change_no_score(db, inventory, make_call):
    rejected = [
        make_call("Peer support för långtidsarbetslösa", id="esf:1", deadline="2026-12-01"),
        make_call(
            "Långtidsarbetslösa i arbete med peer support", id="esf:2", deadline="2027-01-01"
        ),
    ]
    later = make_call("Peer support som väg till arbete för långtidsarbetslösa", id="esf:3")
    save_calls(db, "esf", [*rejected, later])
    match_database(db, inventory, all_calls=True)
    before = _scores(db, "esf:3")
    ids = [
        r["id"]
        for r in db.execute_returning_dicts(
            "select id from matches where call_id in ('esf:1', 'esf:2') and municipality = 'Växjö'"
        )
    ]
    reject(db, ids, rejection_reason("fel region"))
    match_database(db, inventory, all_calls=True)
    assert _scores(db, "esf:3") == before
