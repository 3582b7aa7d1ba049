"""Concepts, not only words: migration status, relapse, youth establishment and welfare staff
name a need's target group or theme; a generic word alone never carries a need; a call about a
neighbouring concept is not the need; the coordinator's additions are checked."""

from __future__ import annotations

import pytest

from crawler.config import ConfigError
from crawler.config.needs import load_needs
from crawler.match.concepts import load_lexicon
from crawler.match.score import THRESHOLD, match_calls

NEEDS = """
municipalities:
  - name: Alvesta
    county: Kronoberg
    needs: [forebyggande, utrikesfodda-kvinnor, unga-man, unga-utanfor, personal,
            nyanlanda-foraldrar]
needs:
  - id: forebyggande
    title: Förebyggande arbete
    description: Förebyggande insatser för ungdomar i riskzon.
  - id: utrikesfodda-kvinnor
    title: Utrikesfödda kvinnor
    description: Språk och vägar till arbete.
  - id: unga-man
    title: Yngre män med kriminell bakgrund
    description: Vägar till arbete och ett liv utan brott.
  - id: unga-utanfor
    title: Unga som står utanför studier och jobb
    description: Lotsa vidare till utbildning, praktik eller anställning.
  - id: personal
    title: Arbetsgivares kompetensförsörjning
    description: Rekrytera och utveckla personal inom vård och omsorg.
  - id: nyanlanda-foraldrar
    title: Nyanlända föräldrar
    description: Föräldraskapsstöd till nyanlända familjer.
"""


@pytest.fixture
def needs(tmp_path):
    path = tmp_path / "needs.yaml"
    path.write_text(NEEDS, encoding="utf-8")
    return load_needs(path)


def _needs_met(call, inventory):
    return {n for m in match_calls([call], inventory) for n in m.need_ids}


@pytest.mark.parametrize(
    ("title", "summary", "need"),
    [
        # words of migration status: before, only "nyanlända"-style origin words were terms
        ("Kvinnor som nyligen fått uppehållstillstånd", "", "utrikesfodda-kvinnor"),
        ("Kvinnor med tillfälligt skydd", "", "utrikesfodda-kvinnor"),
        ("Kvinnor som kommit genom vidarebosättning", "", "utrikesfodda-kvinnor"),
        # relapse prevention and leaving crime, for young men with a criminal background
        ("Återfallsförebyggande insatser för unga män", "", "unga-man"),
        ("Unga män i frivården", "", "unga-man"),
        ("Lägre återfallsrisk för unga män", "", "unga-man"),
        # "ungas etablering" is about young people outside work, not about newcomers
        ("Ungas etablering på arbetsmarknaden", "", "unga-utanfor"),
        # the welfare's own staff
        ("Attrahera och behålla personal i äldreomsorgen", "", "personal"),
        ("Utbildning för undersköterskor och vårdbiträden", "", "personal"),
    ],
)
def test_a_call_naming_the_concept_in_other_words_meets_the_need(
    needs, make_call, title, summary, need
):
    assert need in _needs_met(make_call(title, summary), needs)


def test_young_people_and_unemployment_said_apart_are_young_people_outside_work(needs, make_call):
    call = make_call(
        "Hållbara övergångar för unga 15–24 år",
        "Projekten ska få deltagare som står långt från arbetsmarknaden i arbete eller studier.",
    )
    assert "unga-utanfor" in _needs_met(call, needs)
    # a related word alone ("utanförskap") is too loose to say it
    loose = make_call("Mötesplatser för barn och unga", "Mot utanförskap i bostadsområdet.")
    assert "unga-utanfor" not in _needs_met(loose, needs)


def test_a_defector_from_crime_is_not_a_school_dropout(needs, make_call):
    call = make_call("Färre skolavhopp bland unga män", "Stöd till elever som riskerar skolavhopp.")
    assert "unga-man" not in _needs_met(call, needs)
    assert "unga-man" in _needs_met(make_call("Stöd till avhoppare, unga män"), needs)


def test_ungas_etablering_is_not_about_foreign_born_people(needs, make_call):
    found = _needs_met(make_call("Unga kvinnors etablering på arbetsmarknaden"), needs)
    assert "utrikesfodda-kvinnor" not in found


def test_a_need_is_not_matched_on_its_generic_word_alone(needs, make_call):
    hazards = make_call(
        "Förebyggande åtgärder mot naturolyckor",
        "Kommuner kan söka bidrag för förebyggande åtgärder mot ras, skred och översvämning.",
    )
    assert "forebyggande" not in _needs_met(hazards, needs)
    youth = make_call("Förebyggande insatser för ungdomar", "Tidiga insatser i skolan.")
    assert "forebyggande" in _needs_met(youth, needs)


