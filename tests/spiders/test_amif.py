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
