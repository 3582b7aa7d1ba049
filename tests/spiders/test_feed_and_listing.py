"""The feed spider (Atom here; RSS in the snapshot) and the CSS-configured listing spider."""

from urllib.parse import urlsplit

import pytest


def test_feed_keeps_keyword_entries_resolves_links_and_drops_scripts(crawl_fixture):
    result = crawl_fixture("feed", ["/esf-nyheter/atom.xml"], source_id="esf-nyheter")
    assert [c.title for c in result.calls] == [
        "Kommande utlysning i Småland och Öarna: unga vuxna med missbruk"
    ]  # the seminar has no keyword; the javascript: entry has no usable link
    call = result.calls[0]
    assert call.url == "http://127.0.0.1:8765/esf-nyheter/nyheter/kommande-unga-vuxna/"
    assert (call.status, call.opens_on, call.published_on) == (
        "planned",
        "2026-11-10",
        "2026-10-10",
    )
    assert call.regions == ["Småland och Öarna"]
    assert "alert" not in call.summary


def test_feed_without_keywords_keeps_every_entry_with_a_link(crawl_fixture):
    result = crawl_fixture("feed", ["/esf-nyheter/atom.xml"], source_id="nyheter", options={})
    assert len(result.calls) == 2


def test_feed_that_is_not_a_feed_is_an_error(crawl_fixture):
    result = crawl_fixture("feed", ["/bra/stod.html"], source_id="nyheter", options={})
    assert result.calls == [] and result.spider.complete is False
    assert "not an RSS or Atom feed" in result.errors[0]


def test_configured_listing_selectors_read_items_and_their_pages(crawl_fixture):
    result = crawl_fixture("listing", ["/sf-varend/"], source_id="sf-varend")
    first, second = result.calls
    assert (first.title, first.status, first.deadline, first.published_on) == (
        "Ansök om medel för insatser 2027", "open", "2026-11-30", "2026-10-01",
    )  # fmt: skip
    assert first.budget_sek == 2_000_000  # only the item's own page says so
    assert first.regions == ["Kronoberg"]
    assert first.applicants == "Förbundets medlemmar: Växjö, Alvesta, Lessebo, Tingsryd, Uppvidinge"
    assert (second.title, second.status) == ("Nytt nummer av nyhetsbrevet", "unknown")
    assert result.spider.complete


def test_listing_without_follow_reads_the_listing_only(crawl_fixture):
    options = {"item": "ul.news-list > li", "title": "h3"}
    result = crawl_fixture("listing", ["/sf-varend/"], source_id="sf-varend", options=options)
    assert result.fetched == ["/sf-varend/"]
    assert [(c.title, c.deadline, c.budget_sek) for c in result.calls] == [
        ("Ansök om medel för insatser 2027", "2026-11-30", None),
        ("Nytt nummer av nyhetsbrevet", None, None),
    ]


def test_listing_items_in_a_table_with_other_selectors(crawl_fixture):
    options = {"item": "table tr", "title": "a::text", "date": "td:first-child::text"}
    result = crawl_fixture("listing", ["/arvsfonden/nyheter/"], source_id="lst", options=options)
    assert [(c.title, c.published_on) for c in result.calls] == [
        ("Ny satsning: äldres psykiska hälsa", "2026-09-30"),
        ("Arvsfonden delar ut 90 miljoner", "2026-09-01"),
    ]


def test_region_kronoberg_standing_and_open_items(crawl_fixture):
    result = crawl_fixture(
        "listing", ["/region-kronoberg/finansiering/"], source_id="region-kronoberg"
    )
    assert [(c.title, c.status, c.deadline, c.budget_sek) for c in result.calls] == [
        ("Regionala tillväxtmedel", "standing", None, None),
        ("Utlysning: kultur i hela länet", "open", "2026-12-15", 2_000_000),
    ]
    assert result.calls[0].cofinancing == "50 %"


@pytest.mark.parametrize("follow", [True, False], ids=["follow", "listing-only"])
def test_listing_skips_javascript_and_data_links_and_reads_the_rest(crawl_fixture, follow):
    options = {"item": "ul.news-list > li", "title": "h3 a::text", "follow": follow}
    result = crawl_fixture(
        "listing", ["/sf-varend/skriptlankar/"], source_id="sf-varend", options=options
    )
    assert not result.errors and result.spider.complete
    assert [c.title for c in result.calls] == [
        "Ansök om medel för insatser 2027",
        "Nytt nummer av nyhetsbrevet",
    ]
    assert all(urlsplit(path).scheme == "" for path in result.fetched)  # no script fetched
