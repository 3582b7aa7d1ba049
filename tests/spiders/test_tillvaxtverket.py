"""Tillväxtverket call pages: status item + regions as spans, as short lines, as a <ul>."""

import pytest


@pytest.fixture
def crawl(crawl_fixture):
    return crawl_fixture(
        "tillvaxtverket",
        ["/tillvaxtverket/sok/utlysningar.html", "/tillvaxtverket/erbjudanden.html"],
    )


def test_every_call_page_is_read(crawl):
    assert len(crawl.calls) == 4
    assert crawl.spider.complete and not crawl.errors


def test_closed_call_with_status_and_regions_in_one_line(crawl):
    call = crawl.by_title("Regional kompetensförsörjning i Sydsverige")
    assert (call.status, call.deadline) == ("closed", "2026-03-19")
    assert call.regions == ["Kronoberg", "Blekinge"]
    assert call.budget_sek == 57_700_000  # "Totalt finns preliminärt cirka 57,7 miljoner"
    assert call.cofinancing == "40 %"
    assert call.summary.endswith(
        "Utlysning uppdaterad 2026-02-01, sista ansökningsdag ändrat till 19 mars."
    )


def test_planned_call_takes_its_opening_day_from_the_update_line(crawl):
    call = crawl.by_title("Affärsutveckling för arbetsintegrerande sociala företag")
    assert (call.status, call.opens_on, call.deadline) == ("planned", "2027-02-13", None)
    assert call.regions == ["Kronoberg", "Kalmar"]
    assert call.budget_sek == 26_000_000
    assert call.applicants == "Ideella organisationer och företagsfrämjande aktörer."


def test_open_call_outside_the_listing_path(crawl):
    call = crawl.by_title("Innovationsstöd för små företag i hela landet")
    assert (call.status, call.deadline, call.regions) == ("open", "2027-01-15", ["Nationell"])
    assert call.budget_sek == 48_500_000


def test_planned_call_without_a_status_item_reads_the_lead(crawl):
    call = crawl.by_title("Hållbar besöksnäring i Småland")
    assert (call.status, call.opens_on, call.budget_sek) == ("planned", "2027-01-13", 12_000_000)
    assert call.regions == []  # "Öppen data" in a menu is neither a status nor a region