def test_welfare_technology_is_not_the_staffing_need_though_it_pays_for_training(needs, make_call):
    technology = make_call(
        "Stimulansmedel för välfärdsteknik i äldreomsorgen",
        "Medlen får användas till investeringar i välfärdsteknik, till exempel trygghetslarm och"
        " läkemedelsautomater, och till kompetensutveckling för personalen.",
    )
    assert "personal" not in _needs_met(technology, needs)
    staffing = make_call("Kompetensutveckling för personal i äldreomsorgen", "Även välfärdsteknik.")
    assert "personal" in _needs_met(staffing, needs)


def test_digital_skills_training_is_not_a_need_about_newcomer_parents(needs, make_call):
    course = make_call(
        "Grundläggande digital kompetens för nyanlända",
        "Kurser i e-tjänster och digitala verktyg, till exempel för föräldrar som följer skolans"
        " lärplattform.",
    )
    assert "nyanlanda-foraldrar" not in _needs_met(course, needs)
    parents = make_call("Föräldraskapsstöd för nyanlända", "Även digitala träffar.")
    assert "nyanlanda-foraldrar" in _needs_met(parents, needs)


def test_scores_stay_between_0_and_1_and_rank_stronger_evidence_higher(tmp_path, make_call):
    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities: [{name: Växjö, county: Kronoberg, needs: [a]}]\n"
        "needs: [{id: a, title: Långtidsarbetslösa, description: '', weight: 10}]\n",
        encoding="utf-8",
    )
    inventory = load_needs(path)
    strong = make_call("Långtidsarbetslösa", "Långtidsarbetslösa och arbetssökande i arbete.")
    weak = make_call("Ett bidrag", "För långtidsarbetslösa.")
    scores = [match_calls([c], inventory)[0].score for c in (strong, weak)]
    assert 1.0 >= scores[0] > scores[1] >= THRESHOLD > 0


# -- the coordinator's additions -----------------------------------------------------------


def test_needs_file_adds_words_to_a_shipped_concept(tmp_path, make_call):
    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities: [{name: Växjö, county: Kronoberg, needs: [a]}]\n"
        "needs: [{id: a, title: Utrikesfödda kvinnor, description: ''}]\n"
        "concepts:\n  utrikesfodda: [statslösa]\n",
        encoding="utf-8",
    )
    assert match_calls([make_call("Statslösa kvinnor")], load_needs(path))


def test_an_unknown_concept_in_the_needs_file_is_one_line_naming_file_and_field(tmp_path):
    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities: [{name: Växjö, county: Kronoberg, needs: [a]}]\n"
        "needs: [{id: a, title: A, description: ''}]\n"
        "concepts:\n  utrikesfödda: [statslösa]\n",
        encoding="utf-8",
    )
    inventory = load_needs(path)
    with pytest.raises(ConfigError) as error:
        match_calls([], inventory)
    message = str(error.value)
    assert "\n" not in message and str(path) in message and "field 'concepts'" in message
    assert "did you mean 'utrikesfodda'" in message


def test_concept_words_in_the_needs_file_must_be_a_list(tmp_path):
    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities: [{name: Växjö, county: Kronoberg, needs: [a]}]\n"
        "needs: [{id: a, title: A}]\nconcepts: [utrikesfodda]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="field 'concepts': must map a concept id"):
        load_needs(path)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("{id: a, terms: [x], kind: group}", "concept a: field 'kind': must be one of"),
        ("{id: a, terms: [x], neighbours: [zz]}", "field 'neighbours': unknown concept 'zz'"),
        (
            "{id: a, terms: [välfärd, teknik], neighbours: [b]}",
            "shares the word 'teknik' with its neighbour b",
        ),
        ("{id: a, terms: []}", "concept a: field 'terms': missing or empty"),
        ("{id: a, terms: [x], seen: here}", "concept a: field 'seen': unknown field"),
        ("{id: a, terms: [x], composed_of: [zz]}", "field 'composed_of': unknown concept 'zz'"),
    ],
)
def test_a_mistake_in_the_concepts_file_names_the_concept_and_field(tmp_path, entry, problem):
    path = tmp_path / "concepts.yaml"
    path.write_text(f"concepts:\n  - {entry}\n  - {{id: b, terms: [teknik]}}\n", "utf-8")
    with pytest.raises(ConfigError, match=problem):
        load_lexicon(path)


def test_shipped_concepts_load_and_every_kind_is_used():
    lexicon = load_lexicon()
    kinds = {g.kind for g in lexicon.groups.values()}
    assert kinds == {"target-group", "theme", "goal", "generic"}
    assert lexicon.is_generic("forebyggande") and not lexicon.is_generic("utrikesfodda")
    assert "kompetensforsorjning" in lexicon.neighbours("valfardsteknik")
