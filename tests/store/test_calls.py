"""save_calls on a real SQLite file: idempotent re-crawls, change history, gone-not-deleted, and
all-or-nothing batches."""

import pytest

from crawler.model import Call, call_id
from crawler.store import load_calls, open_db, save_calls


def make(n: int, **fields) -> Call:
    url = f"https://www.esf.se/utlysningar/{n}/"
    values = dict(
        id=call_id("esf", url=url),
        source="esf",
        funder="Svenska ESF-rådet",
        title=f"Utlysning {n}",
        url=url,
        regions=["Småland och Öarna"],
        deadline="2026-12-01",
    )
    values.update(fields)
    return Call(**values)


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "utlys.db")


def test_first_crawl_stores_every_call_as_new(db):
    result = save_calls(db, "esf", [make(1), make(2)], seen_at="2026-10-15T06:00:00")
    assert sorted(result.new) == ["esf:/utlysningar/1/", "esf:/utlysningar/2/"]
    stored = {c.id: c for c in load_calls(db)}
    assert stored["esf:/utlysningar/1/"].regions == ["Småland och Öarna"]


def test_recrawl_of_unchanged_calls_changes_nothing_but_last_seen(db):
    save_calls(db, "esf", [make(1)], seen_at="2026-10-15T06:00:00")
    before = db["calls"].get("esf:/utlysningar/1/")
    result = save_calls(db, "esf", [make(1)], seen_at="2026-10-16T06:00:00")
    after = db["calls"].get("esf:/utlysningar/1/")
    assert result.unchanged == ["esf:/utlysningar/1/"] and not result.changed
    assert after["last_seen"] == "2026-10-16T06:00:00"
    assert {k: v for k, v in after.items() if k != "last_seen"} == {
        k: v for k, v in before.items() if k != "last_seen"
    }
    assert db["call_changes"].count == 0


def test_a_moved_deadline_writes_one_change_row(db):
    save_calls(db, "esf", [make(1)], seen_at="2026-10-15T06:00:00")
    result = save_calls(db, "esf", [make(1, deadline="2027-01-15")], seen_at="2026-11-16T06:00:00")
    assert result.changed == ["esf:/utlysningar/1/"]
    rows = list(db["call_changes"].rows)
    assert [(r["field"], r["old"], r["new"]) for r in rows] == [
        ("deadline", "2026-12-01", "2027-01-15")
    ]
    assert db["calls"].get("esf:/utlysningar/1/")["last_changed"] == "2026-11-16T06:00:00"


def test_a_call_missing_from_one_complete_crawl_is_held_not_yet_gone(db):
    """One listing that shrinks (a CMS hiccup, a half-published page) must not mark calls gone:
    the miss is held until the next complete crawl confirms it."""
    save_calls(db, "esf", [make(1), make(2)], seen_at="2026-11-01T06:00:00")
    result = save_calls(db, "esf", [make(1)], seen_at="2026-11-02T06:00:00")
    assert result.gone == [] and result.missing == ["esf:/utlysningar/2/"]
    row = db["calls"].get("esf:/utlysningar/2/")
    assert row["gone"] == 0 and row["missing_since"] == "2026-11-02T06:00:00"
    assert db["call_changes"].count == 0


def test_a_call_missing_from_two_complete_crawls_is_marked_gone_not_deleted(db):
    save_calls(db, "esf", [make(1), make(2)], seen_at="2026-11-01T06:00:00")
    save_calls(db, "esf", [make(1)], seen_at="2026-11-02T06:00:00")
    result = save_calls(db, "esf", [make(1)], seen_at="2026-11-03T06:00:00")
    assert result.gone == ["esf:/utlysningar/2/"] and result.missing == []
    assert db["calls"].get("esf:/utlysningar/2/")["gone"] == 1
    assert db["calls"].count == 2


def test_a_listing_that_shrinks_and_comes_back_changes_nothing(db):
    nine = [make(n) for n in range(1, 10)]
    save_calls(db, "esf", nine, seen_at="2026-11-01T06:00:00")
    shrunk = save_calls(db, "esf", nine[:1], seen_at="2026-11-02T06:00:00")
    assert shrunk.gone == [] and len(shrunk.missing) == 8
    back = save_calls(db, "esf", nine, seen_at="2026-11-03T06:00:00")
    assert back.changed == [] and back.gone == [] and len(back.unchanged) == 9
    assert {r["missing_since"] for r in db["calls"].rows} == {None}
    assert db["call_changes"].count == 0


