"""Tillväxtverket (SiteVision, ``<slug>.<id>.html`` URLs): a paginated listing -> call pages.

A call page has its title, then a list whose first item is the status with a date ("Stängd 19
mars 2024", "Öppnar 13 januari 2026", "Öppen" + "Sista ansökningsdag ...") and whose other items
are regions ("Region Kronoberg", "Blekinge"), a lead paragraph, and fixed question headings;
the budget and funding rate are prose under "Hur mycket kan ni få i stöd?". Change-log lines
("Utlysning uppdaterad 2023-12-15, öppningsdatum ändrat till 13 februari.") are kept in the
summary and fill in a date the status list lacks.
"""

import re
from collections.abc import Iterator

from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import parse_date, parse_percent, parse_total_budget
from crawler.normalize.regions import normalize_region
from spiders._base import CallSpider, first
from spiders._labels import label_values
from spiders._page import content_root, text_lines
from spiders._prose import find_regions, regions_from

QUESTIONS = {
    "applicants": ["Vem kan söka?"],
    "purpose": ["Vad kan ni söka för?"],
    "money": ["Hur mycket kan ni få i stöd?", "Hur mycket kan ni få?"],
    "about": ["Vad handlar erbjudandet om?"],
}
STATUS = re.compile(
    r"^(?:Öppnar|Öppen|Öppet|Stängd|Stängt|Stänger|Sista ansökningsdag|Planerad|Kommande)\b",
    re.IGNORECASE,
)
UPDATED = re.compile(r"^Utlysning(?:en)? uppdaterad\b", re.IGNORECASE)
PUBLISHED = re.compile(r"^Publicerad\b", re.IGNORECASE)


class TillvaxtverketSpider(CallSpider):
    kind = "tillvaxtverket"

    def parse_call(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        tagged = text_lines(root)
        lines = [line.text for line in tagged]
        answers = label_values(root, QUESTIONS)
        title_at = next((i for i, line in enumerate(tagged) if line.tag == "h1"), -1)
        status_at = next(
            (i for i, t in enumerate(lines) if i > title_at and STATUS.match(t)), None
        )  # after the title: a menu item "Öppen data" is no status
        if status_at is None and len(answers) < 2:
            return
        states, regions, rest = _status_and_regions(lines, status_at)
        # without a status item: "Utlysningen planerar att öppna den 13 januari 2027"
        info = self.status_info(". ".join(states)) if states else self.prose_status(rest)
        updates = [t for t in lines if UPDATED.match(t)]
        changed = _dates_from_updates(updates)
        yield self.make_call(
            response,
            title=self.page_title(response),
            summary=" ".join([first(_lead(rest), answers.get("about"), ""), *updates]),
            status=info.status if info else "unknown",
            opens_on=first(info and info.opens_on, changed.get("opens_on")),
            deadline=first(info and info.deadline, changed.get("deadline")),
            regions=regions,
            budget_sek=parse_total_budget(answers.get("money")),
            cofinancing=parse_percent(answers.get("money")),
            applicants=answers.get("applicants"),
            published_on=parse_date(next((t for t in lines if PUBLISHED.match(t)), None)),
        )


def _status_and_regions(lines: list[str], at: int | None) -> tuple[list[str], list[str], list[str]]:
    """The status lines, the region lines right after them, and the lines that follow."""
    if at is None:
        return [], [], lines[1:]
    index, states, regions = at, [], []
    while index < len(lines) and STATUS.match(lines[index]):
        states.append(lines[index])
        # "Stängd 19 mars 2024 Region Kronoberg Blekinge": tags run together on one line
        regions += find_regions(re.sub(r"^.*?(?:\d{4}|Öppen|Öppet)\b", "", lines[index]))
        index += 1
    while index < len(lines) and _is_region_line(lines[index]):
        regions += regions_from(lines[index])
        index += 1
    return states, regions, lines[index:]


def _is_region_line(text: str) -> bool:
    """ "Region Kronoberg", "Blekinge", or a short list "Kronoberg, Kalmar" (not prose)."""
    return bool(normalize_region(text) or (len(text) <= 60 and find_regions(text)))


def _lead(lines: list[str]) -> str:
    """The lead paragraph: the first line of real prose after the status list."""
    return next((t for t in lines if len(t) > 60 and not UPDATED.match(t)), "")


def _dates_from_updates(updates: list[str]) -> dict[str, str]:
    """Dates a change-log line moves ("sista ansökningsdag ändrat till 3 december")."""
    found: dict[str, str] = {}
    for line in updates:
        stamp = parse_date(line)
        year = int(stamp[:4]) if stamp else None
        for field, cue in (("opens_on", r"öppn\w*"), ("deadline", r"sista ansökningsdag|stäng\w*")):
            m = re.search(rf"(?:{cue})\s+ändra\w*\s+till\s+(.{{3,30}})", line, re.IGNORECASE)
            moved = parse_date(m[1], default_year=year) if m else None
            if moved and stamp and moved < stamp:  # "ändrat till 13 februari" in the next year
                moved = parse_date(m[1], default_year=year + 1)
            if moved:
                found[field] = moved
    return found
