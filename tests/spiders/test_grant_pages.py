"""The grant_page kind on MUCF, Brå, Skolverket and Socialstyrelsen pages: status and dates from
labels, a status line and prose, with no module per agency."""

import pytest

from crawler.config import ConfigError


def by_title(result):
    return {c.title: c for c in result.calls}


def test_mucf_labels_in_a_definition_list_and_a_closed_notice(crawl_fixture):
    calls = by_title(crawl_fixture("grant_page", ["/mucf/bidrag/"], source_id="mucf"))
    leaders = calls["Bidrag till unga ledare i föreningslivet"]
    assert (leaders.status, leaders.opens_on, leaders.deadline, leaders.deadline_time) == (
        "planned", "2026-12-01", "2027-01-31", "23:59",
    )  # fmt: skip
    assert leaders.budget_sek == 10_000_000
    assert "Beslut meddelas: i maj 2027." in leaders.summary
    assert calls["Organisationsbidrag"].status == "closed"  # "Ansökan är stängd." beats the dates


def test_bra_deadline_without_a_year_and_a_closed_period(crawl_fixture):
    calls = by_title(crawl_fixture("grant_page", ["/bra/stod.html"], source_id="bra"))
    safety = calls["Stöd till trygghetsskapande arbete"]
    assert (safety.status, safety.deadline, safety.budget_sek) == ("open", "2026-11-30", 5_000_000)
    victims = calls["Stöd till brottsofferjourer"]
    assert (victims.status, victims.opens_on) == ("closed", None)  # "Nästa ... öppnar" ignored


def test_skolverket_future_period_is_planned_and_past_period_closed(crawl_fixture):
    calls = by_title(
        crawl_fixture("grant_page", ["/skolverket/statsbidrag/"], source_id="skolverket")
    )
    apprentices = calls["Statsbidrag för lärlingsutbildning för vuxna"]
    assert (apprentices.status, apprentices.opens_on, apprentices.deadline) == (
        "planned", "2027-03-01", "2027-04-03",
    )  # fmt: skip
    assert apprentices.budget_sek == 250_000_000
    maths = calls["Statsbidrag för matematiklyftet"]
    assert (maths.status, maths.deadline) == ("closed", "2026-03-02")


def test_socialstyrelsen_status_lines(crawl_fixture):
    calls = by_title(
        crawl_fixture("grant_page", ["/socialstyrelsen/org/"], source_id="socialstyrelsen")
    )
    addiction = calls["Statsbidrag till organisationer inom missbruksområdet"]
    assert (addiction.status, addiction.deadline, addiction.deadline_time) == (
        "open", "2026-11-30", "23:59",
    )  # fmt: skip
    assert addiction.regions == ["Nationell"]
    disability = calls["Statsbidrag inom funktionshinderområdet"]
    assert (disability.status, disability.deadline) == ("closed", "2026-09-30")


def test_an_unknown_grant_page_option_is_an_error_naming_the_key(crawl_fixture):
    with pytest.raises(ConfigError) as error:
        crawl_fixture("grant_page", ["/bra/stod.html"], source_id="bra", options={"labels": "x"})
    assert str(error.value) == (
        "source bra: field 'options': unknown key 'labels' for spider grant_page (known: none)"
    )
