"""Status and regions read from running Swedish text."""

from datetime import date

import pytest

from spiders._prose import find_regions, prose_status, regions_from

TODAY = date(2026, 10, 15)


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("Projekt i Kronobergs och Kalmar län", ["Kronoberg", "Kalmar"]),
        ("Kommande utlysningar i Småland och Öarna", ["Småland och Öarna"]),
        ("En utlysning för hela landet", ["Nationell"]),
        ("Ett seminarium om jämställdhet", []),
    ],
)
def test_regions_found_in_prose(text, regions):
    assert find_regions(text) == regions


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("Småland & Öarna", ["Småland och Öarna"]),
        ("Region Kronoberg, Blekinge", ["Kronoberg", "Blekinge"]),
        (
            "Jönköpings, Kronobergs, Kalmar och Gotlands län",
            ["Jönköping", "Kronoberg", "Kalmar", "Gotland"],
        ),
        ("ESF-Nationellt", ["Nationell"]),
    ],
)
def test_regions_from_a_region_field(text, regions):
    assert regions_from(text) == regions


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Lämna in ansökan senast den 30 november."], ("open", None, "2026-11-30")),
        (
            ["Ansökningsperioden är nu stängd. Nästa ansökningsperiod öppnar sommaren 2027."],
            ("closed", None, None),
        ),
        (["Bidraget är för unga från 13 år."], None),
    ],
    ids=["deadline-without-year", "closed-next-round-ignored", "no-status"],
)
def test_status_and_dates_from_prose(texts, expected):
    info = prose_status(texts, TODAY)
    assert (info and (info.status, info.opens_on, info.deadline)) == expected
