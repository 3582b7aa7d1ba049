"""AMIF: planned calls in a table (labels in the first column) and current calls in blocks."""

import pytest


@pytest.fixture
def crawl(crawl_fixture):
    return crawl_fixture("amif", ["/amif/fonder/planerade.html", "/amif/fonder/aktuella.html"])


def test_one_call_per_table_column_and_per_labelled_block(crawl):
    assert sorted(c.title for c in crawl.calls) == [
        "Etablering för kvinnor från tredje land",
        "Förstudier om mottagande",
        "Mottagande av kvotflyktingar",
        "Samhällsorientering i kommunerna",
    ]
    assert len({c.id for c in crawl.calls}) == 4
    assert crawl.spider.complete and not crawl.errors


def test_planned_table_column(crawl):
    call = crawl.by_title("Mottagande av kvotflyktingar")
    assert (call.status, call.opens_on, call.deadline) == ("planned", "2026-12-15", "2027-02-01")
    assert (call.budget_sek, call.cofinancing) == (362_000_000, "75–90 %")
    assert call.regions == ["Nationell"]
    assert "Finansieringsalternativ: Konkurrerande." in call.summary


def test_month_only_opening_and_undecided_deadline(crawl):
    call = crawl.by_title("Samhällsorientering i kommunerna")
    assert (call.status, call.opens_on, call.deadline) == ("planned", "2027-05-01", None)


def test_current_call_in_a_definition_list(crawl):
    call = crawl.by_title("Etablering för kvinnor från tredje land")
    assert (call.status, call.deadline, call.deadline_time) == ("open", "2026-11-30", "14:00")
    assert call.budget_sek == 120_000_000
    assert call.documents == ["http://127.0.0.1:8765/amif/fonder/etablering.pdf"]


def test_current_call_as_label_lines_already_closed(crawl):
    call = crawl.by_title("Förstudier om mottagande")
    assert (call.status, call.deadline, call.budget_sek) == ("closed", "2026-09-01", 15_000_000)


REAL_PLAN = [
    "/amif/andra-aktorer/eu-fonder/utlysningar/planerade-utlysningar.html",
    "/amif/andra-aktorer/eu-fonder/utlysningar/planerade-utlysningar-2027.html",
]


@pytest.fixture
def plan(crawl_fixture):
    """The real plan shape (heading, sub-line, label/value pairs) on lowercase 2026 paths, as
    a two-column table and as span pairs, with AMIF logo text and cookie banners around."""
    return crawl_fixture("amif", REAL_PLAN)


def test_the_title_is_the_heading_above_the_table_never_a_cell(plan):
    assert sorted(c.title for c in plan.calls) == [
        "Effektivare återvändande",
        "Mottagande och asylprocess",
        "Språkstöd för nyanlända barn",
    ]
    assert plan.spider.complete and not plan.errors


def test_heading_rate_subline_and_tidigast_projektstart(plan):
    call = plan.by_title("Mottagande och asylprocess")
    assert (call.status, call.opens_on, call.deadline) == ("planned", "2026-12-15", "2027-02-01")
    assert (call.budget_sek, call.cofinancing) == (120_000_000, "75 %")
    assert call.summary.startswith("Specifikt mål 1-2, december 2026")
    assert "Projektstart: 1 september 2027." in call.summary
    assert call.applicants is None


def test_a_call_reserved_for_an_authority_in_prose_gets_it_as_applicant(plan):
    call = plan.by_title("Effektivare återvändande")
    assert call.applicants == "Endast Polismyndigheten kan söka (statliga myndigheter)."
    assert "riktar sig endast till Polismyndigheten" in call.summary


def test_a_month_only_closing_is_no_deadline_but_stays_readable(plan):
    call = plan.by_title("Effektivare återvändande")
    assert (call.status, call.opens_on, call.deadline) == ("planned", "2027-05-01", None)
    assert call.budget_sek == 2_300_000
    assert "Stänger: Juni 2027." in call.summary


def test_label_pairs_in_spans_under_an_h3_with_a_rate_range(plan):
    call = plan.by_title("Språkstöd för nyanlända barn")
    assert (call.opens_on, call.deadline, call.cofinancing) == (
        "2027-03-01",
        "2027-04-15",
        "75–90 %",
    )
    assert "Logotyp" not in call.summary and "kakor" not in call.summary
