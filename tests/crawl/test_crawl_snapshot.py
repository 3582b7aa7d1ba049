"""Every configured spider, crawled for real (Scrapy in a child process) against the snapshot
server, into a real SQLite file: month 1, month 1 again (nothing changed), month 2."""

from __future__ import annotations

import pytest

from crawler.config import load_sources
from crawler.crawl.runner import crawl_log_path
from crawler.model import STATUSES
from crawler.store import load_calls, open_db
from tests.crawl.conftest import by_source

CONFIGURED = [s.id for s in load_sources().enabled()]

# Calls per source in month 1, from crawler/dev/snapshot/README.md (sources whose count is plain).
MONTH1_CALLS = {
    "esf": 9,
    "esf-nyheter": 3,
    "tillvaxtverket": 8,
    "amif": 6,
    "mucf": 4,
    "bra": 3,
    "skolverket": 3,
    "socialstyrelsen": 6,  # /kommuner/, /regioner/ and /organisationer/
    "lst-kronoberg": 3,
    "region-kronoberg": 3,
}


@pytest.mark.parametrize("source_id", CONFIGURED)
def test_every_configured_source_yields_valid_calls_from_the_snapshot(snapshot_crawls, source_id):
    report = by_source(snapshot_crawls.month1)[source_id]
    assert report.status == "ok", report.error
    assert report.items == report.new > 0, f"{source_id} stored no call"
    db = open_db(snapshot_crawls.db_path)
    ids = report.new_ids
    calls = load_calls(db, f"id in ({', '.join('?' * len(ids))})", ids)
    assert len(calls) == report.items
    for call in calls:
        assert call.id.startswith(f"{source_id}:")
        assert call.title.strip() and "<" not in call.title
        # The API names each call's page on vinnova.se (a link, never fetched); a call without
        # one points at the API.
        local = call.url.startswith("http://127.0.0.1:")
        assert local or (
            source_id == "vinnova" and call.url.startswith("https://www.vinnova.se/e/")
        )
        assert call.status in STATUSES
    if source_id in MONTH1_CALLS:
        assert len(calls) == MONTH1_CALLS[source_id]


def test_a_second_crawl_of_unchanged_pages_fetches_no_page_again(snapshot_crawls):
    for report in snapshot_crawls.again:
        assert report.status == "ok", (report.source, report.error)
        assert (report.new, report.changed, report.gone) == (0, 0, 0), report.source
        assert report.requests > 0
        assert report.not_modified == report.requests, report.source
    statuses = {status for _, _, status in snapshot_crawls.again_log}
    assert statuses == {304}, [e for e in snapshot_crawls.again_log if e[2] != 304][:5]


def test_month2_shows_the_new_changed_and_missing_calls_of_the_snapshot(snapshot_crawls):
    reports = snapshot_crawls.month2
    new = [i for r in reports for i in r.new_ids]
    changed = [i for r in reports for i in r.changed_ids]
    missing = [i for r in reports for i in r.missing_ids]
    assert [i for r in reports for i in r.gone_ids] == []  # one miss is not yet gone
    assert snapshot_crawls.titles(new) == {
        "Samverkan för unga vuxna med missbruk och psykisk ohälsa på väg mot arbete",
        "Innovationsstöd för små och medelstora företag i Blekinge och Skåne",
    }
    assert snapshot_crawls.titles(changed) == {
        "Vägar till arbete med stöd av peer support",
        "Grön omställning i industrin – förstudier",
    }
    assert snapshot_crawls.titles(missing) == {"Livslångt lärande i små och medelstora företag"}
    assert {r.source for r in reports if r.status != "ok"} == set()


def test_a_second_crawl_that_misses_the_call_again_marks_it_gone(snapshot_crawls):
    reports = snapshot_crawls.month2_again
    gone = [i for r in reports for i in r.gone_ids]
    assert snapshot_crawls.titles(gone) == {"Livslångt lärande i små och medelstora företag"}
    assert [(r.new, r.changed) for r in reports] == [(0, 0)] * len(reports)


def test_month2_change_rows_say_what_moved(snapshot_crawls):
    db = open_db(snapshot_crawls.db_path)
    rows = {
        (r["title"], r["field"]): (r["old"], r["new"])
        for r in db.query(
            "select calls.title, field, old, new from call_changes"
            " join calls on calls.id = call_changes.call_id"
        )
    }
    assert rows[("Vägar till arbete med stöd av peer support", "deadline")] == (
        "2026-11-26",
        "2026-12-10",
    )
    assert rows[("Grön omställning i industrin – förstudier", "status")] == ("planned", "open")
    assert rows[("Livslångt lärande i små och medelstora företag", "gone")] == ("0", "1")


def test_a_gone_call_is_kept_and_marked_not_deleted(snapshot_crawls):
    db = open_db(snapshot_crawls.db_path)
    row = next(
        db.query(
            "select gone, deadline from calls where title = ?",
            ["Livslångt lärande i små och medelstora företag"],
        )
    )
    assert row == {"gone": 1, "deadline": "2026-08-27"}


def test_unchanged_call_pages_are_revalidated_in_month2(snapshot_crawls):
    esf = by_source(snapshot_crawls.month2)["esf"]
    # Six of the nine month-1 ESF call pages did not change: each is a 304.
    assert esf.not_modified >= 6
    assert esf.requests > esf.not_modified  # the changed and new pages were downloaded


def test_every_crawl_of_every_source_has_a_source_runs_row(snapshot_crawls):
    db = open_db(snapshot_crawls.db_path)
    runs = list(db.query("select source, status, requests, not_modified from source_runs"))
    assert len(runs) == 4 * len(CONFIGURED)  # month 1 twice, month 2 twice
    assert {r["source"] for r in runs} == set(CONFIGURED)
    assert {r["status"] for r in runs} == {"ok"}


def test_the_crawl_log_has_no_warning_or_error(snapshot_crawls):
    log = crawl_log_path(snapshot_crawls.db_path).read_text(encoding="utf-8")
    assert "Spider closed (finished)" in log
    for marker in ("Warning", "WARNING", "ERROR", "Traceback"):
        assert marker not in log, [line for line in log.splitlines() if marker in line][:3]
