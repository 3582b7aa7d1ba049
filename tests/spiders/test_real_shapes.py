"""The text shapes of the stored copies of real funder pages (research notes, funders.md
section 10), in markup the spiders were not written against, with the chrome real pages carry
inside their content (skip links, cookie notices, "Hjälpte informationen på sidan dig?").
MUCF, Socialstyrelsen, Brå and Skolverket are the grant_page kind; Skolverket's
statsbidragskalender is the calendar kind; Vinnova's open-data API the vinnova kind."""

import pytest

from crawler.config import ConfigError

TODAY = "2026-10-15"
CHROME = ("Hoppa till", "kakor", "Hjälpte informationen", "Tid kvar")


def fields(call, *names):
    return tuple(getattr(call, n) for n in names)


def assert_no_chrome(calls):
    for call in calls:
        text = " ".join(filter(None, (call.title, call.summary, call.applicants)))
        assert not [c for c in CHROME if c in text], (call.title, text)


@pytest.fixture
def mucf(crawl_fixture):
    return crawl_fixture("grant_page", ["/mucf/real/"], source_id="mucf", today=TODAY)


def test_mucf_labels_under_an_ansokan_heading_as_a_list(mucf):
    call = mucf.by_title("Bidrag till verksamhet för unga i utsatta områden")
    assert fields(call, "status", "opens_on", "deadline", "deadline_time", "budget_sek") == (
        "planned", "2027-01-02", "2027-02-15", "23:59", 30_000_000,
    )  # fmt: skip
    assert "Beslut meddelas: första halvan av juni 2027." in call.summary


def test_mucf_labels_under_viktiga_datum_as_plain_lines(mucf):
    call = mucf.by_title("Bidrag för att motverka ungas ensamhet")
    assert fields(call, "status", "opens_on", "deadline", "deadline_time") == (
        "open", "2026-09-01", "2026-11-02", "23:59",
    )  # fmt: skip
    assert call.applicants == "Ideella organisationer."


def test_mucf_guide_page_is_no_call_and_chrome_stays_out(mucf):
    assert sorted(c.title for c in mucf.calls) == [
        "Bidrag för att motverka ungas ensamhet",
        "Bidrag till verksamhet för unga i utsatta områden",
    ]
    assert_no_chrome(mucf.calls)


@pytest.fixture
def socialstyrelsen(crawl_fixture):
    return crawl_fixture(
        "grant_page",
        ["/socialstyrelsen/real/kommuner/", "/socialstyrelsen/real/regioner/"],
        source_id="socialstyrelsen",
        today=TODAY,
    )


def test_socialstyrelsen_iso_labels_give_the_window(socialstyrelsen):
    call = socialstyrelsen.by_title(
        "Statsbidrag för tidiga och samordnade insatser för barn och unga"
    )
    assert fields(call, "status", "opens_on", "deadline", "budget_sek") == (
        "open", "2026-09-28", "2026-11-20", 120_000_000,
    )  # fmt: skip
    assert call.summary.startswith("Statsbidraget ska stimulera kommunerna")


def test_socialstyrelsen_days_left_is_stored_nowhere(socialstyrelsen, crawl_fixture):
    """ "Tid kvar att ansöka: 36 dagar" changes every day: read a day later, the call must be
    the same record, or every crawl would be a change."""
    later = crawl_fixture(
        "grant_page",
        ["/socialstyrelsen/real/kommuner/"],
        source_id="socialstyrelsen",
        today="2026-10-16",
    )
    title = "Statsbidrag för tidiga och samordnade insatser för barn och unga"
    a, b = socialstyrelsen.by_title(title).to_dict(), later.by_title(title).to_dict()
    a.pop("scraped_at"), b.pop("scraped_at")
    assert a == b
    assert "dagar" not in " ".join(str(v) for v in a.values())
    assert_no_chrome(socialstyrelsen.calls)


def test_socialstyrelsen_closed_and_ended_grants(socialstyrelsen):
    staff = socialstyrelsen.by_title(
        "Statsbidrag för stärkt bemanning inom den sociala barn- och ungdomsvården"
    )
    assert fields(staff, "status", "opens_on", "deadline") == ("closed", "2026-02-02", "2026-03-31")
    assert "Rekvisition av medel som är fördelade i förväg." in staff.summary
    ended = socialstyrelsen.by_title("Statsbidrag för utveckling av den psykiatriska tvångsvården")
    assert fields(ended, "status", "deadline") == ("closed", "2023-09-20")
    assert "Rekvisition" not in ended.summary


