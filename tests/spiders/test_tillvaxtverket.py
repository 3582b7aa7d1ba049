"""Tillväxtverket call pages in the real text shapes (funders.md §10): one status item with its
date (only Öppnar / Stänger / Stängd), region items of both generations, every county for a
national call, the change line, 2017-21 prose windows; as spans, <p> lines, a <ul>, a table."""

import pytest


@pytest.fixture
def crawl(crawl_fixture):
    return crawl_fixture(
        "tillvaxtverket",
        ["/tillvaxtverket/sok/utlysningar.html", "/tillvaxtverket/erbjudanden.html"],
    )


def test_every_call_page_is_read_and_a_guide_page_is_no_call(crawl):
    assert len(crawl.calls) == 5
    assert "/tillvaxtverket/sok/utlysningar/sa-soker-ni.html" in crawl.fetched
    assert "Så söker ni stöd" not in [c.title for c in crawl.calls]
    assert crawl.spider.complete and not crawl.errors


def test_closed_call_with_status_and_region_items_in_a_table(crawl):
    call = crawl.by_title("Regional kompetensförsörjning i Sydsverige")
    assert (call.status, call.deadline) == ("closed", "2026-03-19")  # not the menu's "Stängd"
    assert call.regions == ["Kronoberg", "Blekinge"]
    assert call.budget_sek == 57_700_000  # "Totalt finns preliminärt cirka 57,7 miljoner"
    assert call.cofinancing == "40 %"
    assert "kakor" not in call.summary
    assert call.summary.endswith(
        "Utlysning uppdaterad 2026-02-01, sista ansökningsdag ändrat till 19 mars."
    )


def test_stanger_item_and_the_opening_day_from_the_change_line(crawl):
    call = crawl.by_title("Affärsutveckling för arbetsintegrerande sociala företag")
    # "öppningsdatum ändrat till 13 februari" in a line dated 2026-10-01: the next 13 February
    assert (call.status, call.opens_on, call.deadline) == ("planned", "2027-02-13", "2027-04-30")
    assert call.regions == ["Kronoberg", "Kalmar"]
    assert call.budget_sek == 26_000_000
    assert call.applicants == "Ideella organisationer och företagsfrämjande aktörer."


def test_a_call_listing_every_county_is_national(crawl):
    call = crawl.by_title("Innovationsstöd för små företag i hela landet")
    assert (call.status, call.deadline, call.regions) == ("open", "2027-01-15", ["Nationell"])
    assert call.budget_sek == 48_500_000
    assert "Hjälpte informationen" not in call.summary


def test_planned_call_without_a_status_item_reads_the_lead(crawl):
    call = crawl.by_title("Hållbar besöksnäring i Småland")
    assert (call.status, call.opens_on, call.budget_sek) == ("planned", "2027-01-13", 12_000_000)
    assert call.regions == []  # "Öppen data" in a menu is neither a status nor a region


def test_old_page_window_in_prose_takes_the_last_sub_deadline(crawl):
    call = crawl.by_title("Främja kvinnors företagande 2018")
    assert (call.status, call.opens_on, call.deadline) == ("closed", "2018-02-01", "2018-05-15")
    assert "Utlysningsomgången är öppen: 1 februari 2018 – 15 maj 2018." in call.summary
    assert call.budget_sek == 20_000_000  # the pool, not the 934 000 per project
