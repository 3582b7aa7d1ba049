"""When two published calls are one call (crawler/match/duplicates.py)."""

from __future__ import annotations

from crawler.match.duplicates import group_calls, is_news
from crawler.model import Call


def call(id: str, title: str, **fields) -> Call:
    values = {
        "source": id.split(":")[0],
        "funder": "Svenska ESF-rådet",
        "url": f"https://www.esf.se/{id.split(':')[1]}/",
        "status": "open",
        "deadline": "2026-12-03",
    }
    values.update(fields)
    return Call(id=id, title=title, **values)


NEWS = call(
    "esf-nyheter:nyheter/60-miljoner",
    "ESF-rådet utlyser 60 miljoner kronor för social innovation",
    published_on="2026-09-01",
)
PAGE = call(
    "esf:utlysningar/00377",
    "Social innovation: arbetsintegrerande sociala företag som väg till arbete",
    opens_on="2026-09-01",
    summary="Utlysningen ger stöd till arbetsintegrerande sociala företag.",
)


def test_news_item_and_call_page_of_one_funder_in_one_window_are_one_call_led_by_the_page():
    groups = group_calls([NEWS, PAGE])
    assert groups.primary(NEWS.id) == PAGE.id
    assert groups.primary(PAGE.id) == PAGE.id
    assert [c.id for c in groups.others(PAGE.id)] == [NEWS.id]
    assert groups.secondary_ids == {NEWS.id}
    assert is_news(NEWS) and not is_news(PAGE)


def test_different_deadlines_make_two_calls():
    later = call(NEWS.id, NEWS.title, deadline="2027-03-18")
    assert group_calls([later, PAGE]).members == {}


def test_a_deadline_the_call_page_had_before_still_counts_as_the_same_window():
    moved = call(PAGE.id, PAGE.title, deadline="2026-12-10")
    assert group_calls([NEWS, moved]).members == {}
    groups = group_calls([NEWS, moved], {PAGE.id: {"2026-12-03"}})
    assert groups.primary(NEWS.id) == PAGE.id


def test_conflicting_opening_days_make_two_calls():
    other = call(NEWS.id, NEWS.title, opens_on="2027-01-15")
    assert group_calls([other, PAGE]).members == {}


def test_different_funders_make_two_calls():
    other = call(NEWS.id, NEWS.title, funder="Tillväxtverket")
    assert group_calls([other, PAGE]).members == {}


def test_titles_that_share_only_a_generic_word_make_two_calls():
    one = call(
        "socialstyrelsen:a", "Statsbidrag för kompetensutveckling i äldreomsorgen", deadline=None
    )
    two = call("socialstyrelsen:b", "Statsbidrag för digital teknik i äldreomsorgen", deadline=None)
    three = call(
        "socialstyrelsen:c", "Statsbidrag för att motverka ensamhet hos äldre", deadline=None
    )
    assert group_calls([one, two, three]).members == {}


def test_numbered_rounds_are_two_calls():
    one = call("esf:r1", "Utlysning 1 för unga utanför arbetsmarknaden")
    two = call("esf:r2", "Utlysning 2 för unga utanför arbetsmarknaden")
    assert group_calls([one, two]).members == {}


def test_the_same_call_on_two_sites_of_one_funder_is_one_led_by_the_fuller_page():
    page = call(
        "skolverket:vux",
        "Statsbidrag för regional yrkesinriktad vuxenutbildning",
        funder="Skolverket",
        opens_on="2026-10-12",
        deadline="2026-11-23",
        summary="Statsbidraget kan sökas av kommuner som samverkar om yrkesvux.",
    )
    calendar = call(
        "skolverket-kalender:vux 2026 höst",
        "Statsbidrag för regional yrkesinriktad vuxenutbildning",
        funder="Skolverket",
        opens_on="2026-10-12",
        deadline="2026-11-23",
    )
    groups = group_calls([calendar, page])
    assert groups.primary(calendar.id) == page.id
    assert [c.id for c in groups.members[page.id]] == [page.id, calendar.id]