def test_an_ended_grant_without_dates_is_closed(crawl_fixture, tmp_path):
    from spiders.grant_page import GrantPageSpider
    from tests.spiders.conftest import FileSite, make_source, run_crawl

    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "index.html").write_text(
        '<html><body><div><a href="/g/x.html">Bidrag X</a></div></body></html>', "utf-8"
    )
    (tmp_path / "g" / "x.html").write_text(
        "<html><body><h1>Statsbidrag till X</h1><p>Statsbidraget har upphört.</p>"
        "<p>Bidraget gick till kommuner som arbetade med X under åren 2019 till 2022.</p>"
        "</body></html>",
        "utf-8",
    )
    spider = GrantPageSpider(
        source=make_source("socialstyrelsen", "grant_page", ["/g/"]), today=TODAY
    )
    result = run_crawl(spider, FileSite([tmp_path]))
    assert [(c.title, c.status) for c in result.calls] == [("Statsbidrag till X", "closed")]


@pytest.fixture
def bra(crawl_fixture):
    return crawl_fixture("grant_page", ["/bra/real/index.html"], source_id="bra", today=TODAY)


def test_bra_step_line_gives_the_deadline_and_upp_till_the_amount(bra):
    call = bra.by_title("Ekonomiskt stöd till lokalt brottsförebyggande arbete")
    assert fields(call, "status", "deadline", "budget_sek") == ("open", "2026-11-30", 400_000)
    assert call.applicants == "Kommuner, lokala brottsförebyggande råd och ideella föreningar."


def test_bra_closed_round_sentence_gives_no_next_date(bra):
    call = bra.by_title("Ekonomiskt stöd till brottsofferverksamhet")
    assert fields(call, "status", "opens_on", "deadline") == ("closed", None, None)


def test_bra_news_page_is_no_call(bra):
    assert len(bra.calls) == 2 and not bra.errors
    assert_no_chrome(bra.calls)


def test_bra_year_less_deadline_read_after_new_year_takes_the_next_occurrence(tmp_path):
    """ "senast den 15 januari" read on 5 December is next January's, not last January's."""
    from spiders.grant_page import GrantPageSpider
    from tests.spiders.conftest import FileSite, make_source, run_crawl

    (tmp_path / "s.html").write_text(
        "<html><body><p><a href='/t.html'>Stöd</a></p></body></html>", "utf-8"
    )
    (tmp_path / "t.html").write_text(
        "<html><body><h1>Stöd till trygghet</h1><div>Steg 3. Lämna in ansökan senast den 15 "
        "januari</div><h2>Vem kan söka?</h2><p>Kommuner.</p></body></html>",
        "utf-8",
    )
    spider = GrantPageSpider(
        source=make_source("bra", "grant_page", ["/s.html"]), today="2026-12-05"
    )
    (call,) = run_crawl(spider, FileSite([tmp_path])).calls
    assert fields(call, "status", "deadline") == ("open", "2027-01-15")


@pytest.fixture
def skolverket(crawl_fixture):
    return crawl_fixture("grant_page", ["/skolverket/real/"], source_id="skolverket", today=TODAY)


def test_skolverket_reads_only_the_newest_round(skolverket):
    call = skolverket.by_title("Statsbidrag för regional yrkesinriktad vuxenutbildning")
    assert fields(call, "status", "opens_on", "deadline") == ("planned", "2027-03-01", "2027-04-03")
    assert "Beslut" not in call.summary  # "Beslut fattades 15 juni 2026" was last year's round
    assert_no_chrome(skolverket.calls)


def test_skolverket_older_table_row_with_abbreviated_months(skolverket):
    call = skolverket.by_title("Statsbidrag för läsfrämjande insatser")
    assert fields(call, "status", "opens_on", "deadline") == ("planned", "2026-12-01", "2027-01-02")
    assert "Beslut meddelas" not in call.summary  # "Beslut om statsbidrag." names no time


