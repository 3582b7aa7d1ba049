"""A call's status from its dates or from the status words a page prints ("Stängd 19 mars 2024",
"Öppen för ansökan", "löpande"), with the dates such a line carries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from crawler.normalize.dates import LocatedDate, located_dates
from crawler.normalize.text import clean_text


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
    r"(?:kommer att|ska|väntas|beräknas) öppna|öppna i|"
    r"(?:planerar|"
    r"beräknas|väntas|planeras) att öppna|från)(?![\wåäö])",
    re.IGNORECASE,
)
_CLOSES_CUE = re.compile(
    _W + r"(?:ansökan stänger|stänger|stängde|stängdes|stängd|stängt för ansökan|stängt|stänga|"
    r"sista ansökningsdag(?:en)?|"
    r"sista dag(?:en)? för ansökan|sista dag|slutdatum|senast(?! uppdaterad| ändrad| granskad)|"
    r"deadline|till|t\.o\.m\.?)(?![\wåäö])",
    re.IGNORECASE,
)
_UNDECIDED_RE = re.compile(_W + r"(?:ej bestämt|inte bestämt|ej fastställt|preliminärt)", re.I)
# Between a cue and its date only a clock time, "den", a colon and the like may stand:
# "stänger kl.16.00 den 1 september 2020", "Ansökan stänger: 15 februari 2024".
_CUE_GAP = re.compile(
    r"[\s:,]*(?:(?:(?:kl\.?|klockan)\s*\d{1,2}(?:[.:]\d{2})?|den|"
    r"(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?|är|var|på|preliminärt|"
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
    dates: list[LocatedDate],
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


def parse_status(
    text: str | None, *, today: date, reference: date | None = None
) -> StatusInfo | None:
    """Status and dates from a status line or label text ("Stängd 19 mars 2024").

    Explicit words win over dates ("Ansökningsperioden är nu stängd", "Löpande"), except that a
    past deadline always means closed and a "planned" call whose opening day has passed is open.
    A date without a year is its next occurrence after ``reference`` (the page's own date,
    else today: "Stänger 1 feb" read in November is next February), its last one before it in
    a line in the past tense ("Stängde 1 feb"). A month-only deadline ("Stänger maj 2027")
    decides the status by the month's end but is no deadline: the reader gets no made-up day.
    Returns None when the text says nothing about a status, so a spider can try the next line.
    """
    text = clean_text(text)
    if not text:
        return None
    ref = reference or today
    past = _CLOSED_RE.search(text) is not None
    starts = located_dates(text, None, "start", reference=ref, backward=past)
    ends = located_dates(text, None, "end", reference=ref, backward=past)
    first = _index_after(_OPENS_CUE.finditer(text), text, starts)
    last = _index_after(_CLOSES_CUE.finditer(text), text, ends, _OTHER_DEADLINE)
    if first is None and last is None and starts and starts[0].to_next:
        first = 0  # a period without cue words: "var öppen 1 mars–3 april 2023"
    if first is not None and last in (None, first) and starts[first].to_next:
        last = first + 1  # "Öppen 1–3 april", "från 1 mars till 3 april"
    if last == first:
        last = None  # one date read by both cues ("från 1 mars")
    opens_on = starts[first].iso if first is not None else None
    deadline = ends[last].iso if last is not None and last < len(ends) else None
    if deadline and ends[last].kind == "month":
        info = _status(text, opens_on, deadline, today)
        return StatusInfo(info.status, info.opens_on, None) if info else None
    return _status(text, opens_on, deadline, today)


def _status(
    text: str, opens_on: str | None, deadline: str | None, today: date
) -> StatusInfo | None:
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
