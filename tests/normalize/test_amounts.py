"""Amounts in kronor and co-financing rates as the funders print them ("Ca 362 MSEK", "2,5
miljoner kronor", "upp till 50 procent")."""

import pytest

from crawler.normalize import find_amounts, parse_amount, parse_percent, parse_total_budget

NBSP, THIN, NARROW_NBSP = "\u00a0", "\u2009", "\u202f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40 000 000 kr", 40_000_000),
        ("Utlyst belopp 40 000 000 kr", 40_000_000),
        ("40 000 000 kronor", 40_000_000),
        (f"40{NBSP}000{NBSP}000 kr", 40_000_000),
        (f"40{THIN}000{THIN}000 kronor", 40_000_000),
        (f"40{NARROW_NBSP}000{NARROW_NBSP}000 SEK", 40_000_000),
        ("40000000 kr", 40_000_000),
        ("40.000.000 kr", 40_000_000),
        ("5 000 000:-", 5_000_000),
        ("26 miljoner kronor", 26_000_000),
        ("57,7 miljoner", 57_700_000),
        ("Totalt finns preliminärt cirka 57,7 miljoner…", 57_700_000),
        ("Ca 362 MSEK", 362_000_000),
        ("Tillgängliga medel: Ca 362 MSEK", 362_000_000),
        ("about 402 MSEK of ESF+", 402_000_000),
        ("25 MSEK", 25_000_000),
        ("1,5 mnkr", 1_500_000),
        ("12 Mkr", 12_000_000),
        ("3,2 milj. kr", 3_200_000),
        ("744 000 kronor", 744_000),
        ("Förstudier kan max få 744 000 kronor.", 744_000),
        ("2 miljarder", 2_000_000_000),
        ("1,25 miljarder kronor", 1_250_000_000),
        ("500 tkr", 500_000),
        ("500 tusen kronor", 500_000),
        ("drygt 136 miljoner", 136_000_000),
        ("en miljon kronor", 1_000_000),
        ("Tre miljoner kronor", 3_000_000),
        # a year before an amount is not part of it
        ("Under 2024 500 000 kronor per projekt", 500_000),
        # not amounts
        ("40 procent", None),
        ("upp till 40 procent", None),
        ("Max 40 procent av ett projekts kostnader", None),
        ("53 % medfinansiering", None),
        ("200 deltagare", None),
        ("2 miljoner invånare", None),
        ("3 miljoner euro", None),
        ("Programperiod 2021–2027", None),
        ("Kronoberg 2024", None),
        ("Ej bestämt", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_amount_reads_every_documented_format(text, expected):
    assert parse_amount(text) == expected


def test_find_amounts_returns_every_amount_in_order():
    text = (
        "Max 40 procent av ett projekts kostnader. Förstudier kan max få 744 000 kronor. "
        "Totalt finns preliminärt cirka 57,7 miljoner kronor."
    )
    assert find_amounts(text) == [744_000, 57_700_000]


def test_find_amounts_reads_both_ends_of_a_range_with_the_unit_given_once():
    assert find_amounts("mellan 5–10 miljoner kronor per projekt") == [5_000_000, 10_000_000]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Max 40 procent av ett projekts kostnader. Förstudier kan max få 744 000 kronor. "
            "Totalt finns preliminärt cirka 57,7 miljoner kronor.",
            57_700_000,
        ),
        ("Projekt kan få 2 miljoner kronor. Utlyst belopp: 40 000 000 kr", 40_000_000),
        ("Tillgängliga medel Ca 362 MSEK. Stöd från AMIF 75 %", 362_000_000),
        ("Högst 500 000 kronor per projekt. Sammanlagt 12 miljoner kronor.", 12_000_000),
        ("Förbundet utlyser 1,2 miljoner kronor, högst 300 000 kronor per insats.", 1_200_000),
        (
            "Ett projekt kan få högst 500 000 kronor. Totalt fördelar Brå cirka 8 miljoner kronor.",
            8_000_000,
        ),
        # no cue: the largest amount is the best guess at the total
        ("Projekt kan få 2 miljoner kronor, förstudier 300 000 kronor.", 2_000_000),
        ("Totalt finns ännu inga medel beslutade.", None),
        ("", None),
    ],
)
def test_parse_total_budget_prefers_the_total_over_per_project_amounts(text, expected):
    assert parse_total_budget(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("53 % medfinansiering", "53 %"),
        ("Max 40 procent", "40 %"),
        ("upp till 40 procent", "40 %"),
        ("75-90 %", "75–90 %"),
        ("75–90 %", "75–90 %"),
        ("75 - 90 procent", "75–90 %"),
        ("Stöd från AMIF 75 %", "75 %"),
        ("Unionens medfinansieringsgrad: 40%", "40 %"),
        ("12,5 procent", "12,5 %"),
        ("Krav på 46 procents medfinansiering", "46 %"),
        ("Programperiod 2021–2027, 46 %", "46 %"),
        ("40 000 000 kr", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_percent_keeps_the_rate_as_short_text(text, expected):
    assert parse_percent(text) == expected
