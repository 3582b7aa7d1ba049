"""Turning the Swedish text funders publish into the values of a `Call`.

Every spider calls these functions instead of parsing dates, amounts and statuses itself, so a
format seen on one funder's site (``Stängd 19 mars 2024``, ``Ca 362 MSEK``) is understood on all
of them, and a fix lands once. Everything here is a pure function of its input (``today`` is a
parameter), so the tests are tables of real-world strings.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

__all__ = [
    "COOKIE_NOISE_PATTERNS",
    "StatusInfo",
    "clean_text",
    "find_amounts",
    "find_dates",
    "header_safe",
    "parse_amount",
    "parse_date",
    "parse_date_range",
    "parse_percent",
    "parse_status",
    "parse_time",
    "parse_total_budget",
    "safe_url",
    "status_from_dates",
]

# --------------------------------------------------------------------------------------------
# Whitespace and cookie banners
# --------------------------------------------------------------------------------------------

# Characters that are not visible and must vanish without leaving a space: a soft hyphen or a
# zero-width space inside "arbets\u00admarknad" must give "arbetsmarknad", not "arbets marknad".
# Invisible characters, and control characters (C0 but whitespace, DEL, C1): an escape sequence
# in a scraped title must not reach the coordinator's terminal through `utlys review list`.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200c\u200d\u2060\ufeff]")

# Consent banners that CMSs render into the page text (funders.md §0, §3, §6). Each pattern is
# bounded (no unbounded ``.*``) so that a banner phrase in the middle of a call text can never
# swallow the call text itself. Applied in order, after whitespace has been collapsed.
COOKIE_NOISE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # esf.se 2021-22: "Den här hemsidan använder cookies för att ... Lär dig mer [Jag förstår]"
        r"Den här (?:hem|webb)?(?:sidan|platsen) använder (?:cookies|kakor)\b.{0,400}?"
        r"(?:Lär dig mer|Läs mer(?: om (?:cookies|kakor))?)(?: Jag förstår| OK)?\.?",
        # SiteVision (arvsfonden.se): "Kakor ... Lyssna-funktionen [...]."
        r"\bKakor\b.{0,800}?Lyssna-funktionen\b\.?",
        # Generic: "Vi använder kakor (cookies) för att ...." up to the end of the sentence(s).
        r"\bVi använder (?:kakor|cookies)\b[^.]{0,300}\.(?: ?Läs mer om (?:hur vi använder )?"
        r"(?:kakor|cookies)\.?)?",
        r"\b(?:Den här|Denna) (?:webb|hem)?(?:plats|sida)(?:en|n)? använder (?:kakor|cookies)"
        r"\b[^.]{0,300}\.",
        # Buttons and links of consent dialogs.
        r"\b(?:Godkänn|Acceptera|Tillåt|Neka|Avvisa) (?:alla )?(?:kakor|cookies)\b",
        r"\b(?:Endast|Bara|Använd endast) nödvändiga (?:kakor|cookies)\b",
        r"\b(?:Inställningar för|Hantera|Anpassa) (?:kakor|cookies)\b",
        r"\b(?:Cookie|Kak)inställningar\b",
        r"\bLäs mer om (?:kakor|cookies)\b\.?",
    )
)


def clean_text(text: str | None) -> str:
    """Collapse whitespace and drop consent-banner noise.

    Scraped text carries NBSPs, soft hyphens and banner sentences that would otherwise end up in
    summaries, break regexes and change content hashes when only the banner changed.
    """
    if not text:
        return ""
    # str.split() knows every Unicode space (NBSP, thin space, line separator) and is fast.
    text = " ".join(_INVISIBLE.sub("", text).split())
    lowered = text.lower()
    if "kak" not in lowered and "cookie" not in lowered:
        return text  # every banner pattern names kakor or cookies: skip them (most texts)
    for pattern in COOKIE_NOISE_PATTERNS:
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def ellipsize(text: str, width: int = 70) -> str:
    """One line of at most ``width`` characters, cut with "…", for tables in a terminal."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

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
        )
    )
    + ")",
    re.IGNORECASE,
)
# What may stand between the two ends of a range: a dash or "till", and closing times
# ("från kl. 14.00 den 16 september till kl. 14.00 den 16 oktober").
_CLOCK = r"(?:\s*(?:kl\.?|klockan)\s*\d{1,2}(?:[.:]\d{2})?\s*)?"
_RANGE_GAP = re.compile(_CLOCK + _DASH + _CLOCK, re.IGNORECASE)


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
        elif m["mr"]:
            months = (_MONTHS[m["mr1"].lower()], None), (_MONTHS[m["mr2"].lower()], None)
            yield _Found(*at, year("mry"), months)
        else:
            yield _Found(*at, year("my"), ((_MONTHS[m["mm"].lower()], None),))


