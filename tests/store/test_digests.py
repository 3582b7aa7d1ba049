"""What digests read of a call's history: the watched fields' changes in a month."""

from crawler.model import Call
from crawler.store import open_db, save_calls
from crawler.store.digests import watched_changes


def call(**fields) -> Call:
    values = dict(id="esf:1", source="esf", funder="ESF", title="Utlysning", url="https://esf.se/1")
    return Call(**(values | fields))


def test_watched_changes_of_the_month_after_the_first_sighting_newest_first(db_path):
    db = open_db(db_path)
    save_calls(db, "esf", [call(deadline="2026-12-01")], seen_at="2026-10-20T06:00:00")
    save_calls(db, "esf", [call(deadline="2026-12-05")], seen_at="2026-10-25T06:00:00")
    save_calls(db, "esf", [call(deadline="2026-12-15")], seen_at="2026-11-05T06:00:00")
    save_calls(db, "esf", [call(deadline="2026-12-20", title="Ny")], seen_at="2026-11-10T06:00:00")
    save_calls(db, "esf", [], seen_at="2026-11-11T06:00:00")  # missed once
    save_calls(db, "esf", [], seen_at="2026-11-12T06:00:00")  # missed again: gone
    changes = watched_changes(db, "esf:1", "2026-11-01", "2026-11-30", after="2026-10-20T06:00:00")
    assert [(c["field"], c["old"]) for c in changes] == [
        ("gone", "0"),
        ("deadline", "2026-12-15"),
        ("deadline", "2026-12-05"),
    ]
    later = watched_changes(db, "esf:1", "2026-11-01", "2026-11-30", after="2026-11-10T06:00:00")
    assert [(c["field"], c["old"]) for c in later] == [("gone", "0")]
