"""Status, dates and regions from running Swedish text, for pages without a field for them.

Many funders never label a call's status: Brå writes "Lämna in ansökan senast den 30 november"
and "Ansökningsperioden är nu stängd", news items say "öppnar den 10 november", and a region is
named in passing ("i Kronobergs län", "Småland och Öarna", "hela landet"). Reading such
sentences is shared by most spiders, so it lives here once, apart from the request handling of
spiders/_base.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from crawler.normalize import StatusInfo, clean_text, parse_status
from crawler.normalize.regions import COUNTIES, ESF_REGIONS, normalize_region, normalize_regions

# Sentences that may say whether a call is open, and its dates.
STATUS_CUE = re.compile(
    r"ansök|öppna|öppen|öppet|stäng|senast|sista dag|period|löpande|utlys|deadline", re.I
)
STATUS_WORD = re.compile(
    r"stäng|öppe[nt]|öppna|planer|kommande|löpande|pågå|sista ansökningsdag|när som helst|"
    r"året runt",
    re.I,
)
# What a sentence without dates must name for its status word to be the call's: "E-tjänsten
# är öppen dygnet runt" and "Telefonen är öppen måndag–fredag" say nothing about the call.
APPLICATION = re.compile(
    r"(?<![\wåäö])(?:an)?sök|utlys|bidrag|stöd|omgång|period|medel|program|projekt", re.I
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")
NEXT_ROUND = re.compile(r"\bnästa\b", re.IGNORECASE)


def prose_status(
    texts: Iterable[str], today: date, reference: date | None = None
) -> StatusInfo | None:
    """Status and dates from running text ("Lämna in ansökan senast den 30 november",
    "Ansökningsperioden är nu stängd. Sista dag att ansöka var den 15 september 2026").

    The first sentence that states a status decides it, except that a sentence saying the
    call is closed ("Ansökan är stängd") wins; later sentences may fill in the dates. Sentences
    about the next round ("Nästa ansökningsperiod öppnar ...") are left out. Dates without a
    year are read against ``reference`` (the page's own date), else today.
    """
    status = opens_on = deadline = None
    closed = False
    for text in texts:
        for sentence in SENTENCE_END.split(text):
            if NEXT_ROUND.search(sentence):
                continue
            cued = STATUS_CUE.search(sentence)
            info = parse_status(sentence, today=today, reference=reference) if cued else None
            if info is None or not (info.opens_on or info.deadline or STATUS_WORD.search(sentence)):
                continue  # "unga från 13 år" is no opening day
            if not (info.opens_on or info.deadline or APPLICATION.search(sentence)):
                continue  # "Växeln är öppen vardagar": not the call
            if status in (None, "unknown"):
                status = info.status
            closed = closed or info.status == "closed"
            opens_on, deadline = opens_on or info.opens_on, deadline or info.deadline
    if closed:
        status = "closed"
    return StatusInfo(status, opens_on, deadline) if status else None


def regions_from(text: str | None) -> list[str]:
    """Areas from a region field: "Småland & Öarna", "Region Kronoberg, Blekinge", "Jönköpings,
    Kronobergs, Kalmar och Gotlands län"."""
    found: list[str] = []
    for part in re.split(r"\s*[,;/|]\s*", clean_text(text)):
        named = normalize_region(part)
        for name in [named] if named else find_regions(part):
            if name not in found:
                found.append(name)
    return found


def find_regions(text: str) -> list[str]:
    """County and ESF region names mentioned in prose ("i Kronobergs län", "Småland och
    Öarna", "hela landet"), for pages that have no region field (news items)."""
    return normalize_regions(m[0] for m in _REGION_IN_TEXT.finditer(clean_text(text)))


_REGION_NAMES = "|".join(
    re.escape(n) for n in sorted((*ESF_REGIONS, *COUNTIES), key=len, reverse=True)
)
_REGION_IN_TEXT = re.compile(
    rf"(?<![\wåäö])(?:{_REGION_NAMES}|hela (?:landet|sverige)|nationell[at]?)s?(?![\wåäö])",
    re.IGNORECASE,
)
