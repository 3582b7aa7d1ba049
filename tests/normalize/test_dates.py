"""Dates and times in the shapes the funders print: "den 3 mars 2026", ranges with a dash or
"till", ISO dates, year-less dates, "kl. 16.00"."""

import pytest

from crawler.normalize import find_dates, parse_date, parse_date_range, parse_time


@pytest.mark.parametrize(
    ("text", "default_year", "expected"),
    [
        # Swedish long dates, lower and upper case, with and without "den"
        ("19 mars 2024", None, "2024-03-19"),
        ("Stängd 19 mars 2024", None, "2024-03-19"),
        ("19 MARS 2024", None, "2024-03-19"),
        ("Öppnar 12 augusti 2024", None, "2024-08-12"),
        ("Öppnar 13 januari 2026", None, "2026-01-13"),
        ("den 13 september 2018", None, "2018-09-13"),
        ("Lämna in ansökan senast den 13 september 2018", None, "2018-09-13"),
        ("8 juli 2022", None, "2022-07-08"),
        ("Artikeln publicerades 4 juli 2024", None, "2024-07-04"),
        ("Öppnar (15 december 2021)", None, "2021-12-15"),
        ("Stänger 1 februari 2022", None, "2022-02-01"),
        ("Ansökan öppnar: 2 januari 2024", None, "2024-01-02"),
        ("Ansökan stänger: 15 februari 2024 (fram till 23.59 denna dag)", None, "2024-02-15"),
        # abbreviated months
        ("1 sept. 2024", None, "2024-09-01"),
        ("1 sept 2024", None, "2024-09-01"),
        ("Stänger 1 feb 2022", None, "2022-02-01"),
        ("3 okt. 2022", None, "2022-10-03"),
        ("1:a mars 2025", None, "2025-03-01"),
        # ISO dates, also inside labels
        ("2026-01-15", None, "2026-01-15"),
        ("Startdatum 2019-06-14", None, "2019-06-14"),
        ("Slutdatum: 2019-10-02", None, "2019-10-02"),
        ("Beslutsdatum 2015-05-21", None, "2015-05-21"),
        ("Nyheter Publicerad 2019-11-08", None, "2019-11-08"),
        ("Sidan senast uppdaterad: 2021-05-27", None, "2021-05-27"),
        (
            "Utlysning uppdaterad 2023-12-15, öppningsdatum ändrat till 13 februari.",
            None,
            "2023-12-15",
        ),
        # a closing time inside the date sentence does not disturb the date
        ("stänger kl.16.00 den 1 september 2020", None, "2020-09-01"),
        ("stänger kl. 16.00 den 1 september 2020", None, "2020-09-01"),
        # dates without a year take the default year, or are no date at all
        ("16 september", 2019, "2019-09-16"),
        ("16 september", None, None),
        ("Lämna in ansökan senast den 30 november", 2023, "2023-11-30"),
        # month only: the first day of the month
        ("Öppnar: Maj 2023", None, "2023-05-01"),
        ("Maj 2023", None, "2023-05-01"),
        ("Projektstöd februari 2022", None, "2022-02-01"),
        ("Beslut meddelas: första halvan av juni 2024", None, "2024-06-01"),
        # ranges: the first date, with the year the range gives once
        ("1 mars–3 april 2023", None, "2023-03-01"),
        ("Ansökan för våren var öppen 1 mars–3 april 2023", None, "2023-03-01"),
        # no date
        ("Ej bestämt", None, None),
        ("Öppnar: Ej bestämt", None, None),
        ("Löpande", None, None),
        ("", None, None),
        (None, None, None),
        ("öppnar sommaren 2024", None, None),
        ("Programområde 2.3 Öka övergångarna till arbete", None, None),
        ("Utlysning 2019/00316", None, None),
        ("kl. 16.00", None, None),
        # numeric Swedish dates, only with a year
        ("senast 15/3 2024", None, "2024-03-15"),
        ("15/3-2024", None, "2024-03-15"),
        ("15.3.2024", None, "2024-03-15"),
        ("Telefonen är öppen 24/7", None, None),
        ("Programområde 2.3 2024", None, None),
        # impossible dates are not dates
        ("31 februari 2024", None, None),
        ("2024-13-01", None, None),
        # words that start like a month are not months
        ("Marschen 2024", None, None),
        ("Julafton 2024", None, None),
    ],
)
def test_parse_date_reads_every_documented_format(text, default_year, expected):
    assert parse_date(text, default_year=default_year) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Öppnar: Maj 2023", "2023-05-31"),
        ("februari 2024", "2024-02-29"),
        ("19 mars 2024", "2024-03-19"),
    ],
)
def test_month_only_can_mean_the_last_day_of_the_month(text, expected):
    assert parse_date(text, month_only="end") == expected


