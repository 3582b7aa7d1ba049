"""Words that are no evidence of a need: qualities, ways of working and boilerplate any call may
say. Each case pairs a call that only shares such words with a need (no match) with one that
names the need's target group or theme (a match), so the rule cannot pass by matching nothing.
The calls are written for these tests, in the shapes funders use."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config.needs import load_needs
from crawler.match.score import Matcher
from crawler.model import Call

NEEDS = """
municipalities:
  - name: Ånge
    county: Västernorrland
    needs: [omraden, kvaliteter, bostad, personal, fritid, unga, funktion-arbete, kvinnor-arbete,
            foraldrar]
needs:
  - id: omraden
    title: Trygghet och social hållbarhet i utsatta bostadsområden
    description: Vi vill arbeta mot segregation tillsammans med bostadsbolaget.
  - id: kvaliteter
    title: Hållbar och social utveckling för utsatta grupper
    description: Ett arbete som samarbetar brett.
  - id: unga
    title: Unga
    description: Tonåringar som saknar en vuxen att prata med.
  - id: bostad
    title: Hemlöshet och bostadsförsörjning för utsatta grupper
    description: Fler ska få ett eget kontrakt.
  - id: personal
    title: Kompetensförsörjning i vård och omsorg
    description: Hemtjänsten och LSS-verksamheten har svårt att behålla undersköterskor.
  - id: fritid
    title: Meningsfull fritid för barn och unga
    description: Fler ska hitta en fritidsaktivitet.
  - id: funktion-arbete
    title: Personer med funktionsnedsättning i arbete
    description: Fler ska gå från daglig verksamhet till en anställning.
  - id: kvinnor-arbete
    title: Kvinnor i arbete
    description: Språk och praktik för kvinnor som kommit som anhöriga.
  - id: foraldrar
    title: Föräldraskapsstöd och familjecentraler
    description: Fler föräldrar ska nås av stödprogram, särskilt nyanlända föräldrar.
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    path = Path(tmp_path_factory.mktemp("weak")) / "needs.yaml"
    path.write_text(NEEDS, encoding="utf-8")
    return Matcher(load_needs(path))


def needs_met(matcher: Matcher, title: str, summary: str = "", **fields: object) -> set[str]:
    call = Call(
        id="test:1",
        source="test",
        funder="En myndighet",
        url="https://example.se/utlysning/",
        title=title,
        summary=summary,
        status="open",
        regions=["Nationell"],
        **fields,
    )
    return {result.need.id for result in matcher.score_needs(call)}


def test_social_sustainable_and_vulnerable_are_no_evidence_of_a_need(matcher):
    assert "kvaliteter" not in needs_met(
        matcher,
        "Hållbara sociala lösningar",
        "Stöd till hållbar utveckling för utsatta grupper; projekten samarbetar med skolor.",
    )


def test_vulnerable_neighbourhoods_are_one_theme_whatever_the_funder_calls_them(matcher):
    # The need says "utsatta bostadsområden", the call the words of the segregation strategy.
    assert "omraden" in needs_met(
        matcher,
        "Statsbidrag till kommuner med områden med socioekonomiska utmaningar",
        "Medlen ska öka tryggheten där många bor trångt.",
    )
    assert "omraden" not in needs_met(matcher, "Hållbara sociala lösningar för utsatta grupper")


def test_residents_are_not_housing(matcher):
    assert "bostad" not in needs_met(
        matcher, "Lekplatser för boende i utsatta områden", target_groups=["Boende i området"]
    )
    assert "bostad" in needs_met(matcher, "Bostad först mot hemlöshet och för bostadsförsörjning")


def test_training_words_alone_are_not_the_staffing_of_welfare(matcher):
    assert "personal" not in needs_met(
        matcher, "Statsbidrag för lärare", "Pengarna går till fortbildning och kompetensutveckling."
    )
    assert "personal" not in needs_met(
        matcher, "Utbildningar för ökad digital kompetens", target_groups=["Äldre"]
    )
    assert "personal" in needs_met(
        matcher, "Kompetensutveckling för undersköterskor och vårdbiträden i äldreomsorgen"
    )


def test_an_employer_named_among_applicants_is_not_staffing(matcher):
    assert "personal" not in needs_met(
        matcher,
        "Fler i arbete",
        "Projektägare kan vara föreningar, företag och andra arbetsgivare.",
        target_groups=["Personer med funktionsnedsättning"],
    )


def test_a_need_about_work_asks_for_work_not_only_for_its_target_group(matcher):
    assert "funktion-arbete" not in needs_met(
        matcher,
        "Projektstöd",
        "Föreningen ska samarbeta nära med andra.",
        target_groups=["Barn", "Personer med funktionsnedsättning"],
    )
    assert "funktion-arbete" in needs_met(
        matcher, "Vägar till arbete för personer med funktionsnedsättning"
    )


def test_women_and_men_named_together_are_everyone(matcher):
    assert "kvinnor-arbete" not in needs_met(
        matcher,
        "Vägar till arbete",
        "Projekten ska stärka kvinnor och män som står långt från arbetsmarknaden och kombinera "
        "praktik med studier.",
    )
    assert "kvinnor-arbete" in needs_met(
        matcher, "Vägar till arbete", "Kvinnor som står långt från arbetsmarknaden ska få jobb."
    )


def test_a_period_of_life_is_not_young_people_as_a_target_group(matcher):
    assert "unga" not in needs_met(
        matcher, "Stöd till föräldrar", "Program för föräldrar i småbarnsåren och tonåren."
    )
    assert "unga" in needs_met(matcher, "Samtalsstöd för tonåringar")


def test_family_services_that_are_not_parenting_support_do_not_meet_it(matcher):
    assert "foraldrar" not in needs_met(
        matcher,
        "Ersättning för familjekontakter och flyktingguider",
        target_groups=["Asylsökande"],
    )
    assert "foraldrar" in needs_met(matcher, "Utveckla familjecentraler och föräldraskapsstöd")
