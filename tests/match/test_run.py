"""Matches in a real SQLite file: upserts keep the coordinator's review, runs are incremental."""

from __future__ import annotations

import json

import pytest

from crawler.match.run import describe_matches, match_database
from crawler.match.score import match_calls
from crawler.store import open_db, save_calls
from crawler.store.matches import store_matches


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "utlys.db")


def _rows(db):
    return {
        (r["call_id"], r["municipality"]): r
        for r in db.query("select * from matches order by call_id, municipality")
    }


def test_store_inserts_pending_matches_with_json_need_ids_and_reasons(db, inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa")
    save_calls(db, "esf", [call])
    result = store_matches(db, match_calls([call], inventory), now="2026-11-23T10:00:00+00:00")
    assert sorted(result.new) == [(call.id, "Kiruna"), (call.id, "Ljungby"), (call.id, "Växjö")]
    row = _rows(db)[(call.id, "Växjö")]
    assert row["review"] == "pending"
    assert json.loads(row["need_ids"]) == ["langtidsarbetslosa"]
    assert "i behovet Långtidsarbetslösa" in json.loads(row["reasons"])[0]
    assert row["matched_at"] == "2026-11-23T10:00:00+00:00"


def test_rematching_keeps_review_note_and_id_and_refreshes_score(db, inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa", id="esf:1")
    save_calls(db, "esf", [call])
    store_matches(db, match_calls([call], inventory))
    before = _rows(db)[("esf:1", "Växjö")]
    db.execute(
        "update matches set review = 'approved', note = 'Passar projektet', reviewed_at = 'x'"
        " where id = ?",
        [before["id"]],
    )
    changed = make_call("Långtidsarbetslösa", "Peer support för långtidsarbetslösa.", id="esf:1")
    save_calls(db, "esf", [changed])
    result = store_matches(db, match_calls([changed], inventory))
    after = _rows(db)[("esf:1", "Växjö")]
    assert ("esf:1", "Växjö") in result.updated
    assert (after["id"], after["review"], after["note"], after["reviewed_at"]) == (
        before["id"],
        "approved",
        "Passar projektet",
        "x",
    )
    assert after["score"] != before["score"]


def test_pending_pair_that_no_longer_matches_is_removed_but_reviewed_one_is_kept(
    db, inventory, make_call
):
    call = make_call("Insatser för långtidsarbetslösa", id="esf:1")
    save_calls(db, "esf", [call])
    store_matches(db, match_calls([call], inventory))
    db.execute(
        "update matches set review = 'rejected', reason = 'fel' where municipality = 'Kiruna'"
    )
    unrelated = make_call("Exportcheckar för småföretag", id="esf:1")
    save_calls(db, "esf", [unrelated])
    result = store_matches(db, match_calls([unrelated], inventory), call_ids=["esf:1"])
    assert sorted(result.removed) == [("esf:1", "Ljungby"), ("esf:1", "Växjö")]
    assert result.kept_reviewed == [("esf:1", "Kiruna")]
    assert list(_rows(db)) == [("esf:1", "Kiruna")]
    assert _rows(db)[("esf:1", "Kiruna")]["reason"] == "fel"


def test_store_is_all_or_nothing(db, inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa")  # never saved: the foreign key fails
    with pytest.raises(Exception, match="FOREIGN KEY"):
        store_matches(db, match_calls([call], inventory))
    assert _rows(db) == {}


def test_match_database_takes_only_calls_changed_since_the_last_run(db, inventory, make_call):
    first = make_call("Långtidsarbetslösa", id="esf:1")
    save_calls(db, "esf", [first], seen_at="2026-11-01T00:00:00+00:00")
    run = match_database(db, inventory, now="2026-11-02T00:00:00+00:00")
    assert run.calls == 1 and len(run.stored.new) == 3
    second = make_call("Psykisk ohälsa och missbruk", id="esf:2")
    save_calls(db, "esf", [first, second], seen_at="2026-11-03T00:00:00+00:00")
    run = match_database(db, inventory, now="2026-11-04T00:00:00+00:00")
    assert run.calls == 1
    assert run.stored.new == [("esf:2", "Växjö")]
    again = match_database(db, inventory, all_calls=True, now="2026-11-05T00:00:00+00:00")
    assert again.calls == 2 and not again.stored.new and len(again.stored.updated) == 4
    assert db["match_runs"].count == 3


def test_gone_call_loses_its_pending_matches(db, inventory, make_call):
    call = make_call("Långtidsarbetslösa", id="esf:1")
    save_calls(db, "esf", [call], seen_at="2026-11-01T00:00:00+00:00")
    match_database(db, inventory, now="2026-11-02T00:00:00+00:00")
    save_calls(db, "esf", [], seen_at="2026-11-03T00:00:00+00:00")  # complete crawl: missed
    save_calls(db, "esf", [], seen_at="2026-11-03T06:00:00+00:00")  # missed again: gone
    run = match_database(db, inventory, now="2026-11-04T00:00:00+00:00")
    assert len(run.stored.removed) == 3 and _rows(db) == {}


def test_describe_matches_lists_each_municipality_with_reasons(db, inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa", deadline="2027-01-31")
    save_calls(db, "esf", [call])
    store_matches(db, match_calls([call], inventory))
    text = describe_matches(db, inventory)
    assert "Växjö: 1 matchade utlysningar" in text
    assert "Insatser för långtidsarbetslösa (Svenska ESF-rådet, sista dag 2027-01-31)" in text
    assert "träffar 'långtidsarbetslösa' (titel) i behovet Långtidsarbetslösa" in text
