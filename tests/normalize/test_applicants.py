"""Who may apply, read as kinds: the applicant texts below are the shapes the funders print under
"Vem kan söka?" and "Sökande"."""

from __future__ import annotations

import pytest

from crawler.normalize.applicants import applicant_kinds, applicants_text, municipality_may_apply


@pytest.mark.parametrize(
    ("text", "kinds", "may"),
    [
        ("Kommuner", {"kommun"}, True),
        (
            "Kommuner, regioner och ideella organisationer",
            {"kommun", "region", "ideell organisation"},
            True,
        ),
        ("Skolhuvudmän", {"kommun"}, True),
        ("Förbundets medlemmar: Växjö, Alvesta, Lessebo", {"kommun"}, True),
        ("Offentliga och privata organisationer", {"offentlig aktör"}, True),
        ("Ideella föreningar", {"ideell organisation"}, False),
        ("Barn- och ungdomsorganisationer", {"ideell organisation"}, False),
        ("Företag, forskningsorganisationer", {"företag", "forskningsorganisation"}, False),
        ("Forskare vid svenska lärosäten", {"forskningsorganisation"}, False),
        ("Endast Sveriges Kommuner och Regioner (SKR)", set(), None),
        ("Fastighetsägare", set(), None),
        ("Ideella organisationer i samverkan med en kommun", {"ideell organisation"}, True),
        ("", set(), None),
        ("Kommunen eller ideella föreningar", {"kommun", "ideell organisation"}, True),
        ("Kommunalförbund och ideella organisationer", {"kommun", "ideell organisation"}, True),
        ("Samordningsförbund och ideella föreningar", {"kommun", "ideell organisation"}, True),
        ("Organisationer och företag", {"alla organisationer", "företag"}, True),
        ("Civilsamhällets organisationer", {"ideell organisation"}, False),
        ("Föreningar som samverkar med kommunen", {"ideell organisation"}, True),
    ],
)
def test_applicant_texts_read_as_kinds(text, kinds, may):
    found = applicant_kinds(text)
    assert found == kinds
    assert municipality_may_apply(found, text) is may


def test_the_summary_answers_when_the_page_has_no_applicants_field():
    summary = "Stöd till läxhjälp. Bidraget kan sökas av ideella föreningar. Riktar sig till unga."
    assert applicants_text(None, summary) == "ideella föreningar"
    assert applicants_text("Kommuner", summary) == "Kommuner"
    # Whom the money is for is not who applies.
    assert applicants_text(None, "Utlysningen riktar sig till unga som varken arbetar.") == ""
