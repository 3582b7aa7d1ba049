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
