"""Who may apply, read as kinds: the applicant texts below are the shapes the funders print under
"Vem kan söka?" and "Sökande"."""

from __future__ import annotations

import pytest

from crawler.normalize.applicants import (
    applicant_kinds,
    applicant_regions,
    applicants_text,
    municipality_may_apply,
    without_application,
)


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
        # A kind named only to be left out is not an applicant.
        (
            "Sociala företag som är fristående från offentlig verksamhet",
            {"företag"},
            False,
        ),
        ("Ideella föreningar, dock inte offentlig sektor", {"ideell organisation"}, False),
        ("Stiftelser och föreningar; kommuner kan inte söka", {"ideell organisation"}, False),
        # A lone "Organisationer" is the non-public side; listed with others it means any.
        ("Organisationer", {"organisation"}, False),
        (
            "Organisationer, myndigheter och företag",
            {"alla organisationer", "myndighet", "företag"},
            True,
        ),
        (
            "De flesta typer av organisationer, från föreningar till myndigheter",
            {"alla organisationer", "ideell organisation", "myndighet"},
            True,
        ),
        (
            "Alla företag/organisationer med ett svenskt organisationsnummer",
            {"alla organisationer", "företag"},
            True,
        ),
        (
            "Juridisk person, privat- eller offentligrättslig",
            {"alla organisationer", "offentlig aktör"},
            True,
        ),
        (
            "Organisationer i privat, offentlig eller idéburen sektor",
            {"alla organisationer", "offentlig aktör"},
            True,
        ),
        ("Alla organisationer som arbetar med att förebygga brott", {"alla organisationer"}, True),
        ("Länsförbund och distriktsorganisationer för pensionärer", {"ideell organisation"}, False),
        ("Regionala energikontor", {"region"}, False),
        (
            "Huvudsökande ska vara disputerad och anställd vid ett lärosäte",
            {"forskningsorganisation"},
            False,
        ),
        # Local authorities are municipalities; what a municipality runs stands for it.
        (
            "Lokala och regionala myndigheter samt civilsamhällesorganisationer",
            {"kommun", "region", "myndighet", "ideell organisation"},
            True,
        ),
        (
            "Aktörer med regional förankring, t.ex. bibliotek, fritidshem, föreningar",
            {"kommun", "ideell organisation"},
            True,
        ),
        ("Offentligt finansierade verksamheter", {"offentlig aktör"}, True),
        ("Regionalt utvecklingsansvariga aktörer", {"region"}, False),
        ("Kvinnoorganisationer", {"ideell organisation"}, False),
        ("Bidragsberättigade ungdomsföreningar", {"ideell organisation"}, False),
        ("Förening som bedriver fritidsgårdsverksamhet", {"ideell organisation"}, False),
        ("Specialidrottsförbund", {"ideell organisation"}, False),
        ("Icke kommersiella aktörer i Värmland", {"ideell organisation"}, False),
        # a follow-up round only for earlier grantees is open to no one else
        (
            "Projektanordnare som beviljades förstudier i utlysningen hösten 2011",
            {"tidigare beviljade projekt"},
            False,
        ),
        ("Kommuner som har beviljats medel 2024", {"tidigare beviljade projekt"}, False),
        # a municipality named as the place is not a municipality applying
        ("Kultur- och fritidsföreningar i Växjö kommun", {"ideell organisation"}, False),
        ("Växjö kommun och föreningar", {"kommun", "ideell organisation"}, True),
        ("Frivilliga organisationer i södra Lappland", {"ideell organisation"}, False),
        ("Juridisk person utan vinstintresse", {"ideell organisation"}, False),
        ("Icke-vinstdrivande organisationer", {"ideell organisation"}, False),
        ("Studerande eller utbildningsanordnare", {"privatperson"}, False),
        # Agencies as a kind; a summary's "not stated" is unclear, whatever follows.
        ("Migrationsverket och länsstyrelser", {"myndighet"}, False),
        ("Ej angivet (tidigare vinnare var främst företag och en högskola)", set(), None),
        ("Medlemmarna", {"kommun"}, True),
        ("Utförare av offentligt finansierade tjänster", {"offentlig aktör"}, True),
        # Public bodies left out: the rest may apply, not a municipality.
        (
            "Stiftelser och organisationer som inte är statliga eller kommunala",
            {"ideell organisation"},
            False,
        ),
        # ...but a municipal company or public money left out is no such exclusion
        (
            "Kommuner och ideella föreningar. Ej kommunala bolag.",
            {"kommun", "ideell organisation"},
            True,
        ),
        ("Juridiska personer utan vinstintresse", {"ideell organisation"}, False),
        # A relative clause describes the applicant; "som" before nouns lists kinds; the clause
        # that says who applies is the answer.
        ("De som kan söka är kommuner och regioner", {"kommun", "region"}, True),
        ("Ideella föreningar som driver fritidsgårdar", {"ideell organisation"}, False),
        (
            "Organisationer som kommuner, regioner och företag",
            {"alla organisationer", "kommun", "region", "företag"},
            True,
        ),
        # Money paid out with no application is nothing a municipality can apply for.
        (
            "Ingen ansökan behövs: medlen fördelas ut automatiskt till kommunerna",
            {"ingen ansökan"},
            False,
        ),
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


def test_money_to_requisition_is_no_money_paid_without_an_application():
    text = "För 2018 görs ingen ansökan: alla huvudmän för grundskolan kan begära ut bidrag."
    assert not without_application(text)
    assert municipality_may_apply(applicant_kinds(text), text) is True


def test_money_paid_without_an_application_is_recognised_in_any_text():
    assert without_application("Bidraget betalas ut automatiskt till alla kommuner.")
    assert without_application("Medlen söks inte, de ingår i det generella statsbidraget.")
    # Who applies instead of whom is not "no application".
    assert not without_application("Bidraget söks inte av skolorna utan av huvudmannen.")
    assert not without_application("Ansökan görs senast 1 mars; bidraget betalas ut i maj.")


@pytest.mark.parametrize(
    ("text", "listed", "regions"),
    [
        ("Kommuner och kommunalförbund i Gävleborgs län", ("Nationell",), ("Gävleborg",)),
        ("Kommunerna inom Region Västerbottens län", (), ("Västerbotten",)),
        ("Kommuner i Skåne län", ("Skåne",), ("Skåne",)),
        # A county outside the call's own areas is not a narrowing: keep what the call says.
        ("Kommuner i Skåne län", ("Norra Mellansverige",), ("Norra Mellansverige",)),
        ("Kommuner och regioner i hela landet", ("Nationell",), ("Nationell",)),
        ("Ideella föreningar i Uppsala län", ("Nationell",), ("Nationell",)),
    ],
)
def test_applicants_of_one_county_narrow_a_wider_call_to_it(text, listed, regions):
    assert applicant_regions(text, listed) == regions


def test_a_slash_lists_kinds_like_a_comma():
    kinds = applicant_kinds("Privat/offentliga/civilsamhällesaktörer")
    assert "offentlig aktör" in kinds
    assert municipality_may_apply(kinds, "") is True


def test_the_subject_of_a_sentence_about_applying_is_the_applicants_text():
    summary = "Bidraget gäller läsning. Stiftelser och föreningar kan söka. Beslut i maj."
    assert applicants_text(None, summary) == "Stiftelser och föreningar"


def test_a_bare_organisationer_in_prose_names_no_kind():
    assert applicants_text(None, "Organisationer kan söka bidrag för verksamhet.") == ""
