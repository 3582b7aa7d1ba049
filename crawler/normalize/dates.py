"""Swedish dates and clock times as funders write them ("den 3 mars 2026", "1 mars–3 april",
"1 dec–2 jan", "senast 16/1", "kl. 16.00"), as ISO strings.

A date without a year takes the year it is given, else its next occurrence after a reference
day (the page's own date, else today): "öppna i 1 september" in news of 20 juni 2022 is 2022.
A month alone or a vague period ("Maj 2023", "i början av juni 2023") is a month, not a day:
the caller chooses its first day (an opening), its last, or nothing (``month_only="none"``, for
deadlines, so that no made-up day reaches a calendar). "sommaren 2024" is no date at all.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from crawler.normalize.text import clean_text

_MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1,
    "februari": 2, "feb": 2, "febr": 2,
    "mars": 3, "mar": 3,
    "april": 4, "apr": 4,
    "maj": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
# Longest names first so that "mars" is not read as "mar" + "s".
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_MONTH_END = r"\.?(?![a-zåäö])"
_DASH = r"\s*(?:[-–—]|\btill\b|\bt\.?\s?o\.?\s?m\.?)\s*"
_DAY = r"(?:den\s+)?(?P<{}>[0-3]?\d)(?::[ae]|\.)?"
_YEAR = r"(?:,?\s+(?P<{}>(?:19|20)\d\d)(?!\d))"
# Every date starts at a word start: the shared lookbehind lets the engine skip the inside of
# words quickly (the scan is ~5x faster on long texts).
_DATE_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        (
            # 2024-01-15 (also 2024-1-5 as some CMSs print it)
            r"(?P<iso>(?<![\d-])(?P<iy>(?:19|20)\d\d)-(?P<im>[01]?\d)-(?P<id>[0-3]?\d)(?!\d))",
            # 1–3 april 2023: two days sharing one month
            rf"(?P<dd>(?<!\d)(?<!\d-){_DAY.format('d1')}{_DASH}{_DAY.format('d2')}\s+"
            rf"(?P<dm>{_MONTH}){_MONTH_END}{_YEAR.format('dy')}?)",
            # 19 mars 2024, den 13 september 2018, 1 sept. 2024, 16 september
            rf"(?P<long>(?<!\d)(?<!\d-){_DAY.format('ld')}\s+(?P<lm>{_MONTH}){_MONTH_END}"
            rf"{_YEAR.format('ly')}?)",
            # maj–juni 2024: two months sharing one year
            rf"(?P<mr>(?<![\wåäö])(?P<mr1>{_MONTH}){_MONTH_END}{_DASH}(?P<mr2>{_MONTH})"
            rf"{_MONTH_END}{_YEAR.format('mry')})",
            # Maj 2023 (month only)
            rf"(?P<mon>(?<![\wåäö])(?P<mm>{_MONTH}){_MONTH_END}{_YEAR.format('my')})",
            # 15/3 2024, 15/3-2024, 15.3.2024: only with a year, so "24/7" stays no date
            r"(?P<num>(?<![\d/.])(?P<nd>[0-3]?\d)(?:/(?P<nm>[01]?\d)[/\s-]|"
            r"\.(?P<nm2>[01]?\d)\.)(?P<ny>(?:19|20)\d\d)(?![\d/.]))",
            # 16/1 without a year: only after a date cue (see _SHORT_CUE), so "24/7" is none
            r"(?P<short>(?<![\d/.])(?P<sd>[0-3]?\d)/(?P<sm>[01]?\d)(?![\d/]))",
        )
    )
    + ")",
    re.IGNORECASE,
)
# What may stand between the two ends of a range: a dash or "till", and closing times
# ("från kl. 14.00 den 16 september till kl. 14.00 den 16 oktober").
_CLOCK = r"(?:\s*(?:kl\.?|klockan)\s*\d{1,2}(?:[.:]\d{2})?\s*)?"
_RANGE_GAP = re.compile(_CLOCK + _DASH + _CLOCK, re.IGNORECASE)
# What must stand right before a year-less "16/1" for it to be a date.
_SHORT_CUE = re.compile(
    r"(?:senast|den|dag|datum|stänger|stängd|öppnar|till|från|t\.?o\.?m\.?|[-–—:])\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Found:
    """One date or two-part date ("1–3 april", "maj–juni 2024") found in a text.

    ``parts`` are (month, day) pairs, day None for a month-only value; ``year`` is None when the
    text gave none.
    """

    start: int
    end: int
    year: int | None
    parts: tuple[tuple[int, int | None], ...]


def _scan(text: str) -> Iterator[_Found]:
    def year(name: str) -> int | None:
        return int(m[name]) if m[name] else None

    for m in _DATE_RE.finditer(text):
        at = (m.start(), m.end())
        if m["iso"]:
            yield _Found(*at, int(m["iy"]), ((int(m["im"]), int(m["id"])),))
        elif m["dd"]:
            month = _MONTHS[m["dm"].lower()]
            yield _Found(*at, year("dy"), ((month, int(m["d1"])), (month, int(m["d2"]))))
        elif m["long"]:
            yield _Found(*at, year("ly"), ((_MONTHS[m["lm"].lower()], int(m["ld"])),))
        elif m["num"]:
            month = int(m["nm"] or m["nm2"])
            yield _Found(*at, int(m["ny"]), ((month, int(m["nd"])),))
        elif m["short"]:
            if _SHORT_CUE.search(text[max(0, m.start() - 24) : m.start()]):
                yield _Found(*at, None, ((int(m["sm"]), int(m["sd"])),))
        elif m["mr"]:
            months = (_MONTHS[m["mr1"].lower()], None), (_MONTHS[m["mr2"].lower()], None)
            yield _Found(*at, year("mry"), months)
        else:
            yield _Found(*at, year("my"), ((_MONTHS[m["mm"].lower()], None),))


def _iso(year: int, month: int, day: int | None, month_only: str) -> str | None:
    if not 1 <= month <= 12 or (day is None and month_only == "none"):
        return None
    if day is None:
        day = calendar.monthrange(year, month)[1] if month_only == "end" else 1
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


class LocatedDate(NamedTuple):
    pos: int  # where the date starts in the text
    kind: str  # "day" or "month"
    iso: str
    to_next: bool  # the next date is the other end of the same range


def _year_near(month: int, day: int, ref: date, backward: bool) -> int:
    """The year that puts (month, day) next on or after ``ref``, or last on or before it."""
    if backward:
        return ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1
    return ref.year if (month, day) >= (ref.month, ref.day) else ref.year + 1


def located_dates(
    text: str,
    default_year: int | None,
    month_only: str,
    *,
    reference: date | None = None,
    backward: bool = False,
) -> list[LocatedDate]:
    """Every date in already cleaned text, with where it stands and whether a range goes on.

    A date without a year takes ``default_year``, else the year of its next occurrence on or
    after ``reference`` (its last one on or before it when ``backward``: "Stängde 1 feb").
    The second end of a year-less range ("1 dec–2 jan") comes after the first.
    """
    found = list(_scan(text))

    def linked(a: _Found, b: _Found) -> bool:
        return _RANGE_GAP.fullmatch(text[a.end : b.start]) is not None

    out: list[LocatedDate] = []
    previous: date | None = None  # the last end of the range a date may continue
    for i, f in enumerate(found):
        year = f.year
        links_next = i + 1 < len(found) and linked(f, found[i + 1])
        ends_range = i > 0 and linked(found[i - 1], f)
        if year is None and links_next and found[i + 1].year is not None:
            nxt = found[i + 1]
            year = nxt.year - 1 if f.parts[-1][0] > nxt.parts[0][0] else nxt.year
        if year is None:
            year = default_year
        if year is None and reference is not None:
            month, day = f.parts[0][0], f.parts[0][1] or 1
            if ends_range and previous is not None:
                year = _year_near(month, day, previous, backward=False)
            else:
                year = _year_near(month, day, reference, backward)
        if year is None:
            previous = None
            continue
        for n, (month, day) in enumerate(f.parts):
            part_year = year - 1 if n == 0 and month > f.parts[-1][0] else year
            last = n == len(f.parts) - 1
            how = "end" if month_only == "end" or (last and (n > 0 or ends_range)) else "start"
            if month_only == "none":
                how = "none"
            iso = _iso(part_year, month, day, how)
            if iso:
                kind = "day" if day is not None else "month"
                out.append(LocatedDate(f.start + n, kind, iso, links_next if last else True))
                previous = date.fromisoformat(iso)
    return out


_MONTH_ONLY = ("start", "end", "none")


def find_dates(
    text: str | None,
    *,
    default_year: int | None = None,
    month_only: str = "start",
    reference: date | None = None,
) -> list[tuple[str, str]]:
    """Every date in the text as ``(kind, ISO date)``, in order of appearance.

    ``kind`` is ``"day"`` or ``"month"`` (month-only). The ends of a range share what the text
    gave once: "1 mars–3 april 2023" gives the year to "1 mars", and "1–3 april 2023" is two
    dates; a range over New Year ("1 december–15 januari 2025") starts the year before. A
    month-only value is the first day of its month, or the last when it ends a range or
    ``month_only="end"``, or left out with ``month_only="none"``. Dates without a year take
    ``default_year``, else their next occurrence on or after ``reference``, or are skipped.
    """
    if month_only not in _MONTH_ONLY:
        raise ValueError(f"month_only must be one of {_MONTH_ONLY}, not {month_only!r}")
    found = located_dates(clean_text(text), default_year, month_only, reference=reference)
    return [(d.kind, d.iso) for d in found]


def parse_date(
    text: str | None,
    *,
    default_year: int | None = None,
    month_only: str = "start",
    reference: date | None = None,
) -> str | None:
    """The first date in the text as ISO ``YYYY-MM-DD``, or None when there is none.

    "Ej bestämt", "Löpande", "sommaren 2024" and empty text give None: a missing date must stay
    missing rather than become a guess. Month-only values ("Öppnar: Maj 2023", "i början av
    juni 2023") give the first day of the month, the last with ``month_only="end"``, or None
    with ``month_only="none"``: a deadline "Stänger: maj 2024" is no day a reader may plan by.
    """
    dates = find_dates(text, default_year=default_year, month_only=month_only, reference=reference)
    return dates[0][1] if dates else None


def parse_month(text: str | None, *, reference: date | None = None) -> str | None:
    """The month of a month-only or vague value ("Maj 2023", "slutet av september 2024") as
    ``YYYY-MM``, for a summary line; None when the text names a day or no month."""
    dates = find_dates(text, reference=reference)
    return dates[0][1][:7] if dates and dates[0][0] == "month" else None


def parse_date_range(
    text: str | None, *, default_year: int | None = None, reference: date | None = None
) -> tuple[str | None, str | None]:
    """``(opens_on, deadline)`` from a period such as "1 mars–3 april 2023".

    A single date gives ``(None, date)``: when a funder prints one date for an application
    period it is the last day to apply, and a deadline is what a municipality acts on. A
    month-only end ("mars–maj 2024", "Stänger: maj 2024") gives no deadline: the month is no
    day to plan by.
    """
    dates = find_dates(text, default_year=default_year, reference=reference)
    if not dates:
        return None, None
    if len(dates) == 1:
        kind, iso = dates[0]
        return None, (iso if kind == "day" else None)
    (_, opens_on), (kind, deadline) = dates[0], dates[1]
    return opens_on, (deadline if kind == "day" else None)


_TIME_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # kl. 16.00, kl.16.00, kl 14:00, klockan 16, kl. 9
        r"\b(?:kl\.?|klockan)\s*(\d{1,2})(?:[.:](\d{2}))?(?!\d)",
        # fram till 23.59, senast 12.00, före 16:00
        r"\b(?:till|senast|före|innan)\s+(\d{1,2})[.:](\d{2})(?!\d)(?![.,]?\d*\s*(?:kr|%|procent))",
        # 16:00 on its own (a colon is never a decimal separator in Swedish)
        r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])",
        # 23.59 on its own: the one clock time a dot cannot make a decimal number
        r"(?<![\d.,])(23)\.(59)(?![\d.,])",
    )
)


def parse_time(text: str | None) -> str | None:
    """A closing time as ``HH:MM`` ("kl. 16.00" -> "16:00"), or None."""
    text = clean_text(text)
    for pattern in _TIME_PATTERNS:
        for m in pattern.finditer(text):
            hour, minute = int(m[1]), int(m[2] or 0)
            if hour <= 24 and minute <= 59:
                return "23:59" if (hour, minute) == (24, 0) else f"{hour:02d}:{minute:02d}"
    return None
