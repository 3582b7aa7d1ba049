"""A new round of a reused page reaches the digest as "ny omgång", naming the year of the round
before, so a reader who applied last year knows why the same title is news again."""

from __future__ import annotations

from crawler.store import save_calls
from digest.content import digest_content
from digest.digests import render_digest

from .conftest import PERIOD, add_match, make_call

PAGE = "esf:7"
ROUND_2025 = dict(id=PAGE, status="closed", opens_on="2025-10-01", deadline="2025-12-15")
ROUND_2026 = dict(id=PAGE, status="open", opens_on="2026-10-01", deadline="2026-12-15")


def store_two_rounds(db) -> str:
    save_calls(db, "esf", [make_call(7, **ROUND_2025)], seen_at="2025-10-05T06:00:00+00:00")
    result = save_calls(
        db, "esf", [make_call(7, **ROUND_2026)], seen_at="2026-11-16T06:00:00+00:00"
    )
    (new_round,) = result.new
    return new_round


def test_a_new_round_is_news_marked_ny_omgang_with_the_year_of_the_last(db, today, inventory):
    new_round = store_two_rounds(db)
    add_match(db, PAGE, "Växjö", "approved", note="Vi sökte 2025")
    add_match(db, new_round, "Växjö", "approved")
    content = digest_content(db, "Växjö", PERIOD, today=today)
    (item,) = content.new
    assert item.call.id == new_round
    assert item.round_text == "Ny omgång av en utlysning från 2025."
    html, text = render_digest(
        content,
        inventory=inventory,
        recipient="a@vaxjo.example.se",
        unsubscribe=None,
        pending_shown=False,
    )
    assert "Ny omgång</span> Ny omgång av en utlysning från 2025." in html
    assert "  Ny omgång av en utlysning från 2025.\n" in text
    assert "(ny omgång)" in text  # the reminder of deadlines within two weeks says it too


def test_a_call_of_its_first_round_says_nothing_about_rounds(db, today, inventory):
    save_calls(db, "esf", [make_call(7, **ROUND_2026)], seen_at="2026-11-16T06:00:00+00:00")
    add_match(db, PAGE, "Växjö", "approved")
    content = digest_content(db, "Växjö", PERIOD, today=today)
    assert content.new[0].round_text is None
    html, text = render_digest(
        content,
        inventory=inventory,
        recipient="a@vaxjo.example.se",
        unsubscribe=None,
        pending_shown=False,
    )
    assert "omgång" not in html and "omgång" not in text