def _iso(year: int, month: int, day: int | None, month_only: str) -> str | None:
    if not 1 <= month <= 12:
        return None
    if day is None:
        day = calendar.monthrange(year, month)[1] if month_only == "end" else 1
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


class _Date(NamedTuple):
    pos: int  # where the date starts in the text
    kind: str  # "day" or "month"
    iso: str
    to_next: bool  # the next date is the other end of the same range


def _located_dates(text: str, default_year: int | None, month_only: str) -> list[_Date]:
    """Every date in already cleaned text, with where it stands and whether a range goes on."""
    found = list(_scan(text))

    def linked(a: _Found, b: _Found) -> bool:
        return _RANGE_GAP.fullmatch(text[a.end : b.start]) is not None

    out: list[_Date] = []
    for i, f in enumerate(found):
        year = f.year
        links_next = i + 1 < len(found) and linked(f, found[i + 1])
        if year is None and links_next and found[i + 1].year is not None:
            nxt = found[i + 1]
            year = nxt.year - 1 if f.parts[-1][0] > nxt.parts[0][0] else nxt.year
        if year is None:
            year = default_year
        if year is None:
            continue
        ends_range = i > 0 and linked(found[i - 1], f)
        for n, (month, day) in enumerate(f.parts):
            part_year = year - 1 if n == 0 and month > f.parts[-1][0] else year
            last = n == len(f.parts) - 1
            how = "end" if month_only == "end" or (last and (n > 0 or ends_range)) else "start"
            iso = _iso(part_year, month, day, how)
            if iso:
                kind = "day" if day is not None else "month"
                out.append(_Date(f.start + n, kind, iso, links_next if last else True))
    return out


def find_dates(
    text: str | None, *, default_year: int | None = None, month_only: str = "start"
) -> list[tuple[str, str]]:
    """Every date in the text as ``(kind, ISO date)``, in order of appearance.

    ``kind`` is ``"day"`` or ``"month"`` (month-only). The ends of a range share what the text
    gave once: "1 mars–3 april 2023" gives the year to "1 mars", and "1–3 april 2023" is two
    dates; a range over New Year ("1 december–15 januari 2025") starts the year before. A
    month-only value is the first day of its month, or the last when it ends a range or
    ``month_only="end"``. Dates without a year take ``default_year``, or are skipped.
    """
    return [(d.kind, d.iso) for d in _located_dates(clean_text(text), default_year, month_only)]


def parse_date(
    text: str | None, *, default_year: int | None = None, month_only: str = "start"
) -> str | None:
    """The first date in the text as ISO ``YYYY-MM-DD``, or None when there is none.

    "Ej bestämt", "Löpande" and empty text give None: a missing date must stay missing rather
    than become a guess. Month-only values ("Öppnar: Maj 2023") give the first day of the month,
    or the last with ``month_only="end"`` (for a deadline, the later reading is the safe one).
    """
    if month_only not in ("start", "end"):
        raise ValueError(f"month_only must be 'start' or 'end', not {month_only!r}")
    dates = find_dates(text, default_year=default_year, month_only=month_only)
    return dates[0][1] if dates else None


