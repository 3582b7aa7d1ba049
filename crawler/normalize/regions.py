"""Swedish counties, ESF+ regions and the word for "the whole country", under one spelling each.

Funders name the same area in many ways ("Region Kronoberg", "Kronobergs län", "Kronoberg",
"Småland & Öarna"). Calls store one canonical name per area so that the matcher's region filter
is a set lookup, and list items that are not areas at all (a programme name, a target group in
the same bullet list) are dropped by returning None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.normalize import clean_text

__all__ = [
    "COUNTIES",
    "ESF_REGIONS",
    "MUNICIPALITY_COUNTY",
    "NATIONAL",
    "county_of_municipality",
    "municipality_name",
    "normalize_region",
    "normalize_regions",
    "region_covers",
]

NATIONAL = "Nationell"

# The 21 counties (län) by their short name, in the official county-code order.
COUNTIES: tuple[str, ...] = (
    "Stockholm",
    "Uppsala",
    "Södermanland",
    "Östergötland",
    "Jönköping",
    "Kronoberg",
    "Kalmar",
    "Gotland",
    "Blekinge",
    "Skåne",
    "Halland",
    "Västra Götaland",
    "Värmland",
    "Örebro",
    "Västmanland",
    "Dalarna",
    "Gävleborg",
    "Västernorrland",
    "Jämtland",
    "Västerbotten",
    "Norrbotten",
)

# The eight ESF+ regions (NUTS 2) with their counties, as ESF-rådet names them on its calls.
ESF_REGIONS: dict[str, tuple[str, ...]] = {
    "Övre Norrland": ("Norrbotten", "Västerbotten"),
    "Mellersta Norrland": ("Västernorrland", "Jämtland"),
    "Norra Mellansverige": ("Värmland", "Dalarna", "Gävleborg"),
    "Stockholm": ("Stockholm",),
    "Östra Mellansverige": ("Uppsala", "Södermanland", "Östergötland", "Örebro", "Västmanland"),
    "Västsverige": ("Västra Götaland", "Halland"),
    "Småland och Öarna": ("Jönköping", "Kronoberg", "Kalmar", "Gotland"),
    "Sydsverige": ("Skåne", "Blekinge"),
}

# Municipality -> county, all 290 by county. A call whose region list names only
# municipalities is for those; a needs file's county is checked against it (config/needs.py).
MUNICIPALITY_COUNTY: dict[str, str] = {
    **dict.fromkeys(
        (
            "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
            "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna",
            "Stockholm", "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands Väsby",
            "Upplands-Bro", "Vallentuna", "Vaxholm", "Värmdö", "Österåker",
        ),
        "Stockholm",
    ),
    **dict.fromkeys(
        (
            "Enköping", "Heby", "Håbo", "Knivsta", "Tierp", "Uppsala", "Älvkarleby", "Östhammar",
        ),
        "Uppsala",
    ),
    **dict.fromkeys(
        (
            "Eskilstuna", "Flen", "Gnesta", "Katrineholm", "Nyköping", "Oxelösund", "Strängnäs",
            "Trosa", "Vingåker",
        ),
        "Södermanland",
    ),
    **dict.fromkeys(
        (
            "Boxholm", "Finspång", "Kinda", "Linköping", "Mjölby", "Motala", "Norrköping",
            "Söderköping", "Vadstena", "Valdemarsvik", "Ydre", "Åtvidaberg", "Ödeshög",
        ),
        "Östergötland",
    ),
    **dict.fromkeys(
        (
            "Aneby", "Eksjö", "Gislaved", "Gnosjö", "Habo", "Jönköping", "Mullsjö", "Nässjö",
            "Sävsjö", "Tranås", "Vaggeryd", "Vetlanda", "Värnamo",
        ),
        "Jönköping",
    ),
    **dict.fromkeys(
        (
            "Alvesta", "Lessebo", "Ljungby", "Markaryd", "Tingsryd", "Uppvidinge", "Växjö",
            "Älmhult",
        ),
        "Kronoberg",
    ),
    **dict.fromkeys(
        (
            "Borgholm", "Emmaboda", "Hultsfred", "Högsby", "Kalmar", "Mönsterås", "Mörbylånga",
            "Nybro", "Oskarshamn", "Torsås", "Vimmerby", "Västervik",
        ),
        "Kalmar",
    ),
    **dict.fromkeys(
        (
            "Gotland",
        ),
        "Gotland",
    ),
    **dict.fromkeys(
        (
            "Karlshamn", "Karlskrona", "Olofström", "Ronneby", "Sölvesborg",
        ),
        "Blekinge",
    ),
    **dict.fromkeys(
        (
            "Bjuv", "Bromölla", "Burlöv", "Båstad", "Eslöv", "Helsingborg", "Hässleholm", "Höganäs",
            "Hörby", "Höör", "Klippan", "Kristianstad", "Kävlinge", "Landskrona", "Lomma", "Lund",
            "Malmö", "Osby", "Perstorp", "Simrishamn", "Sjöbo", "Skurup", "Staffanstorp", "Svalöv",
            "Svedala", "Tomelilla", "Trelleborg", "Vellinge", "Ystad", "Åstorp", "Ängelholm",
            "Örkelljunga", "Östra Göinge",
        ),
        "Skåne",
    ),
    **dict.fromkeys(
        (
            "Falkenberg", "Halmstad", "Hylte", "Kungsbacka", "Laholm", "Varberg",
        ),
        "Halland",
    ),
    **dict.fromkeys(
        (
            "Ale", "Alingsås", "Bengtsfors", "Bollebygd", "Borås", "Dals-Ed", "Essunga",
            "Falköping", "Färgelanda", "Grästorp", "Gullspång", "Göteborg", "Götene", "Herrljunga",
            "Hjo", "Härryda", "Karlsborg", "Kungälv", "Lerum", "Lidköping", "Lilla Edet", "Lysekil",
            "Mariestad", "Mark", "Mellerud", "Munkedal", "Mölndal", "Orust", "Partille", "Skara",
            "Skövde", "Sotenäs", "Stenungsund", "Strömstad", "Svenljunga", "Tanum", "Tibro",
            "Tidaholm", "Tjörn", "Tranemo", "Trollhättan", "Töreboda", "Uddevalla", "Ulricehamn",
            "Vara", "Vårgårda", "Vänersborg", "Åmål", "Öckerö",
        ),
        "Västra Götaland",
    ),
    **dict.fromkeys(
        (
            "Arvika", "Eda", "Filipstad", "Forshaga", "Grums", "Hagfors", "Hammarö", "Karlstad",
            "Kil", "Kristinehamn", "Munkfors", "Storfors", "Sunne", "Säffle", "Torsby", "Årjäng",
        ),
        "Värmland",
    ),
    **dict.fromkeys(
        (
            "Askersund", "Degerfors", "Hallsberg", "Hällefors", "Karlskoga", "Kumla", "Laxå",
            "Lekeberg", "Lindesberg", "Ljusnarsberg", "Nora", "Örebro",
        ),
        "Örebro",
    ),
    **dict.fromkeys(
        (
            "Arboga", "Fagersta", "Hallstahammar", "Kungsör", "Köping", "Norberg", "Sala",
            "Skinnskatteberg", "Surahammar", "Västerås",
        ),
        "Västmanland",
    ),
    **dict.fromkeys(
        (
            "Avesta", "Borlänge", "Falun", "Gagnef", "Hedemora", "Leksand", "Ludvika",
            "Malung-Sälen", "Mora", "Orsa", "Rättvik", "Smedjebacken", "Säter", "Vansbro",
            "Älvdalen",
        ),
        "Dalarna",
    ),
    **dict.fromkeys(
        (
            "Bollnäs", "Gävle", "Hofors", "Hudiksvall", "Ljusdal", "Nordanstig", "Ockelbo",
            "Ovanåker", "Sandviken", "Söderhamn",
        ),
        "Gävleborg",
    ),
    **dict.fromkeys(
        (
            "Härnösand", "Kramfors", "Sollefteå", "Sundsvall", "Timrå", "Ånge", "Örnsköldsvik",
        ),
        "Västernorrland",
    ),
    **dict.fromkeys(
        (
            "Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund",
        ),
        "Jämtland",
    ),
    **dict.fromkeys(
        (
            "Bjurholm", "Dorotea", "Lycksele", "Malå", "Nordmaling", "Norsjö", "Robertsfors",
            "Skellefteå", "Sorsele", "Storuman", "Umeå", "Vilhelmina", "Vindeln", "Vännäs", "Åsele",
        ),
        "Västerbotten",
    ),
    **dict.fromkeys(
        (
            "Arjeplog", "Arvidsjaur", "Boden", "Gällivare", "Haparanda", "Jokkmokk", "Kalix",
            "Kiruna", "Luleå", "Pajala", "Piteå", "Älvsbyn", "Överkalix", "Övertorneå",
        ),
        "Norrbotten",
    ),
}  # fmt: skip

_MUNICIPALITY_KEYS = {name.lower(): county for name, county in MUNICIPALITY_COUNTY.items()}

# Other names of the same areas, lower case (the regions' own names and older forms).
_ALIASES: dict[str, str] = {
    "sörmland": "Södermanland",
    "jämtland härjedalen": "Jämtland",
    "jämtland-härjedalen": "Jämtland",
    "västra götalandsregionen": "Västra Götaland",
    "vgr": "Västra Götaland",
    "småland & öarna": "Småland och Öarna",
    "småland och gotland": "Småland och Öarna",
    # Parts of a county that funders name as areas (a foundation's, a Leader area's, a
    # samordningsförbund's): their county, so that other counties' municipalities are left out.
    "sjuhärad": "Västra Götaland",
    "fyrbodal": "Västra Götaland",
    "skaraborg": "Västra Götaland",
    "göteborgsregionen": "Västra Götaland",
    "göteborgsområdet": "Västra Götaland",
    "södra lappland": "Västerbotten",
    "höglandet": "Jönköping",
    "värend": "Kronoberg",
    "österlen": "Skåne",
    "nationellt": NATIONAL,
    "nationell satsning": NATIONAL,
    "nationella": NATIONAL,
    "hela sverige": NATIONAL,
    "hela landet": NATIONAL,
    "hela riket": NATIONAL,
    "sverige": NATIONAL,
    "riksomfattande": NATIONAL,
    "rikstäckande": NATIONAL,
    "alla län": NATIONAL,
    "samtliga län": NATIONAL,
    "alla regioner": NATIONAL,
    "samtliga regioner": NATIONAL,
}
_CANONICAL: dict[str, str] = {
    **{name.lower(): name for name in (*COUNTIES, *ESF_REGIONS, NATIONAL)},
    **_ALIASES,
}

# Words around an area's name that do not change which area it is. Applied repeatedly, so
# "Länsstyrelsen i Kronobergs län" and "ESF-region Småland och Öarna" both reduce to the name.
_PREFIX = re.compile(
    r"^(?:länsstyrelsen\s+(?:i\s+)?|region(?:en)?(?:\s*:\s*|\s+)|esf\+?[-\s]*(?:region(?:en)?\s*)?|"
    r"regionkontor(?:et)?\s+|landstinget\s+(?:i\s+)?|hela\s+(?=\S+s län$))",
)
_SUFFIX = re.compile(r"(?:\s+län|\s+regionen|\s+region|\s*\(.*\)|[.,:;])$")


def _candidates(text: str) -> Iterable[str]:
    """The text with its decorations peeled off one by one, most specific first."""
    key = clean_text(text).lower().replace("–", "-")
    seen: set[str] = set()
    while key and key not in seen:
        seen.add(key)
        yield key
        if key.endswith("s"):
            yield key[:-1]  # genitive: "kronobergs" (län), "västra götalands"
        stripped = _SUFFIX.sub("", _PREFIX.sub("", key, count=1), count=1).strip(" -")
        key = stripped


def normalize_region(text: str | None) -> str | None:
    """The canonical area name ("Kronoberg", "Småland och Öarna", "Nationell"), or None.

    None means "not an area": Tillväxtverket's bullet list mixes the status line, regions and
    sometimes other facts, and only the areas belong in ``Call.regions``.
    """
    if not text:
        return None
    for key in _candidates(text):
        if key in _CANONICAL:
            return _CANONICAL[key]
    return None


_LIST_SEP = re.compile(r"\s*[,;/]\s*")
_AND_SEP = re.compile(r"\s+(?:och|samt|&)\s+", re.IGNORECASE)


def _areas_in(item: str) -> list[str]:
    """The areas in one list item, which may name several ("Blekinge och Skåne",
    "Jönköpings, Kronobergs, Kalmar och Gotlands län"). The whole item is tried first, so
    "Småland och Öarna" stays one ESF region."""
    whole = normalize_region(item)
    if whole:
        return [whole]
    found: list[str] = []
    for piece in _LIST_SEP.split(clean_text(item)):
        name = normalize_region(piece)
        parts = [name] if name else map(normalize_region, _AND_SEP.split(piece))
        found.extend(part for part in parts if part)
    return found


def normalize_regions(items: Iterable[str | None]) -> list[str]:
    """Canonical areas of a list, without duplicates and non-areas, in the order given.

    An item that names several areas gives them all; items that name none are dropped.
    """
    out: list[str] = []
    for item in items:
        for name in _areas_in(item or ""):
            if name not in out:
                out.append(name)
    return out


def county_of_municipality(name: str | None) -> str | None:
    """The county of a municipality ("Växjö kommun" -> "Kronoberg"), if we know it."""
    short = municipality_name(name)
    return _MUNICIPALITY_KEYS.get(short.lower()) if short else None


def municipality_name(name: str | None) -> str:
    """A municipality's short name ("Älmhults kommun" -> "Älmhult"), or the text cleaned when it
    names no municipality we know."""
    if not name:
        return ""
    key = re.sub(r"\s+(?:kommun|stad)$", "", clean_text(name), flags=re.IGNORECASE)
    # "Älmhults kommun", "Tingsryds kommun": the official names use the genitive.
    if key.lower() not in _MUNICIPALITY_KEYS and key[-1:] == "s":
        if key[:-1].lower() in _MUNICIPALITY_KEYS:
            return key[:-1]
    return key


def region_covers(regions: Iterable[str | None], county: str) -> bool:
    """Whether a call for ``regions`` is open to applicants in ``county``.

    An empty list, or one with no recognisable area, means the funder did not say: True, and the
    matcher decides. Otherwise "Nationell", the county itself, or an ESF region holding it.
    A municipality in the list counts as its county.
    """
    target = normalize_region(county) or county_of_municipality(county) or county
    areas: set[str] = set()
    for item in regions:
        area = normalize_region(item) or county_of_municipality(item)
        if area:
            areas.add(area)
    if not areas:
        return True
    if NATIONAL in areas or target in areas:
        return True
    return any(target in ESF_REGIONS.get(area, ()) for area in areas)
