"""Status words and status lines as the funders print them ("Stängd 19 mars 2024", "Öppnar",
"Stänger", "löpande", "Stängt för ansökan")."""

from datetime import date

import pytest

from crawler.model import STATUSES
from crawler.normalize import StatusInfo, parse_status, status_from_dates


@pytest.fixture
def today() -> date:
    return date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Tillväxtverket: status verb + date as the first list item
        ("Stängd 19 mars 2024", StatusInfo("closed", None, "2024-03-19")),
        ("Öppnar 12 augusti 2027", StatusInfo("planned", "2027-08-12", None)),
        ("Öppnar 13 januari 2026", StatusInfo("open", "2026-01-13", None)),  # opening passed
        ("Öppen", StatusInfo("open")),
        ("Öppen till 15 december 2026", StatusInfo("open", None, "2026-12-15")),
        ("Sista ansökningsdag 15 december 2026", StatusInfo("open", None, "2026-12-15")),
        ("Sista ansökningsdag 15 oktober 2026", StatusInfo("closed", None, "2026-10-15")),
        # AMIF planned-calls table
        (
            "Öppnar: 15 december 2021 Stänger: 1 februari 2022",
            StatusInfo("closed", "2021-12-15", "2022-02-01"),
        ),
        ("Stänger 1 feb 2027", StatusInfo("open", None, "2027-02-01")),
        ("Stänger 1 feb", StatusInfo("open", None, "2027-02-01")),  # no year: the next 1 feb
        ("Stängde 1 feb", StatusInfo("closed", None, "2026-02-01")),  # past tense: the last
        ("Stänger 15 december", StatusInfo("open", None, "2026-12-15")),
        ("Planerad", StatusInfo("planned")),
        ("Planerade utlysningar", StatusInfo("planned")),
        ("Aktuell utlysning", StatusInfo("open")),
        ("Kommande", StatusInfo("planned")),
        ("KOMMANDE", StatusInfo("planned")),
        (
            "Kommande · Öppnar 2027-02-01 · Stänger 2027-04-15",
            StatusInfo("planned", "2027-02-01", "2027-04-15"),
        ),
        (
            "Kommande · Öppnar 2026-11-01 · Stänger 2027-01-15",  # the plan has come true
            StatusInfo("open", "2026-11-01", "2027-01-15"),
        ),
        ("Öppnar: Maj 2027", StatusInfo("planned", "2027-05-01", None)),
        ("Öppnar: Maj 2023", StatusInfo("open", "2023-05-01", None)),
        ("Öppnar: Ej bestämt", StatusInfo("planned")),
        ("Utlysningen planerar att öppna den 15 maj 2027", StatusInfo("planned", "2027-05-15")),
        # old esf.se listings
        ("Pågående", StatusInfo("open")),
        ("Avslutade utlysningar", StatusInfo("closed")),
        # MUCF labels, with the closing time inside
        (
            "Ansökan öppnar: 2 januari 2027 Ansökan stänger: 15 februari 2027 "
            "(… fram till 23.59 denna dag)",
            StatusInfo("planned", "2027-01-02", "2027-02-15"),
        ),
        (
            "Ansökan öppnar: 2 januari 2024 Ansökan stänger: 15 februari 2024",
            StatusInfo("closed", "2024-01-02", "2024-02-15"),
        ),
        # Brå
        (
            "Ansökningsperioden är nu stängd. Nästa ansökningsomgång öppnar sommaren 2024",
            StatusInfo("closed"),
        ),
        ("Lämna in ansökan senast den 30 november", StatusInfo("open", None, "2026-11-30")),
        # Socialstyrelsen
        ("Stängt för ansökan 30 september 2018", StatusInfo("closed", None, "2018-09-30")),
        # Skolverket and Jämställdhetsmyndigheten: "var öppen" is past
        (
            "Ansökan för våren var öppen 1 mars–3 april 2023 i e-tjänsten för statsbidrag",
            StatusInfo("closed", "2023-03-01", "2023-04-03"),
        ),
        (
            "Utlysningen var öppen från kl. 14.00 den 16 september till kl. 14.00 den 16 oktober",
            StatusInfo("closed", "2026-09-16", "2026-10-16"),
        ),
        # ESF body text: "kl." between the cue and the date
        (
            "Utlysningen stänger kl.16.00 den 1 september 2020",
            StatusInfo("closed", None, "2020-09-01"),
        ),
        # words between the cue and its date
        ("Utlysningen öppnar i maj 2027", StatusInfo("planned", "2027-05-01")),
        ("Öppnar preliminärt i början av maj 2027", StatusInfo("planned", "2027-05-01")),
        ("Sista dag att ansöka är den 15 mars 2027", StatusInfo("open", None, "2027-03-15")),
        ("Öppningsdatum ändrat till 13 februari 2027", StatusInfo("planned", "2027-02-13")),
        # past tense
        ("Öppnade 2026-09-15 · Stänger 2026-12-26", StatusInfo("open", "2026-09-15", "2026-12-26")),
        ("Stängde 2026-09-03", StatusInfo("closed", None, "2026-09-03")),
        (
            "Utlysningen stängde kl. 16.00 den 27 augusti 2026.",
            StatusInfo("closed", None, "2026-08-27"),
        ),
        ("I dag öppnar utlysningen Vägar till arbete", StatusInfo("open")),
        (
            "Vi planerar att öppna utlysningen i början av februari 2027.",
            StatusInfo("planned", "2027-02-01"),
        ),
        # deadlines of something else than the application
        ("Projekten ska starta senast 1 juni 2027.", None),
        ("Beslut meddelas: senast 31 mars 2027", None),
        ("Anmäl dig senast 11 december till informationsmötet.", None),
        (
            "Beslut i mars. Sista ansökningsdag 15 januari 2027",
            StatusInfo("open", None, "2027-01-15"),
        ),
        # a date further on does not belong to the cue
        ("Stänger snart. Beslut meddelas 15 mars 2027", None),
        # a period without cue words
        ("Öppen 1–3 december 2026", StatusInfo("planned", "2026-12-01", "2026-12-03")),
        ("Ansökan är öppen 1 mars–3 april 2027", StatusInfo("planned", "2027-03-01", "2027-04-03")),
        (
            "Ansökan är öppen 12 oktober–30 november 2026",
            StatusInfo("open", "2026-10-12", "2026-11-30"),
        ),
        ("från 1 december till 3 april 2027", StatusInfo("planned", "2026-12-01", "2027-04-03")),
        # month-only deadline: no day, but the status is judged by the month's end
        ("Stänger maj 2027", StatusInfo("open", None, None)),
        ("Stänger maj 2026", StatusInfo("closed", None, None)),
        # standing programmes
        ("Löpande", StatusInfo("standing")),
        ("Sista ansökningsdag: Löpande", StatusInfo("standing")),
        ("Ansök när som helst under året", StatusInfo("standing")),
        # not a status line
        ("Sidan senast uppdaterad: 2021-05-27", None),
        ("Region Kronoberg", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_status_reads_every_documented_status_line(text, expected, today):
    assert parse_status(text, today=today) == expected


def test_parse_status_only_returns_the_statuses_a_call_may_have(today):
    lines = ["Stängd 19 mars 2024", "Öppnar 13 januari 2027", "Löpande", "Öppen", "Planerad"]
    assert {parse_status(line, today=today).status for line in lines} <= set(STATUSES)


def test_a_yearless_closing_day_is_its_next_occurrence_after_today():
    line = "Stänger 1 feb"
    assert parse_status(line, today=date(2026, 1, 20)) == StatusInfo("open", None, "2026-02-01")
    assert parse_status(line, today=date(2026, 2, 2)) == StatusInfo("open", None, "2027-02-01")


def test_a_yearless_date_is_read_against_the_pages_own_date():
    news = "Utlysningen väntas öppna i 1 september och stänga den 6 oktober."
    assert parse_status(news, today=date(2026, 11, 23), reference=date(2022, 6, 20)) == (
        StatusInfo("closed", "2022-09-01", "2022-10-06")
    )


@pytest.mark.parametrize(
    ("opens_on", "deadline", "expected"),
    [
        (None, None, "unknown"),
        ("2026-12-01", None, "planned"),
        ("2026-12-01", "2027-01-15", "planned"),
        ("2026-11-23", None, "open"),  # opens today
        ("2026-10-01", "2026-12-15", "open"),
        (None, "2026-11-23", "open"),  # the deadline day itself is still open
        (None, "2026-11-22", "closed"),
        ("2026-10-01", "2026-11-01", "closed"),
    ],
)
def test_status_from_dates(opens_on, deadline, expected, today):
    assert status_from_dates(opens_on, deadline, today) == expected


def test_status_from_dates_returns_the_default_without_dates(today):
    assert status_from_dates(None, None, today, default="standing") == "standing"