def parse_date_range(
    text: str | None, *, default_year: int | None = None
) -> tuple[str | None, str | None]:
    """``(opens_on, deadline)`` from a period such as "1 mars–3 april 2023".

    A single date gives ``(None, date)``: when a funder prints one date for an application
    period it is the last day to apply, and a deadline is what a municipality acts on. A
    month-only end ("mars–maj 2024") is the last day of that month.
    """
    dates = find_dates(text, default_year=default_year)
    if not dates:
        return None, None
    if len(dates) == 1:
        kind, iso = dates[0]
        if kind == "month":
            iso = parse_date(text, default_year=default_year, month_only="end")
        return None, iso
    return dates[0][1], dates[1][1]


# --------------------------------------------------------------------------------------------
# Times
# --------------------------------------------------------------------------------------------

_TIME_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # kl. 16.00, kl.16.00, kl 14:00, klockan 16, kl. 9
        r"\b(?:kl\.?|klockan)\s*(\d{1,2})(?:[.:](\d{2}))?(?!\d)",
        # fram till 23.59, senast 12.00, före 16:00
        r"\b(?:till|senast|före|innan)\s+(\d{1,2})[.:](\d{2})(?!\d)(?![.,]?\d*\s*(?:kr|%|procent))",
        # 16:00 on its own (a colon is never a decimal separator in Swedish)
        r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])",
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


# --------------------------------------------------------------------------------------------
# Amounts and percentages
# --------------------------------------------------------------------------------------------

_THOUSANDS_SEP = r"[ \u00a0\u2009\u202f.]"
_NUMBER = (
    rf"(?<![\d,.])(?:\d{{1,3}}(?:{_THOUSANDS_SEP}\d{{3}})+(?![\d])|\d+)"
    r"(?:,\d+|\.\d{1,2}(?!\d))?"
)
_WORD_NUMBERS = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8,
    "nio": 9, "tio": 10, "tolv": 12, "femton": 15, "tjugo": 20, "trettio": 30, "fyrtio": 40,
    "femtio": 50, "hundra": 100,
}  # fmt: skip
_WORD_NUMBER = r"(?<![\wåäö])(?:" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + ")"
_MULTIPLIERS: tuple[tuple[str, int], ...] = (
    (r"miljarder|miljard|mdkr|mdr\.?", 1_000_000_000),
    (r"miljoner|miljon|milj\.?|mnkr|mkr|msek", 1_000_000),
    (r"tusen(?=\s+(?:kronor|kr|sek)\b)|tkr|ksek", 1_000),
    (r"kronor|kr\.?|sek|:-", 1),
)
_UNIT = "|".join(f"(?P<u{i}>{p})" for i, (p, _) in enumerate(_MULTIPLIERS))
# "2 miljoner invånare" counts people, not money.
_NOT_MONEY = r"(?!\s+(?:invånare|människor|personer|besökare|deltagare|ton|km|kilometer|timmar))"
_AMOUNT_RE = re.compile(
    rf"(?P<lo>{_NUMBER}|{_WORD_NUMBER})(?:\s*[-–]\s*(?P<hi>{_NUMBER}))?\s*(?:{_UNIT})"
    rf"(?![a-zåäö]){_NOT_MONEY}"
    r"(?P<cur>\s+(?:kronor|kr\b|sek\b|svenska kronor))?"
    r"(?P<foreign>\s*(?:euro|eur\b|€|dollar|usd\b))?",
    re.IGNORECASE,
)


def _to_decimal(number: str) -> Decimal | None:
    if number.lower() in _WORD_NUMBERS:
        return Decimal(_WORD_NUMBERS[number.lower()])
    digits = re.sub(r"[ \u00a0\u2009\u202f]", "", number)
    if re.search(r"\.\d{3}(?!\d)", digits):  # 1.000.000: dots group thousands
        digits = digits.replace(".", "")
    try:
        return Decimal(digits.replace(",", "."))
    except InvalidOperation:
        return None


