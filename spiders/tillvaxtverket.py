"""Tillväxtverket (SiteVision, ``<slug>.<id>.html`` URLs): a paginated listing -> call pages.

A current call page has its title, then one list: the first item is a status word with its
date, and only three words occur (``Öppnar <date>``: no closing date in the head; ``Stänger
<date>``: open; ``Stängd <date>``); the other items are regions, "Region Kronoberg", "Region
Jönköpings län" (2023) or bare "Kronoberg", "Jönköping" (2024-26). A national call lists every
county, never "Hela Sverige". Then a lead and the question headings; the budget and rate are
prose under "Hur mycket kan ni få i stöd?" ("Totalt finns cirka 57,7 miljoner …"). The other
date may only be in a change line ("Utlysning uppdaterad 2023-12-15, öppningsdatum ändrat till
13 februari.").

Pages of 2017-21 have no status item: the window is prose ("Utlysningsomgången är öppen: 1
februari 2018 – 15 maj 2018."), sometimes with sub-deadlines (the last one is the deadline; the
lines stay in the summary). Planned pages say "Utlysningen planerar att öppna den …" and are
deleted when the call opens.
"""

import re
from collections.abc import Iterator
from datetime import date

from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import StatusInfo, find_dates, parse_date, parse_percent, parse_total_budget
from crawler.normalize.regions import COUNTIES, normalize_region
from spiders._base import CallSpider, first
from spiders._labels import label_values
from spiders._page import content_root, is_chrome_text, text_lines
from spiders._prose import find_regions, regions_from

QUESTIONS = {
    "applicants": ["Vem kan söka?"],
    "purpose": ["Vad kan ni söka för?"],
    "money": ["Hur mycket kan ni få i stöd?", "Hur mycket kan ni få?"],
    "about": ["Vad handlar erbjudandet om?"],
}
# The three status words, each with its date in the same item ("Sista ansökningsdag <date>" is
# read too: no real page shows it, but it is no menu text either).
STATUS = re.compile(
    r"^(?:Öppnar|Stänger|Stängd|Sista ansökningsdag)\s+(?:den\s+)?\d", re.IGNORECASE
)
UPDATED = re.compile(r"^Utlysning(?:en)? uppdaterad\b", re.IGNORECASE)
PUBLISHED = re.compile(r"^Publicerad\b", re.IGNORECASE)
# 2017-21 prose: "Utlysningsomgången är öppen: 1 februari 2018 – 15 maj 2018."
WINDOW = re.compile(r"\b(?:utlysnings|ansöknings)omgång\w*\s+(?:är|var)\s+öppen\b", re.I)
SUB_DEADLINE = re.compile(
    r"\b(?:sista ansökningsdag|deadline|stänger|ansökningsomgång \d|omgång \d|delomgång)", re.I
)
TOTAL = re.compile(r"\b(?:totalt|sammanlagt)\b", re.IGNORECASE)


