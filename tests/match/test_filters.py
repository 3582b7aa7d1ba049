"""Who may apply, as the hard filter sees it: each call below is one a municipality's need fits by
topic and still cannot use (or, for the last ones, can)."""

from __future__ import annotations

import pytest

from crawler.match.score import match_calls

TOPIC = "Insatser för långtidsarbetslösa"


def _filtered(inventory, call) -> set[str | None]:
    return {m.filtered for m in match_calls([call], inventory, include_filtered=True)}


def test_money_paid_out_without_an_application_goes_to_no_municipality(inventory, make_call):
    call = make_call(
        TOPIC,
        "Regeringen höjer anslaget. Medlen söks inte utan fördelas efter invånarantal.",
    )
    assert not match_calls([call], inventory)
    assert _filtered(inventory, call) == {
        "ingen ansökan: medlen betalas ut utan att kommunen söker"
    }


def test_an_automatic_payment_said_in_the_applicants_field_overrides_the_word_kommun(
    inventory, make_call
):
    call = make_call(
        TOPIC, applicants="Ingen ansökan – kommunerna får pengarna automatiskt utbetalda"
    )
    assert not match_calls([call], inventory)


@pytest.mark.parametrize(
    "applicants",
    [
        "Arbetsintegrerande sociala företag, fristående från offentlig verksamhet",
        "Ideella föreningar och stiftelser; inte offentlig sektor",
        "Organisationer",
        "Distriktsorganisationer för pensionärer och unga",
        "Forskare som har disputerat, vid ett lärosäte",
    ],
)
def test_calls_for_kinds_a_municipality_is_not_match_no_municipality(
    inventory, make_call, applicants
):
    call = make_call(TOPIC, applicants=applicants)
    assert not match_calls([call], inventory)
    (reason,) = _filtered(inventory, call)
    assert reason.startswith("kommuner kan inte söka")


@pytest.mark.parametrize(
    "applicants",
    [
        "Alla organisationer som arbetar brottsförebyggande",
        "De flesta typer av organisationer, från myndigheter till föreningar",
        "Alla företag/organisationer med svenskt organisationsnummer",
        "Organisationer, myndigheter och arbetsgivare i privat, offentlig och idéburen sektor",
    ],
)
def test_umbrella_applicants_keep_the_match_without_a_doubt(inventory, make_call, applicants):
    matches = match_calls([make_call(TOPIC, applicants=applicants)], inventory)
    assert {m.municipality for m in matches} == {"Växjö", "Ljungby", "Kiruna"}
    assert all("oklart" not in " ".join(m.reasons) for m in matches)


def test_a_national_call_for_one_countys_municipalities_goes_only_there(inventory, make_call):
    call = make_call(TOPIC, applicants="Kommuner och kommunalförbund i Norrbottens län")
    assert {m.municipality for m in match_calls([call], inventory)} == {"Kiruna"}
    assert _filtered(inventory, call) == {None, "utlysningen gäller Norrbotten, inte Kronoberg"}


def test_a_call_open_only_to_those_who_announced_interest_earlier_goes_to_no_one(
    inventory, make_call
):
    call = make_call(
        TOPIC,
        "Steg två av satsningen. Bara de kommuner som tidigare anmält intresse kan söka.",
        applicants="Kommuner",
    )
    assert not match_calls([call], inventory)
    assert _filtered(inventory, call) == {
        "utlysningen är förbehållen de organisationer som utsetts eller anmält intresse i förväg"
    }


def test_an_open_call_that_also_welcomes_those_who_announced_interest_stays_open(
    inventory, make_call
):
    call = make_call(
        TOPIC, "Du som tidigare anmält intresse kan också söka.", applicants="Kommuner"
    )
    assert {m.municipality for m in match_calls([call], inventory)} == {
        "Växjö",
        "Ljungby",
        "Kiruna",
    }


def test_one_municipalitys_own_fund_goes_only_to_that_municipality(inventory, make_call):
    call = make_call(
        TOPIC,
        "Kommunens egen fond för lokala initiativ.",
        applicants="Föreningar och kommunala verksamheter i Ljungby kommun",
        regions=["Kronoberg"],
    )
    assert {m.municipality for m in match_calls([call], inventory)} == {"Ljungby"}
    assert "utlysningen gäller Kronoberg, inte Växjö" in _filtered(inventory, call)


def test_associations_named_as_the_subject_of_the_summary_keep_a_municipality_out(
    inventory, make_call
):
    call = make_call(TOPIC, "Civilsamhällets organisationer kan söka bidrag för verksamhet.")
    assert not match_calls([call], inventory)


def test_a_municipality_named_as_partner_with_regions_may_use_the_call(inventory, make_call):
    call = make_call(
        TOPIC,
        "Projekten drivs av ideella föreningar. Kommuner och regioner kan vara samarbetspartner.",
        applicants="Ideella föreningar",
    )
    assert match_calls([call], inventory)


@pytest.mark.parametrize(
    ("regions", "kept"),
    [
        # a municipality's own grant, or a foundation's list of municipalities: only those
        (["Kiruna"], {"Kiruna"}),
        (["Ljungbys kommun"], {"Ljungby"}),
        (["Borås", "Mark", "Ulricehamn"], set()),
        # a part of a county that a funder names as its area: that county's municipalities
        (["Sjuhärad"], set()),
        (["Värend"], {"Växjö", "Ljungby"}),
    ],
)
def test_a_region_list_of_municipalities_or_a_part_of_a_county_keeps_only_those(
    inventory, make_call, regions, kept
):
    call = make_call(TOPIC, regions=regions)
    assert {m.municipality for m in match_calls([call], inventory)} == kept


def test_applicants_in_several_named_municipalities_are_no_one_municipality_s_own_fund(
    inventory, make_call
):
    one = make_call(TOPIC, applicants="Föreningar och kommunen i Ljungby kommun")
    assert {m.municipality for m in match_calls([one], inventory)} == {"Ljungby"}
    two = make_call(TOPIC, applicants="Kommuner, t.ex. i Växjö kommun eller i Ljungby kommun")
    assert {m.municipality for m in match_calls([two], inventory)} == {"Växjö", "Ljungby", "Kiruna"}
