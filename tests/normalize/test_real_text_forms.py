"""The date, time and amount forms of funders' real pages (funders.md §10 "Across sites"):
year-less dates read against the page's date or today, abbreviated months, ranges with and
without spaces, weekdays, vague periods that must never become a day, footnote stars."""

from datetime import date

import pytest

from crawler.normalize import find_dates, parse_amount, parse_date, parse_percent, parse_time
from crawler.normalize.dates import parse_month

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        # no year: the next occurrence on or after the reference day (page date, else today)
        ("Lämna in ansökan senast den 30 november", TODAY, "2026-11-30"),
        ("Sista dag att nominera är 16 augusti.", TODAY, "2027-08-16"),
        ("Sista dag att nominera är 16 augusti.", date(2024, 3, 1), "2024-08-16"),
        ("öppna i 1 september och stänga den 6 oktober", date(2022, 6, 20), "2022-09-01"),
        # numeric day/month without a year, only after a date cue
        ("Sista dag 16/1", TODAY, "2027-01-16"),
        ("ansök senast 16/1", date(2026, 1, 2), "2026-01-16"),
        ("Telefonen är öppen 24/7", TODAY, None),
        ("Vi står för 1/3 av kostnaden", TODAY, None),
        # a year in the text always wins over the reference
        ("senast måndagen den 30 maj 2022", TODAY, "2022-05-30"),
        ("1 februari 2018 – 15 maj 2018", TODAY, "2018-02-01"),
    ],
)
def test_yearless_dates_take_the_next_occurrence_after_the_reference(text, reference, expected):
    assert parse_date(text, reference=reference) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 dec–2 jan", ["2026-12-01", "2027-01-02"]),  # abbreviated, over New Year
        ("1 dec – 2 jan", ["2026-12-01", "2027-01-02"]),
        ("Ansökan för 2018 öppen 1 dec–2 jan.", ["2026-12-01", "2027-01-02"]),
        ("1 mars–3 april 2023", ["2023-03-01", "2023-04-03"]),  # no spaces
        ("1 februari 2018 – 15 maj 2018", ["2018-02-01", "2018-05-15"]),  # spaces
        ("Sök: 15 januari–15 februari 2023", ["2023-01-15", "2023-02-15"]),
    ],
)
def test_ranges_with_and_without_spaces_and_abbreviated_months(text, expected):
    assert [iso for _, iso in find_dates(text, reference=TODAY)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Stänger: Maj 2023",
        "Beslut i början av juni 2023",
        "i slutet av september 2024",
        "Nästa ansökningsperiod öppnar sommaren 2024.",
        "Stänger: Ej bestämt",
    ],
)
def test_a_vague_deadline_is_never_a_day(text):
    assert parse_date(text, month_only="none", reference=TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maj 2023", "2023-05"),
        ("i början av juni 2023", "2023-06"),
        ("slutet av september 2024", "2024-09"),
        ("sommaren 2024", None),
        ("Ej bestämt", None),
        ("19 mars 2024", None),  # a day, not a month
    ],
)
def test_vague_periods_give_a_month_or_nothing(text, expected):
    assert parse_month(text) == expected


def test_an_opening_month_is_its_first_day_and_marked_as_a_month():
    assert find_dates("Öppnar: i början av juni 2023") == [("month", "2023-06-01")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ansökan kan skickas in fram till 23.59 denna dag", "23:59"),
        ("Stänger 30 maj 2022, 23.59", "23:59"),
        ("klockan 16.00", "16:00"),
        ("Informationsmöte kl. 9.00- 12.00", "09:00"),
        ("Totalt 23.5 miljoner", None),
    ],
)
def test_clock_times_of_the_real_pages(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("54 000 000 kr", 54_000_000),
        ("934 000 kronor", 934_000),
        ("1 997 000 000 kronor", 1_997_000_000),
        ("Ca 2,3 MSEK", 2_300_000),
        ("25 mnkr", 25_000_000),
        ("upp till 2 mkr", 2_000_000),
        ("10 mkr", 10_000_000),
        ("Högst 40 000* kronor per förening", 40_000),  # footnote star
        ("upp till 400 000 kronor", 400_000),
    ],
)
def test_amounts_of_the_real_pages(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("75 %", "75 %"),
        ("Mottagande, 75%", "75 %"),
        ("75-90 %", "75–90 %"),
        ("40 procent", "40 %"),
        ("upp till 50 procent", "50 %"),
    ],
)
def test_rates_of_the_real_pages(text, expected):
    assert parse_percent(text) == expected