class TillvaxtverketSpider(CallSpider):
    kind = "tillvaxtverket"

    def parse_call(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        tagged = [line for line in text_lines(root) if not is_chrome_text(line.text)]
        lines = [line.text for line in tagged]
        answers = label_values(root, QUESTIONS)
        title_at = next((i for i, line in enumerate(tagged) if line.tag == "h1"), -1)
        status_at = next(
            (i for i, t in enumerate(lines) if i > title_at and STATUS.match(t)), None
        )  # after the title: a menu item "Stängd" elsewhere is no status
        window = [t for t in lines[title_at + 1 :] if WINDOW.search(t)]
        if status_at is None and not window and len(answers) < 2:
            return
        states, regions, rest = _status_and_regions(lines, status_at)
        updates = [t for t in lines if UPDATED.match(t)]
        if states:
            info = self.status_info(". ".join(states))
        elif window:
            info = self._window_status(window + _sub_deadlines(rest))
        else:  # "Utlysningen planerar att öppna den 13 januari 2027"
            info = self.prose_status(rest)
            if not (info and (info.opens_on or info.deadline or info.status == "planned")):
                return  # question headings alone make a guide page, not a call
        changed = _dates_from_updates(updates)
        money = answers.get("money") or " ".join(t for t in rest if TOTAL.search(t))
        summary = [first(_lead(rest), answers.get("about"), ""), *window, *updates]
        yield self.make_call(
            response,
            title=self.page_title(response),
            summary=" ".join(dict.fromkeys(summary)),
            status=info.status if info else "unknown",
            opens_on=first(info and info.opens_on, changed.get("opens_on")),
            deadline=first(info and info.deadline, changed.get("deadline")),
            regions=_national(regions),
            budget_sek=parse_total_budget(money) if money else None,
            cofinancing=parse_percent(answers.get("money")),
            applicants=answers.get("applicants"),
            published_on=parse_date(next((t for t in lines if PUBLISHED.match(t)), None)),
        )

    def _window_status(self, lines: list[str]) -> StatusInfo | None:
        """The window of an old page: its first day opens, the last day of all its lines (the
        last sub-deadline) closes."""
        days = [iso for line in lines for kind, iso in find_dates(line) if kind == "day"]
        if not days:
            return self.prose_status(lines)
        opens_on, deadline = min(days), max(days)
        status = "closed" if deadline < self.today.isoformat() else "unknown"
        return StatusInfo(status, opens_on if len(days) > 1 else None, deadline)


def _status_and_regions(lines: list[str], at: int | None) -> tuple[list[str], list[str], list[str]]:
    """The status line, the region lines right after it, and the lines that follow."""
    if at is None:
        return [], [], lines[1:]
    # "Stängd 19 mars 2024 Region Kronoberg Blekinge": tags run together on one line
    regions = find_regions(re.sub(r"^.*?\d{4}\b", "", lines[at]))
    index = at + 1
    while index < len(lines) and _is_region_line(lines[index]):
        regions += regions_from(lines[index])
        index += 1
    return [lines[at]], regions, lines[index:]


def _is_region_line(text: str) -> bool:
    """ "Region Kronoberg", "Blekinge", or a short list "Kronoberg, Kalmar" (not prose)."""
    return bool(normalize_region(text) or (len(text) <= 60 and find_regions(text)))


def _national(regions: list[str]) -> list[str]:
    """Every county listed, as a national call does, is "Nationell"."""
    found = list(dict.fromkeys(regions))
    return ["Nationell"] if set(COUNTIES) <= set(found) else found


def _sub_deadlines(lines: list[str]) -> list[str]:
    """Lines of an old page that give a round's closing day ("Sista ansökningsdag för omgång
    2 är 15 maj 2018")."""
    return [t for t in lines if SUB_DEADLINE.search(t) and find_dates(t) and len(t) < 200]


def _lead(lines: list[str]) -> str:
    """The lead paragraph: the first line of real prose after the status list."""
    return next(
        (t for t in lines if len(t) > 60 and not UPDATED.match(t) and not WINDOW.search(t)), ""
    )


def _dates_from_updates(updates: list[str]) -> dict[str, str]:
    """Dates a change-log line moves ("öppningsdatum ändrat till 13 februari"), a year-less
    date read as its next occurrence after the line's own date."""
    found: dict[str, str] = {}
    for line in updates:
        stamp = parse_date(line)
        ref = date.fromisoformat(stamp) if stamp else None
        for field, cue in (("opens_on", r"öppn\w*"), ("deadline", r"sista ansökningsdag|stäng\w*")):
            m = re.search(rf"(?:{cue})\s+ändra\w*\s+till\s+(.{{3,30}})", line, re.IGNORECASE)
            moved = parse_date(m[1], reference=ref, month_only="none") if m and ref else None
            if moved:
                found[field] = moved
    return found