def find_amounts(text: str | None) -> list[int]:
    """Every amount in Swedish kronor in the text, in order ("5–10 miljoner" gives both).

    A number counts only with a currency or a multiplier word after it, so years, percentages
    ("40 procent") and counts ("200 deltagare") are not amounts; amounts in euro are skipped.
    """
    text = clean_text(text)
    out: list[int] = []
    for m in _AMOUNT_RE.finditer(text):
        if m["foreign"]:
            continue
        factor = next(f for i, (_, f) in enumerate(_MULTIPLIERS) if m.group(f"u{i}") is not None)
        for part in (m["lo"], m["hi"]):
            value = _to_decimal(part) if part else None
            if value is not None:
                out.append(int(value * factor))
    return out


def parse_amount(text: str | None) -> int | None:
    """The first amount in kronor ("Ca 362 MSEK" -> 362000000), or None."""
    amounts = find_amounts(text)
    return amounts[0] if amounts else None


_TOTAL_CUE = re.compile(
    r"\b(?:totalt|utlyst belopp|tillgängliga medel|sammanlagt|total budget|budget för "
    r"utlysningen|utlysningens budget|avsatt|omfattar|utlyser|utlyses)\b",
    re.IGNORECASE,
)


def parse_total_budget(text: str | None) -> int | None:
    """The call's total budget from prose that also names per-project amounts.

    Tillväxtverket writes "Förstudier kan max få 744 000 kronor. Totalt finns preliminärt cirka
    57,7 miljoner": the amount after a cue such as "Totalt", "Utlyst belopp" or "Tillgängliga
    medel" wins; without a cue the largest amount is the best guess at the total.
    """
    text = clean_text(text)
    for cue in _TOTAL_CUE.finditer(text):
        amounts = find_amounts(text[cue.end() : cue.end() + 160])
        if amounts:
            return amounts[0]
    amounts = find_amounts(text)
    return max(amounts) if amounts else None


_PERCENT_RE = re.compile(
    r"(?<![\d,])(\d{1,3}(?:,\d+)?)(?:\s*(?:%|procent)?\s*[-–]\s*(\d{1,3}(?:,\d+)?))?"
    r"\s*(?:%|procents?\b)",
    re.IGNORECASE,
)


def parse_percent(text: str | None) -> str | None:
    """A co-financing rate as short text: "53 %", "40 %", "75–90 %"; None without one.

    Kept as text rather than a number because funders give ranges and the digest shows it as is.
    """
    m = _PERCENT_RE.search(clean_text(text))
    if not m:
        return None
    return f"{m[1]}–{m[2]} %" if m[2] else f"{m[1]} %"


# --------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusInfo:
    """What a status line says: the status and any dates it carries (ISO or None)."""

    status: str
    opens_on: str | None = None
    deadline: str | None = None


def status_from_dates(
    opens_on: str | None, deadline: str | None, today: date, *, default: str = "unknown"
) -> str:
    """The status implied by the dates alone; the deadline day itself is still open."""
    now = today.isoformat()
    if deadline and deadline < now:
        return "closed"
    if opens_on and opens_on > now:
        return "planned"
    if opens_on or deadline:
        return "open"
    return default


