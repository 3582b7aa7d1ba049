"""Rounds of a reused page on a real SQLite file: next year's round on the same URL is a new call
linked to the last one, whose row, history and review stay; a moved date of the same round is a
change; countdowns ("Tid kvar att ansöka: 59 dagar") are never a change."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.config.needs import load_needs
from crawler.crawl.runner import run_crawl
from crawler.model import Call, call_id
from crawler.store import open_db, save_calls
from crawler.store.countdowns import strip_countdowns
from crawler.store.rounds import is_new_round
from tests.crawl.conftest import site, write_sources
from tests.match.conftest import NEEDS_YAML

URL = "https://www.mucf.se/bidrag/unga-ledare"
PAGE = call_id("mucf", url=URL)
NEXT = f"{PAGE}@2026"


def grant(**fields) -> Call:
    values = dict(
        id=PAGE,
        source="mucf",
        funder="MUCF",
        title="Bidrag till unga ledare",
        url=URL,
        summary="Bidraget ska ge fler unga möjlighet att ta ledaruppdrag.",
        status="open",
        opens_on="2025-03-01",
        deadline="2025-04-03",
        regions=["Nationell"],
    )
    values.update(fields)
    return Call(**values)


NEXT_ROUND = dict(status="planned", opens_on="2026-03-01", deadline="2026-04-03")


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "utlys.db")
    yield database
    database.close()


def changes(db, call: str) -> list[tuple[str, str, str]]:
    return [
        (r["field"], r["old"], r["new"])
        for r in db.execute_returning_dicts(
            "select * from call_changes where call_id = ? order by id", [call]
        )
    ]


def test_next_years_round_on_the_same_page_is_a_new_call_linked_to_the_last(db):
    save_calls(db, "mucf", [grant()], seen_at="2025-03-10T06:00:00+00:00")
    save_calls(db, "mucf", [grant(deadline="2025-04-10")], seen_at="2025-03-20T06:00:00+00:00")
    old_before = db["calls"].get(PAGE)
    history_before = changes(db, PAGE)

    result = save_calls(db, "mucf", [grant(**NEXT_ROUND)], seen_at="2026-02-20T06:00:00+00:00")

    assert result.new == [NEXT] and not result.changed and not result.unchanged
    assert db["calls"].get(PAGE) == old_before  # last year's row is untouched ...
    assert changes(db, PAGE) == history_before == [("deadline", "2025-04-03", "2025-04-10")]
    new = db["calls"].get(NEXT)
    assert (new["previous_id"], new["previous_round"]) == (PAGE, "2025")
    assert (new["opens_on"], new["deadline"], new["first_seen"]) == (
        "2026-03-01",
        "2026-04-03",
        "2026-02-20T06:00:00+00:00",
    )
    assert changes(db, NEXT) == []  # ... and the new round starts its own history


def test_later_crawls_follow_the_latest_round_and_leave_earlier_ones_alone(db):
    save_calls(db, "mucf", [grant()], seen_at="2025-03-10T06:00:00+00:00")
    save_calls(db, "mucf", [grant(**NEXT_ROUND)], seen_at="2026-02-20T06:00:00+00:00")
    old_before = db["calls"].get(PAGE)

    again = save_calls(db, "mucf", [grant(**NEXT_ROUND)], seen_at="2026-02-21T06:00:00+00:00")
    moved = save_calls(
        db,
        "mucf",
        [grant(**{**NEXT_ROUND, "deadline": "2026-04-17"})],
        seen_at="2026-02-22T06:00:00+00:00",
    )
    assert again.unchanged == [NEXT] and moved.changed == [NEXT]
    assert changes(db, NEXT) == [("deadline", "2026-04-03", "2026-04-17")]
    # The page leaves a complete listing twice: the current round is gone, the old one untouched.
    save_calls(db, "mucf", [], seen_at="2026-05-01T06:00:00+00:00")
    gone = save_calls(db, "mucf", [], seen_at="2026-05-02T06:00:00+00:00")
    assert gone.gone == [NEXT]
    assert db["calls"].get(PAGE) == old_before
    assert db["calls"].count == 2


def test_a_third_round_links_to_the_second(db):
    save_calls(db, "mucf", [grant()], seen_at="2025-03-10T06:00:00+00:00")
    save_calls(db, "mucf", [grant(**NEXT_ROUND)], seen_at="2026-02-20T06:00:00+00:00")
    third = grant(status="planned", opens_on="2027-03-01", deadline="2027-04-03")
    result = save_calls(db, "mucf", [third], seen_at="2027-01-10T06:00:00+00:00")
    assert result.new == [f"{PAGE}@2027"]
    row = db["calls"].get(f"{PAGE}@2027")
    assert (row["previous_id"], row["previous_round"]) == (NEXT, "2026")


def test_a_deadline_postponed_two_weeks_in_the_same_round_is_one_call_with_a_change(db):
    save_calls(db, "mucf", [grant()], seen_at="2025-03-10T06:00:00+00:00")
    result = save_calls(
        db, "mucf", [grant(deadline="2025-04-17")], seen_at="2025-03-30T06:00:00+00:00"
    )
    assert result.changed == [PAGE] and not result.new
    assert changes(db, PAGE) == [("deadline", "2025-04-03", "2025-04-17")]
    assert db["calls"].count == 1


def test_a_deadline_extended_after_it_passed_is_still_the_same_round(db):
    save_calls(db, "mucf", [grant(opens_on=None)], seen_at="2025-03-10T06:00:00+00:00")
    result = save_calls(
        db,
        "mucf",
        [grant(opens_on=None, deadline="2025-04-17")],
        seen_at="2025-04-05T06:00:00+00:00",
    )
    assert result.changed == [PAGE] and db["calls"].count == 1


def today_(text: str) -> date:
    return date.fromisoformat(text)


STORED = dict(title="Bidrag 2025", status="open", opens_on="2025-03-01", deadline="2025-04-03")


@pytest.mark.parametrize(
    ("stored", "now", "today", "expected"),
    [
        # the round closed and the page now gives a window that opens after it: new round
        ({}, dict(opens_on="2026-03-01", deadline="2026-04-03"), "2026-02-01", True),
        # stored as closed by the spider's clock, even if our clock says otherwise
        (dict(status="closed"), dict(opens_on="2026-03-01"), "2025-03-15", True),
        # without an opening date, a deadline a year later is a new round ...
        ({}, dict(opens_on=None, deadline="2026-04-03"), "2026-02-01", True),
        # ... but a deadline weeks later, even after the old one passed, is the same round
        ({}, dict(opens_on=None, deadline="2025-04-20"), "2025-04-05", False),
        # the same round, deadline moved while still open
        ({}, dict(deadline="2025-04-17"), "2025-03-20", False),
        # a planned window postponed before it opened: the old round is not over
        (
            dict(status="planned"),
            dict(opens_on="2025-05-01", deadline="2025-06-01"),
            "2025-02-01",
            False,
        ),
        # the year in the title moved on (with the dates): new round, even before the deadline
        (
            {},
            dict(title="Bidrag 2026", opens_on="2025-12-01", deadline="2026-01-15"),
            "2025-03-15",
            True,
        ),
        # a title year that moves alone is a corrected title, not a round
        ({}, dict(title="Bidrag 2026"), "2025-03-15", False),
        # standing calls and calls without a deadline have no round to end
        (
            dict(status="standing", opens_on=None, deadline=None),
            dict(deadline="2026-04-03"),
            "2026-02-01",
            False,
        ),
        # the page went back to an earlier window: not a new round
        ({}, dict(opens_on="2024-03-01", deadline="2024-04-03"), "2026-02-01", False),
    ],
)
def test_which_windows_count_as_a_new_round(stored, now, today, expected):
    row = grant(**{**STORED, **stored}).to_dict()
    assert is_new_round(row, grant(**{**STORED, **now}), today_(today)) is expected


def test_a_countdown_that_changes_daily_is_no_change(db):
    text = "Bidraget ska ge fler unga möjlighet. Tid kvar att ansöka: 59 dagar"
    first = save_calls(db, "mucf", [grant(summary=text)], seen_at="2025-03-10T06:00:00+00:00")
    later = save_calls(
        db, "mucf", [grant(summary=text.replace("59", "58"))], seen_at="2025-03-11T06:00:00+00:00"
    )
    assert first.new == [PAGE] and later.unchanged == [PAGE] and not later.changed
    assert changes(db, PAGE) == []
    assert db["calls"].get(PAGE)["summary"] == "Bidraget ska ge fler unga möjlighet."


def test_a_countdown_stored_before_it_was_left_out_is_no_change_either(db):
    save_calls(db, "mucf", [grant()], seen_at="2025-03-10T06:00:00+00:00")
    db["calls"].update(  # what an older version stored
        PAGE, {"summary": grant().summary + " (24 dagar kvar)", "content_hash": "old"}
    )
    result = save_calls(db, "mucf", [grant()], seen_at="2025-03-11T06:00:00+00:00")
    assert result.unchanged == [PAGE] and changes(db, PAGE) == []
    assert db["calls"].get(PAGE)["summary"] == grant().summary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sista ansökningsdag: 2026-11-20 Tid kvar att ansöka: 36 dagar Vem kan söka?",
            "Sista ansökningsdag: 2026-11-20 Vem kan söka?",
        ),
        ("Sista dag 1 december (59 dagar kvar). Mer text.", "Sista dag 1 december. Mer text."),
        ("Ansökan stänger om 5 dagar. Sök nu!", "Sök nu!"),
        ("Dagar kvar: 12", ""),
        # durations that are not countdowns stay
        ("Insatsen ska pågå i 12 veckor.", "Insatsen ska pågå i 12 veckor."),
        ("Projekt som pågår i 30 dagar kvarstår", "Projekt som pågår i 30 dagar kvarstår"),
    ],
)
def test_countdowns_are_taken_out_of_text_and_nothing_else(text, expected):
    assert strip_countdowns(text) == expected


def test_the_new_round_is_matched_anew_and_the_old_keeps_its_review(db, tmp_path):
    from crawler.match.run import match_database  # here: the store tests need no matcher

    needs = tmp_path / "needs.yaml"
    needs.write_text(NEEDS_YAML, encoding="utf-8")
    inventory = load_needs(needs)
    title = "Insatser för långtidsarbetslösa"
    save_calls(db, "mucf", [grant(title=title)], seen_at="2025-03-10T06:00:00+00:00")
    match_database(db, inventory, today=date(2025, 3, 10), now="2025-03-10T07:00:00+00:00")
    db.execute(
        "update matches set review = 'approved', note = 'Sökt 2025' where call_id = ?"
        " and municipality = 'Växjö'",
        [PAGE],
    )
    save_calls(db, "mucf", [grant(title=title, **NEXT_ROUND)], seen_at="2026-02-20T06:00:00+00:00")
    match_database(db, inventory, today=date(2026, 2, 20), now="2026-02-20T07:00:00+00:00")
    rows = {
        (r["call_id"], r["municipality"]): (r["review"], r["note"])
        for r in db.execute_returning_dicts("select * from matches")
    }
    assert rows[(PAGE, "Växjö")] == ("approved", "Sökt 2025")
    assert rows[(NEXT, "Växjö")] == ("pending", None)


GRANT_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Bidrag för ungas ensamhet | MUCF</title></head>
<body><div id="innehall">
 <h1>Bidrag för att motverka ungas ensamhet</h1>
 <p>Bidraget går till projekt som skapar mötesplatser för unga som känner sig ensamma.</p>
 <h3>Viktiga datum</h3>
 <p>Ansökan öppnar: {opens}<br>
 Ansökan stänger: {closes} (ansökan kan skickas in fram till 23.59 denna dag)<br>
 Tid kvar att ansöka: {left} dagar</p>
 <h3>Vem kan söka?</h3><p>Ideella organisationer.</p>
</div></body></html>"""