def test_a_partial_crawl_marks_nothing_gone(db):
    save_calls(db, "esf", [make(1), make(2)])
    result = save_calls(db, "esf", [make(1)], complete=False)
    assert result.gone == []
    assert db["calls"].get("esf:/utlysningar/2/")["gone"] == 0


def test_a_gone_call_that_comes_back_is_changed_and_not_gone(db):
    save_calls(db, "esf", [make(1), make(2)])
    save_calls(db, "esf", [make(1)])
    save_calls(db, "esf", [make(1)])
    result = save_calls(db, "esf", [make(1), make(2)])
    assert result.changed == ["esf:/utlysningar/2/"]
    assert db["calls"].get("esf:/utlysningar/2/")["gone"] == 0


def test_other_sources_are_untouched_by_a_batch(db):
    other = make(9, source="amif", id="amif:2026/1", funder="Migrationsverket")
    save_calls(db, "amif", [other])
    save_calls(db, "esf", [make(1)])
    save_calls(db, "esf", [])
    assert db["calls"].get("amif:2026/1")["gone"] == 0


def test_a_batch_that_fails_half_way_leaves_the_previous_state(db):
    save_calls(db, "esf", [make(1)])
    broken = make(2, regions=[object()])  # a spider bug in the middle of a batch
    with pytest.raises(TypeError):
        save_calls(db, "esf", [make(1, deadline="2027-01-01"), make(3), broken])
    assert db["calls"].count == 1
    assert db["calls"].get("esf:/utlysningar/1/")["deadline"] == "2026-12-01"
    assert db["call_changes"].count == 0


def test_full_text_search_finds_swedish_words(db):
    save_calls(db, "esf", [make(1, title="Insatser för långtidsarbetslösa"), make(2)])
    rows = list(
        db.query(
            "select c.id from calls c join calls_fts f on f.rowid = c.rowid "
            "where calls_fts match ?",
            ["långtidsarbetslösa"],
        )
    )
    assert rows == [{"id": "esf:/utlysningar/1/"}]


def test_search_follows_a_changed_title_and_ignores_last_seen_updates(db):
    def search(word: str) -> list[str]:
        sql = (
            "select c.id from calls c join calls_fts f on f.rowid = c.rowid where calls_fts match ?"
        )
        return [row["id"] for row in db.query(sql, [word])]

    save_calls(db, "esf", [make(1, title="Stöd till sociala företag")])
    save_calls(db, "esf", [make(1, title="Stöd till sociala företag")])  # only last_seen moves
    assert search("sociala") == ["esf:/utlysningar/1/"]
    save_calls(db, "esf", [make(1, title="Stöd till arbetsintegrerande företag")])
    assert search("sociala") == []
    assert search("arbetsintegrerande") == ["esf:/utlysningar/1/"]


def test_nested_write_transactions_roll_back_together(db):
    from crawler.store import record_run, write_transaction

    with pytest.raises(RuntimeError), write_transaction(db):
        save_calls(db, "esf", [make(1)])
        record_run(db, {"source": "esf", "status": "ok", "items": 1})
        raise RuntimeError("the run record could not be written")
    assert db["calls"].count == 0
    assert db["source_runs"].count == 0


def test_a_failed_run_brings_no_gone_call_back_and_sees_nothing(db):
    save_calls(db, "esf", [make(1), make(2)], seen_at="2026-11-01T06:00:00")
    save_calls(db, "esf", [make(1)], seen_at="2026-11-02T06:00:00")
    save_calls(db, "esf", [make(1)], seen_at="2026-11-03T06:00:00")  # 2 is gone
    result = save_calls(
        db, "esf", [make(1), make(2)], complete=False, seen=False, seen_at="2026-11-04T06:00:00"
    )
    assert result.changed == [] and db["calls"].get("esf:/utlysningar/2/")["gone"] == 1
    assert db["calls"].get("esf:/utlysningar/1/")["last_seen"] == "2026-11-03T06:00:00"