_W = r"(?<![\wåäö])"  # word start that also respects Swedish letters
_STANDING_RE = re.compile(
    _W + r"(?:löpande|ansök(?:a|an)? när som helst|året runt|hela året|rullande|"
    r"inga (?:sista )?ansökningsdag(?:ar)?|ingen sista ansökningsdag)",
    re.IGNORECASE,
)
_CLOSED_RE = re.compile(
    _W + r"(?:stängd|stängt|stängda|stängde|stängdes|stängts|avslutad|avslutade|var öppen|"
    r"har stängt|"
    r"är nu stängd|ansökningstiden har gått ut|gick ut)(?![\wåäö])",
    re.IGNORECASE,
)
_OPEN_RE = re.compile(
    _W + r"(?:öppen|öppet|öppna|pågående|aktuell utlysning|går att söka|kan sökas)(?![\wåäö])",
    re.IGNORECASE,
)
# "I dag öppnar utlysningen": the opening verb, but the call is open now.
_OPEN_NOW_RE = re.compile(
    _W + r"(?:i ?dag öppnar|nu öppnar|har öppnat|öppnade|öppnades|är nu öppen|nu öppen)"
    r"(?![\wåäö])",
    re.IGNORECASE,
)
_PLANNED_RE = re.compile(
    _W + r"(?:planerad|planerade|kommande|planerar att öppna|annonseringsläge|ej öppnad)"
    r"(?![\wåäö])",
    re.IGNORECASE,
)
# Cues that the date after them is the opening or the closing day.
_OPENS_CUE = re.compile(
    _W + r"(?:ansökan öppnar|öppnar|öppnade|öppnades|öppningsdatum|startdatum|öppnas|öppen från|"
    r"(?:planerar|"
    r"beräknas|väntas|planeras) att öppna|från)(?![\wåäö])",
    re.IGNORECASE,
)
_CLOSES_CUE = re.compile(
    _W + r"(?:ansökan stänger|stänger|stängde|stängdes|stängd|stängt för ansökan|stängt|"
    r"sista ansökningsdag(?:en)?|"
    r"sista dag(?:en)? för ansökan|sista dag|slutdatum|senast(?! uppdaterad| ändrad| granskad)|"
    r"deadline|till|t\.o\.m\.?)(?![\wåäö])",
    re.IGNORECASE,
)
_UNDECIDED_RE = re.compile(_W + r"(?:ej bestämt|inte bestämt|ej fastställt|preliminärt)", re.I)
# Between a cue and its date only a clock time, "den", a colon and the like may stand:
# "stänger kl.16.00 den 1 september 2020", "Ansökan stänger: 15 februari 2024".
_CUE_GAP = re.compile(
    r"[\s:,]*(?:(?:(?:kl\.?|klockan)\s*\d{1,2}(?:[.:]\d{2})?|den|är|var|på|preliminärt|"
    r"cirka|ca\.?|tidigast|senast|för ansökan|för ansökningar|att (?:an)?söka|i|under|om|"
    r"utlysningen|ansökan|ansökningsomgången|ansökningsperioden|"
    r"i (?:början|mitten|slutet) av|(?:har\s+)?(?:ändrats|ändrat|"
    r"ändrad|flyttats|flyttat|flyttad)\s+till)[\s:,]*)*",
    re.IGNORECASE,
)


