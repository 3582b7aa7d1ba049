"""ESF call pages in three markups (table, <strong>Label:</strong>, plain lines) -> calls."""

import pytest


@pytest.fixture
def crawl(crawl_fixture):
    return crawl_fixture("esf", ["/esf/utlysningar/"])


def test_follows_the_listing_and_its_nasta_page_to_every_call(crawl):
    assert sorted(c.id for c in crawl.calls) == [
        "esf:2026/00477",
        "esf:2026/00488",
        "esf:2026/00501",
    ]
    assert "/esf/utlysningar/sida/2/" in crawl.fetched
    assert crawl.spider.complete and not crawl.errors


def test_label_block_in_a_table(crawl):
    call = crawl.by_title("Arbetsträning för unga vuxna i Småland")
    assert (call.status, call.opens_on, call.deadline, call.deadline_time) == (
        "open", "2026-09-01", "2026-11-20", "16:00",
    )  # fmt: skip
    assert call.regions == ["Småland och Öarna"]
    assert call.budget_sek == 26_000_000
    assert call.cofinancing == "53 %"
    assert call.programme == "ESF+ 2021–2027, programområde B Öka övergångarna till arbete"
    assert call.documents == [
        "http://127.0.0.1:8765/esf/app/uploads/2026/09/utlysning-2026-00501.pdf"
    ]


def test_label_block_as_strong_labels_with_hostile_title_and_links(crawl):
    call = next(c for c in crawl.calls if c.id == "esf:2026/00477")
    assert call.title == "Nationell satsning – fler i arbete <script>alert(1)</script>"
    assert "document.title" not in call.title  # a real <script> element is not text
    assert (call.status, call.deadline, call.regions) == ("open", "2026-12-01", ["Nationell"])
    assert call.budget_sek == 57_700_000
    assert call.cofinancing == "40 %"
    assert call.applicants == "Kommuner, regioner och ideella organisationer."
    assert call.documents == [
        "http://127.0.0.1:8765/esf/app/uploads/2026/10/nationell-2026-00477.pdf"
    ]


def test_plain_label_lines_and_deadline_only_in_prose(crawl):
    call = crawl.by_title("Stärkt kompetens hos timanställda i äldreomsorgen")
    assert (call.status, call.deadline, call.deadline_time) == ("closed", "2026-10-01", "16:00")
    assert call.regions == ["Sydsverige"]
    assert call.budget_sek == 30_000_000
    assert call.summary.startswith("Kompetensutveckling för timanställda")


def test_pages_without_call_labels_are_not_calls(crawl):
    assert "/esf/utlysningar/om-utlysningar/" in crawl.fetched
    assert all("Så fungerar" not in c.title for c in crawl.calls)


def test_javascript_link_in_the_listing_is_never_requested(crawl):
    assert not any("alert" in path for path in crawl.fetched)


def test_a_missing_listing_page_leaves_the_crawl_incomplete(crawl_fixture):
    result = crawl_fixture("esf", ["/esf/broken/"])
    assert [c.id for c in result.calls] == ["esf:2026/00501"]
    assert result.spider.complete is False


@pytest.fixture
def real(crawl_fixture):
    """Pages written around the real text shapes: the pre-2021 label block as a <th> table with
    "Sammanfattning" as a heading, a current page with the id in its title and year-less dates
    in news prose, and a news page that is no call; chrome and cookie text around them."""
    return crawl_fixture("esf", ["/esf/verkliga/"])


def test_only_pages_with_call_labels_or_a_call_id_are_calls(real):
    assert sorted(c.id for c in real.calls) == ["esf:2019/00316", "esf:2022/00317"]
    assert "/esf/verkliga/nyhet-kommande/" in real.fetched
    assert real.spider.complete and not real.errors


def test_pre_2021_label_block_with_sammanfattning_as_a_heading(real):
    call = next(c for c in real.calls if c.id == "esf:2019/00316")
    assert (call.status, call.opens_on, call.deadline, call.deadline_time) == (
        "closed", "2019-06-14", "2019-10-02", "16:00",
    )  # fmt: skip
    assert call.regions == ["Småland och Öarna"]  # "Småland & Öarna"
    assert call.budget_sek == 40_000_000
    assert call.cofinancing == "53 %"
    assert call.summary.startswith("Utlysningen ska öka övergångarna till arbete")
    assert "cookies" not in call.summary


def test_current_page_id_in_the_title_and_yearless_news_dates(real):
    call = next(c for c in real.calls if c.id == "esf:2022/00317")
    assert call.title == "2022/00317 – Care – insatser för äldreomsorgens personal"
    # "öppna i 1 september och stänga den 6 oktober" under a news date of 8 juli 2022
    assert (call.status, call.opens_on, call.deadline) == ("closed", "2022-09-01", "2022-10-06")
