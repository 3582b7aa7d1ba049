"""Weaknesses found by the blind evaluation set (eval/blind), each fixed for calls in general."""

from __future__ import annotations

from crawler.config.needs import load_needs
from crawler.match.concepts import load_lexicon
from crawler.match.score import match_calls
from crawler.match.text import ConceptFinder, tokenize

DIGITAL_NEEDS = """
municipalities:
  - name: Tingsryd
    county: Kronoberg
    needs: [digital]
needs:
  - id: digital
    title: Digital delaktighet
    description: Alla invånare ska kunna använda e-tjänster och BankID, t.ex. äldre.
"""


def test_how_to_apply_through_an_e_service_does_not_meet_a_need_about_e_services(
    tmp_path, make_call
):
    path = tmp_path / "needs.yaml"
    path.write_text(DIGITAL_NEEDS, encoding="utf-8")
    inventory = load_needs(path)
    boilerplate = "Ansökan görs i Socialstyrelsens e-tjänst för statsbidrag."
    assert not match_calls([make_call("Statsbidrag mot hemlöshet", boilerplate)], inventory)
    about = make_call("Bidrag för ökad digital delaktighet", "Hjälp att använda e-tjänster.")
    assert {m.municipality for m in match_calls([about], inventory)} == {"Tingsryd"}


def test_foraldrar_is_not_a_compound_of_aldre():
    lexicon = load_lexicon()
    finder = ConceptFinder(lexicon.expressions(), suffix_deny=lexicon.suffix_deny)
    assert "aldre" not in finder.find(tokenize("stöd till föräldrar"))
    assert "aldre" in finder.find(tokenize("stöd till äldre och seniorer"))
    assert "aldre" in finder.find(tokenize("demensboende för sköra äldre"))


def test_welfare_technology_is_not_digital_inclusion():
    lexicon = load_lexicon()
    finder = ConceptFinder(lexicon.expressions())
    found = finder.find(tokenize("Välfärdsteknik i äldreomsorgen"))
    assert "valfardsteknik" in found and "digitalisering" not in found


def test_a_capitalised_kind_word_inside_a_name_is_still_a_reservation(inventory, make_call):
    call = make_call(
        "Insatser för långtidsarbetslösa",
        applicants="Endast Sveriges Kommuner och Regioner (SKR)",
    )
    every = match_calls([call], inventory, include_filtered=True)
    assert every and not match_calls([call], inventory)
    assert all("Sveriges Kommuner och Regioner" in m.filtered for m in every)
    kinds = make_call("Insatser för långtidsarbetslösa", applicants="Endast kommuner och regioner")
    assert {m.municipality for m in match_calls([kinds], inventory)} == {
        "Växjö",
        "Ljungby",
        "Kiruna",
    }


def test_a_region_list_of_municipalities_is_for_those_municipalities_only(inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa", regions=["Växjö", "Alvesta"])
    every = match_calls([call], inventory, include_filtered=True)
    assert {m.municipality for m in every if not m.filtered} == {"Växjö"}
    reasons = {m.municipality: m.filtered for m in every if m.filtered}
    assert reasons["Ljungby"] == "utlysningen gäller Växjö, Alvesta, inte Ljungby"
    county = make_call("Insatser för långtidsarbetslösa", regions=["Växjö", "Kronobergs län"])
    assert {m.municipality for m in match_calls([county], inventory)} == {"Växjö", "Ljungby"}


def test_samordningsforbund_members_may_be_read_from_its_region_list(inventory, make_call):
    call = make_call(
        "Medel för långtidsarbetslösa",
        source="sf-okand",
        funder="Samordningsförbundet Okänt",
        regions=["Ljungby", "Markaryd"],
    )
    assert {m.municipality for m in match_calls([call], inventory)} == {"Ljungby"}


def test_long_term_unemployment_said_with_an_article_or_another_preposition(inventory, make_call):
    for text in (
        "Personer som har svårt att få ett jobb på den ordinarie arbetsmarknaden",
        "Personer som länge varit inskrivna hos Arbetsförmedlingen",
    ):
        assert match_calls([make_call("Arbetsträning", text)], inventory), text
