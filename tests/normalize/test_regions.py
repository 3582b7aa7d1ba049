"""County, ESF-region and national names as the funders print them: ESF-rådet's eight regions,
Tillväxtverket's county lists, "Hela Sverige" and "Nationell"."""

import pytest

from crawler.normalize.regions import (
    COUNTIES,
    ESF_REGIONS,
    MUNICIPALITY_COUNTY,
    NATIONAL,
    county_of_municipality,
    normalize_region,
    normalize_regions,
    region_covers,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Tillväxtverket mixes "Region X" and the bare county name
        ("Region Kronoberg", "Kronoberg"),
        ("Kronoberg", "Kronoberg"),
        ("KRONOBERG", "Kronoberg"),
        ("Kronobergs län", "Kronoberg"),
        ("Länsstyrelsen i Kronobergs län", "Kronoberg"),
        ("Länsstyrelsen Kronoberg", "Kronoberg"),
        ("Blekinge", "Blekinge"),
        ("Skåne", "Skåne"),
        ("Region Skåne", "Skåne"),
        ("Skåne län", "Skåne"),
        ("Region Jönköpings län", "Jönköping"),
        ("Region Kalmar län", "Kalmar"),
        ("Region Gotland", "Gotland"),
        ("Region Sörmland", "Södermanland"),
        ("Södermanlands län", "Södermanland"),
        ("Västra Götalandsregionen", "Västra Götaland"),
        ("Västra Götalands län", "Västra Götaland"),
        ("Region Jämtland Härjedalen", "Jämtland"),
        ("Uppsala län", "Uppsala"),
        ("Örebro län", "Örebro"),
        ("Region Örebro län", "Örebro"),
        ("Dalarnas län", "Dalarna"),
        ("Norrbottens län", "Norrbotten"),
        ("Stockholms län", "Stockholm"),
        # ESF+ regions
        ("Småland & Öarna", "Småland och Öarna"),
        ("Småland och öarna", "Småland och Öarna"),
        ("Småland och Öarna", "Småland och Öarna"),
        ("ESF-region Småland och Öarna", "Småland och Öarna"),
        ("Region: Sydsverige", "Sydsverige"),
        ("Sydsverige", "Sydsverige"),
        ("Övre Norrland", "Övre Norrland"),
        ("Mellersta Norrland", "Mellersta Norrland"),
        ("Norra Mellansverige", "Norra Mellansverige"),
        ("Östra Mellansverige", "Östra Mellansverige"),
        ("Västsverige", "Västsverige"),
        ("Stockholm", "Stockholm"),
        # the whole country
        ("ESF-Nationellt", NATIONAL),
        ("Nationell", NATIONAL),
        ("Nationellt", NATIONAL),
        ("Nationell satsning", NATIONAL),
        ("Hela Sverige", NATIONAL),
        ("Hela landet", NATIONAL),
        ("Samtliga län", NATIONAL),
        # not areas: dropped
        ("Stängd 19 mars 2024", None),
        ("Öppnar 13 januari 2026", None),
        ("Växjö", None),
        ("Region", None),
        ("Regional utveckling", None),
        ("Småföretag", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_region_reads_every_documented_name(text, expected):
    assert normalize_region(text) == expected


def test_normalize_regions_drops_non_areas_and_duplicates_in_order():
    items = ["Stängd 19 mars 2024", "Region Kronoberg", "Kronoberg", "Blekinge", "Skåne", "Skåne"]
    assert normalize_regions(items) == ["Kronoberg", "Blekinge", "Skåne"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            "Jönköpings, Kronobergs, Kalmar och Gotlands län",
            ["Jönköping", "Kronoberg", "Kalmar", "Gotland"],
        ),
        ("Blekinge och Skåne", ["Blekinge", "Skåne"]),
        ("Kronoberg/Kalmar", ["Kronoberg", "Kalmar"]),
        ("Småland och Öarna, Sydsverige", ["Småland och Öarna", "Sydsverige"]),
        ("Småland och Öarna", ["Småland och Öarna"]),
        ("Företag och organisationer", []),
    ],
)
def test_normalize_regions_splits_an_item_that_names_several_areas(item, expected):
    assert normalize_regions([item]) == expected


def test_every_county_and_esf_region_normalises_to_itself():
    for name in (*COUNTIES, *ESF_REGIONS, NATIONAL):
        assert normalize_region(name) == name


def test_the_esf_regions_cover_every_county_exactly_once():
    covered = [county for counties in ESF_REGIONS.values() for county in counties]
    assert sorted(covered) == sorted(COUNTIES)
    assert len(COUNTIES) == 21 and len(ESF_REGIONS) == 8


@pytest.mark.parametrize(
    ("regions", "county", "expected"),
    [
        ([], "Kronoberg", True),  # unknown: the matcher decides
        (["Kronoberg"], "Kronoberg", True),
        (["Region Kronoberg"], "Kronobergs län", True),
        (["Småland och Öarna"], "Kronoberg", True),
        (["Småland & Öarna"], "Kalmar", True),
        (["Nationell"], "Kronoberg", True),
        (["ESF-Nationellt"], "Norrbotten", True),
        (["Blekinge", "Skåne"], "Kronoberg", False),
        (["Sydsverige"], "Kronoberg", False),
        (["Stockholm"], "Kronoberg", False),
        (["Övre Norrland"], "Norrbotten", True),
        (["Västsverige"], "Halland", True),
        (["Växjö"], "Kronoberg", True),  # a municipality counts as its county
        (["Karlskrona"], "Kronoberg", False),
        (["Programområde A"], "Kronoberg", True),  # nothing recognisable: unknown
    ],
)
def test_region_covers(regions, county, expected):
    assert region_covers(regions, county) is expected


def test_kronobergs_eight_municipalities_are_in_kronoberg():
    eight = [
        "Alvesta",
        "Lessebo",
        "Ljungby",
        "Markaryd",
        "Tingsryd",
        "Uppvidinge",
        "Växjö",
        "Älmhult",
    ]
    assert [m for m, c in MUNICIPALITY_COUNTY.items() if c == "Kronoberg"] == eight
    assert all(county in COUNTIES for county in MUNICIPALITY_COUNTY.values())
    # all of Sweden's municipalities, and every county has some
    assert len(MUNICIPALITY_COUNTY) == 290 and set(MUNICIPALITY_COUNTY.values()) == set(COUNTIES)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Växjö", "Kronoberg"),
        ("Växjö kommun", "Kronoberg"),
        ("älmhults kommun", "Kronoberg"),
        ("Region Gotland", None),
        ("Jönköping", "Jönköping"),
        ("Karlskrona", "Blekinge"),
        ("Göteborg", "Västra Götaland"),
        ("Upplands Väsby", "Stockholm"),
        ("Kristinehamns kommun", "Värmland"),
        ("Malung-Sälen", "Dalarna"),
        ("Storgöteborg", None),
        ("", None),
    ],
)
def test_county_of_municipality(name, expected):
    assert county_of_municipality(name) == expected