def test_parse_date_rejects_an_unknown_month_only_mode():
    with pytest.raises(ValueError, match="month_only"):
        parse_date("maj 2023", month_only="middle")


@pytest.mark.parametrize(
    ("text", "default_year", "expected"),
    [
        ("1 mars–3 april 2023", None, ("2023-03-01", "2023-04-03")),  # en dash
        ("1 mars-3 april 2023", None, ("2023-03-01", "2023-04-03")),  # hyphen
        ("1 mars — 3 april 2023", None, ("2023-03-01", "2023-04-03")),  # em dash, spaces
        ("1 mars till 3 april 2023", None, ("2023-03-01", "2023-04-03")),
        ("1 mars t.o.m. 3 april 2023", None, ("2023-03-01", "2023-04-03")),
        (
            "Ansökan för våren var öppen 1 mars–3 april 2023 i e-tjänsten för statsbidrag",
            None,
            ("2023-03-01", "2023-04-03"),
        ),
        ("1–3 april 2023", None, ("2023-04-01", "2023-04-03")),
        ("2024-01-02 – 2024-02-15", None, ("2024-01-02", "2024-02-15")),
        ("2024-01-02–2024-02-15", None, ("2024-01-02", "2024-02-15")),
        ("Öppnar 2027-02-01 · Stänger 2027-04-15", None, ("2027-02-01", "2027-04-15")),
        (
            "Utlysningen var öppen från kl. 14.00 den 16 september till kl. 14.00 den 16 oktober",
            2019,
            ("2019-09-16", "2019-10-16"),
        ),
        (
            "från kl. 14.00 den 16 september till kl. 14.00 den 16 oktober 2019",
            None,
            ("2019-09-16", "2019-10-16"),
        ),
        # over New Year the start belongs to the year before
        ("1 december–15 januari 2025", None, ("2024-12-01", "2025-01-15")),
        # a month-only end is no deadline (no made-up day); a month-only start is its first day
        ("maj–juni 2024", None, ("2024-05-01", None)),
        ("Maj 2024 – Augusti 2024", None, ("2024-05-01", None)),
        # a single date is the deadline
        ("Sista ansökningsdag 19 mars 2024", None, (None, "2024-03-19")),
        ("senast den 30 november", 2023, (None, "2023-11-30")),
        ("Stänger: maj 2024", None, (None, None)),
        ("Ej bestämt", None, (None, None)),
        (None, None, (None, None)),
    ],
)
def test_parse_date_range_reads_periods(text, default_year, expected):
    assert parse_date_range(text, default_year=default_year) == expected


def test_find_dates_reads_a_list_of_meeting_days_with_the_year_given_once():
    text = "Sammanträden 2022: 16 februari, 6 april, 1 juni, 21 september, 26 oktober, 7 december"
    assert [iso for _, iso in find_dates(text, default_year=2022)] == [
        "2022-02-16",
        "2022-04-06",
        "2022-06-01",
        "2022-09-21",
        "2022-10-26",
        "2022-12-07",
    ]


def test_find_dates_tells_month_only_values_from_days():
    assert find_dates("Öppnar maj 2026, stänger 15 juni 2026") == [
        ("month", "2026-05-01"),
        ("day", "2026-06-15"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kl. 16.00", "16:00"),
        ("kl.16.00", "16:00"),
        ("kl 14:00", "14:00"),
        ("Kl. 9.30", "09:30"),
        ("klockan 16", "16:00"),
        ("fram till 23.59", "23:59"),
        ("Ansökan stänger: 15 februari 2024 (… fram till 23.59 denna dag)", "23:59"),
        ("stänger kl.16.00 den 1 september 2020", "16:00"),
        ("från kl. 14.00 den 16 september till kl. 14.00 den 16 oktober", "14:00"),
        ("senast 12:00", "12:00"),
        ("2026-12-15 23:59", "23:59"),
        ("kl. 24.00", "23:59"),
        # not times
        ("kl. 25.00", None),
        ("Programområde 2.3", None),
        ("57,7 miljoner", None),
        ("höjt till 10.000 kr", None),
        ("Stängd 19 mars 2024", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_time_reads_closing_times(text, expected):
    assert parse_time(text) == expected