LISTING = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Bidrag | MUCF</title></head>
<body><main><h1>Bidrag att söka</h1>
<ul><li><a href="/bidrag/ensamhet">Bidrag för att motverka ungas ensamhet</a></li></ul>
</main></body></html>"""


def test_a_page_crawled_again_with_next_years_dates_stores_two_linked_rounds(tmp_path):
    pages = {
        "/bidrag": LISTING,
        "/bidrag/ensamhet": GRANT_PAGE.format(opens="1 mars 2024", closes="3 april 2024", left=20),
    }
    with site(pages) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/bidrag"
        source = {"id": "mucf", "funder": "MUCF", "spider": "grant_page", "start_urls": [url]}
        sources = write_sources(tmp_path / "sources.yaml", [source])
        db_path = tmp_path / "utlys.db"
        (first,) = run_crawl(db_path, sources, today="2024-03-14")
        pages["/bidrag/ensamhet"] = GRANT_PAGE.format(
            opens="1 mars 2024", closes="3 april 2024", left=19
        )
        (countdown,) = run_crawl(db_path, sources, today="2024-03-15")
        pages["/bidrag/ensamhet"] = GRANT_PAGE.format(
            opens="1 mars 2025", closes="3 april 2025", left=40
        )
        (second,) = run_crawl(db_path, sources, today="2025-02-20")
    assert first.status == countdown.status == second.status == "ok", second.error
    page_id = "mucf:/bidrag/ensamhet"
    assert first.new_ids == [page_id]
    assert countdown.new_ids == countdown.changed_ids == []
    assert second.new_ids == [f"{page_id}@2025"] and second.changed_ids == []
    db = open_db(db_path)
    try:
        rows = {r["id"]: r for r in db.execute_returning_dicts("select * from calls")}
        assert db["call_changes"].count == 0
    finally:
        db.close()
    assert (rows[page_id]["opens_on"], rows[page_id]["deadline"]) == ("2024-03-01", "2024-04-03")
    new = rows[f"{page_id}@2025"]
    assert (new["opens_on"], new["deadline"]) == ("2025-03-01", "2025-04-03")
    assert (new["previous_id"], new["previous_round"]) == (page_id, "2024")
    assert "Tid kvar" not in new["summary"]