# A closing cue about something else than the application: "ska starta senast 1 juni",
# "Beslut meddelas: senast 31 mars", "Anmäl dig senast 11 november" (to a meeting).
_OTHER_DEADLINE = re.compile(
    r"(?:start|påbörja|avsluta|slutför|genomför|redovis|rapporter|beslut|besked|meddela|anmäl|"
    r"klar|projekttid|projektperiod)\w*\W+(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)


def _index_after(
    cues: Iterator[re.Match[str]],
    text: str,
    dates: list[_Date],
    veto: re.Pattern[str] | None = None,
) -> int | None:
    """Index of the first date that directly follows one of the cues, not one further on."""
    for cue in cues:
        if veto is not None:
            sentence = re.split(r"[.!?]\s", text[: cue.start()])[-1]
            if veto.search(sentence):
                continue
        for i, d in enumerate(dates):
            if d.pos >= cue.end():
                if _CUE_GAP.fullmatch(text[cue.end() : d.pos]):
                    return i
                break
    return None


def parse_status(text: str | None, *, today: date) -> StatusInfo | None:
    """Status and dates from a status line or label text ("Stängd 19 mars 2024").

    Explicit words win over dates ("Ansökningsperioden är nu stängd", "Löpande"), except that a
    past deadline always means closed and a "planned" call whose opening day has passed is open.
    Dates without a year ("Stänger 1 feb") take today's year. Returns None when the text says
    nothing about a status, so a spider can try the next line.
    """
    text = clean_text(text)
    if not text:
        return None
    starts = _located_dates(text, today.year, "start")
    ends = _located_dates(text, today.year, "end")
    first = _index_after(_OPENS_CUE.finditer(text), text, starts)
    last = _index_after(_CLOSES_CUE.finditer(text), text, ends, _OTHER_DEADLINE)
    if first is None and last is None and starts and starts[0].to_next:
        first = 0  # a period without cue words: "var öppen 1 mars–3 april 2023"
    if first is not None and last in (None, first) and starts[first].to_next:
        last = first + 1  # "Öppen 1–3 april", "från 1 mars till 3 april"
    if last == first:
        last = None  # one date read by both cues ("från 1 mars")
    opens_on = starts[first].iso if first is not None else None
    deadline = ends[last].iso if last is not None else None
    by_dates = status_from_dates(opens_on, deadline, today)

    if _CLOSED_RE.search(text):
        return StatusInfo("closed", opens_on, deadline)
    if _STANDING_RE.search(text):
        return StatusInfo("standing", opens_on, deadline)
    if deadline and deadline < today.isoformat():
        return StatusInfo("closed", opens_on, deadline)
    if _OPEN_NOW_RE.search(text):
        return StatusInfo("open", opens_on, deadline)
    if _PLANNED_RE.search(text) or (
        _OPENS_CUE.search(text) and (opens_on is None or by_dates == "planned")
    ):
        status = "open" if opens_on and by_dates == "open" else "planned"
        return StatusInfo(status, opens_on, deadline)
    if _OPEN_RE.search(text):
        # "Ansökan är öppen 1 mars–3 april 2027" read in November: the dates are more precise.
        return StatusInfo("planned" if by_dates == "planned" else "open", opens_on, deadline)
    if by_dates != "unknown":
        return StatusInfo(by_dates, opens_on, deadline)
    if _UNDECIDED_RE.search(text) and _OPENS_CUE.search(text):
        return StatusInfo("planned")
    return None


# --------------------------------------------------------------------------------------------
# URLs and mail headers
# --------------------------------------------------------------------------------------------

# Browsers drop tabs and newlines anywhere in a URL and C0 controls and spaces at its ends.
_URL_JUNK = re.compile(r"[\x00-\x1f\x7f]")
_URL_EDGES = "".join(map(chr, range(0x21))) + "\x7f"
_HAS_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_URL_SAFE = "/%:@!$&'()*+,;=-._~?"


def safe_url(href: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL, or None for anything else.

    Scraped links are untrusted: browsers ignore tabs and newlines inside a URL and leading
    spaces, so ``" javascript:"`` and ``"java\\tscript:"`` run script while ``urljoin`` passes
    them through. The scheme is decided after removing those characters, and the URL is rebuilt
    from its parts (credentials dropped, unsafe characters percent-encoded), never returned raw.
    """
    if not href:
        return None
    href = _URL_JUNK.sub("", href.strip(_URL_EDGES))
    if not href:
        return None
    if base and not _HAS_SCHEME.match(href):
        href = urljoin(_URL_JUNK.sub("", base.strip(_URL_EDGES)), href)
    try:
        parts = urlsplit(href)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host:
        return None
    if not re.fullmatch(r"[\w.\-]+|[0-9a-f:.]+", host, re.IGNORECASE):
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit(
        (
            scheme,
            netloc,
            quote(parts.path or "/", safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            quote(parts.fragment, safe=_URL_SAFE),
        )
    )


_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[a-z]?\?[^?]*\?=", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


def header_safe(text: str | None) -> str:
    """A scraped string made safe for a mail header: one line, no encoded-words.

    On Python 3.11.7 a newline in a header value, or an RFC 2047 encoded newline, can inject
    headers (CVE-2024-6923); the email library encodes non-ASCII itself, so encoded-words in
    scraped text are never legitimate and are removed rather than decoded.
    """
    if not text:
        return ""
    # Invisible characters go first: "=\u00ad?" must not turn into "=?" after the check.
    text = clean_text(_CONTROL.sub(" ", text))
    previous = None
    while previous != text:
        previous, text = text, _ENCODED_WORD.sub(" ", text)
    # What is left of a broken or nested encoded-word must not start a new one.
    return " ".join(text.replace("=?", "= ?").split())