@pytest.fixture
def kalender(crawl_fixture):
    return crawl_fixture(
        "calendar", ["/skolverket-kalender/kalendern.html"], source_id="skolverket-kalender",
        today=TODAY,
    )  # fmt: skip


def test_kalender_gives_one_call_per_sok_block_and_skips_other_phases(kalender):
    got = sorted((c.title, c.opens_on, c.deadline) for c in kalender.calls)
    assert got == [
        ("Statsbidrag för lärlingsutbildning för vuxna", "2027-01-15", "2027-02-15"),
        ("Statsbidrag för lärlingsutbildning för vuxna", "2027-09-01", "2027-10-01"),
        ("Statsbidrag för läxhjälp", "2027-09-15", "2027-10-15"),
    ]
    assert len({c.id for c in kalender.calls}) == 3


def test_kalender_links_applicants_time_and_status(kalender):
    spring = next(c for c in kalender.calls if c.opens_on == "2027-01-15")
    assert spring.url.endswith("/skolverket/statsbidrag/larling/")
    assert (spring.status, spring.applicants) == ("planned", "Kommuner som huvudmän för komvux")
    homework = kalender.by_title("Statsbidrag för läxhjälp")
    assert homework.deadline_time == "16:00"
    assert homework.url.endswith("/skolverket-kalender/kalendern.html")  # no link of its own
    assert_no_chrome(kalender.calls)


@pytest.fixture
def vinnova(crawl_fixture):
    return crawl_fixture("vinnova", ["/vinnova/api/utlysningar/"], source_id="vinnova", today=TODAY)


def test_vinnova_reads_the_api_window_before_today(vinnova):
    assert vinnova.fetched == ["/vinnova/api/utlysningar/2025-10-15"]  # days_back 365
    assert not vinnova.errors and vinnova.spider.complete


def test_vinnova_record_fields(vinnova):
    call = next(c for c in vinnova.calls if c.id == "vinnova:2026-01234")
    assert fields(call, "status", "opens_on", "deadline", "deadline_time") == (
        "open", "2026-09-01", "2026-11-12", "14:00",
    )  # fmt: skip
    assert call.url == (
        "https://www.vinnova.se/e/innovativa-losningar-for-valfarden/"
        "jamlik-och-hallbar-valfard-2027-01234/"
    )
    assert (
        call.summary.startswith("Kommuner och regioner kan tillsammans") and "<" not in call.summary
    )
    assert call.documents == [
        "https://www.vinnova.se/globalassets/utlysningar/2026-01234/utlysningstext.pdf"
    ]


def test_vinnova_builds_no_call_url_and_skips_unpublished_and_untitled(vinnova):
    assert sorted(c.id for c in vinnova.calls) == [
        "vinnova:2025-03456", "vinnova:2026-01234", "vinnova:2026-02345",
    ]  # fmt: skip
    mobility = next(c for c in vinnova.calls if c.id == "vinnova:2026-02345")
    assert mobility.url.endswith("/vinnova/api/utlysningar/")  # no date: it moves every day
    assert (mobility.status, mobility.deadline_time) == ("planned", None)


def test_vinnova_days_back_must_be_a_whole_number(crawl_fixture):
    with pytest.raises(ConfigError) as error:
        crawl_fixture("vinnova", ["/vinnova/api/utlysningar/"], options={"days_back": "ett år"})
    assert str(error.value) == (
        "source vinnova: options.days_back: must be a whole number of days, not 'ett år'"
    )


def test_snapshot_days_left_changing_between_months_changes_no_call(crawl_snapshot):
    """Month 2 of the snapshot serves the same Socialstyrelsen pages with fewer "Tid kvar"
    days: the calls read must be identical."""

    def calls(month):
        out = {}
        for call in crawl_snapshot("socialstyrelsen", month).calls:
            data = call.to_dict()
            data.pop("scraped_at")
            out[call.id] = data
        return out

    assert calls("month1") == calls("month2")


def test_snapshot_kalender_page_linked_from_the_grant_listing_is_no_grant(crawl_snapshot):
    result = crawl_snapshot("skolverket")
    assert any(p.endswith("/statsbidragskalendern/") for p in result.fetched)
    assert "Statsbidragskalendern" not in {c.title for c in result.calls}
