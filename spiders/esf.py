"""Svenska ESF-rådet (ESF+): a listing of call cards (WordPress, ``/page/N/``) -> call pages.

A call page opens with a label block: Utlysning (the diarienummer, "2019/00316"),
Programområde, Region ("Småland & Öarna", "ESF-Nationellt"), Startdatum and Slutdatum (ISO),
Utlyst belopp ("40 000 000 kr"), Sammanfattning (holds the co-financing rate, "53 %
medfinansiering"). The closing time is in prose ("stänger kl.16.00 den 1 september 2020"), the
binding call text in a linked PDF. That block is the pre-2021 site's; there "Sammanfattning" is
a heading followed by prose. On the current site the id stands in the title ("2022/00317 – Care
– insatser för …"), and the dates of coming calls are often only in news prose without a year
("öppna i 1 september och stänga den 6 oktober"), read against the news date on the line after
the H1. Pages with neither call labels nor an id in the title (news, filters) are not calls.
"""

import re
from collections.abc import Iterator
from datetime import date

from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import parse_amount, parse_date, parse_percent, parse_time
from spiders._base import CallSpider, first
from spiders._labels import label_values
from spiders._links import pdf_links
from spiders._page import content_root, is_chrome_text, text_lines
from spiders._prose import find_regions, prose_status, regions_from

LABELS = {
    "own_id": ["Utlysning", "Diarienummer", "Dnr", "Utlysningsnummer"],
    "area": ["Programområde"],
    "region": ["Region", "Regioner"],
    "opens_on": ["Startdatum", "Öppnar", "Öppningsdatum"],
    "deadline": ["Slutdatum", "Sista ansökningsdag", "Stänger"],
    "budget": ["Utlyst belopp", "Belopp", "Budget"],
    "summary": ["Sammanfattning"],
    "applicants": ["Vem kan söka?", "Vem kan söka"],
    "target": ["Målgrupp"],
}
CALL_LABELS = ("own_id", "opens_on", "deadline", "budget")
CALL_ID = re.compile(r"(?<![\d/])(?:19|20)\d\d/\d{5}(?!\d)")
CLOSES = re.compile(r"\bstäng(?:er|de|s)\b.{0,80}", re.IGNORECASE)
COFINANCING = re.compile(r"[^.]*medfinansiering[^.]*", re.IGNORECASE)


class EsfSpider(CallSpider):
    kind = "esf"

    def parse_call(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        values = label_values(root, LABELS)
        title = self.page_title(response)
        title_id = CALL_ID.search(title)
        if not _has_call_values(values) and not title_id:
            return  # a guide that explains "Slutdatum: sista dag att ..." is no call
        tagged = [line for line in text_lines(root) if not is_chrome_text(line.text)]
        lines = [line.text for line in tagged]
        closes = _closing_sentence(lines)
        summary = values.get("summary") or _lead(lines)
        opens_on = parse_date(values.get("opens_on"))
        deadline = first(
            parse_date(values.get("deadline"), month_only="none"),
            parse_date(closes, month_only="none"),
        )
        prose = None
        if not (opens_on or deadline):
            h1 = next((i for i, line in enumerate(tagged) if line.tag == "h1"), 0)
            prose = prose_status(lines, self.today, reference=_page_date(lines[h1 + 1 :]))
        yield self.make_call(
            response,
            title=title,
            own_id=_parse_own_id(values.get("own_id")) or (title_id[0] if title_id else None),
            programme=_parse_programme(self.source.programme, values.get("area")),
            summary=summary,
            regions=regions_from(values.get("region")) or _prose_regions(title, lines),
            status=prose.status if prose else "unknown",  # dates decide when there are any
            opens_on=first(opens_on, prose and prose.opens_on),
            deadline=first(deadline, prose and prose.deadline),
            deadline_time=first(parse_time(values.get("deadline")), parse_time(closes)),
            budget_sek=parse_amount(values.get("budget")),
            cofinancing=_parse_cofinancing(summary),
            applicants=values.get("applicants"),
            target_groups=[values["target"]] if values.get("target") else [],
            documents=pdf_links(response),
        )


def _has_call_values(values: dict[str, str]) -> bool:
    """Whether a call label holds what such a label holds: an id, a date, an amount."""
    return bool(
        _parse_own_id(values.get("own_id"))
        or parse_date(values.get("opens_on"))
        or parse_date(values.get("deadline"))
        or parse_amount(values.get("budget"))
    )


def _prose_regions(title: str, lines: list[str]) -> list[str]:
    """The region a page without a Region label names in its title or prose ("ESF-rådet i
    Västsverige utlyser …"); short lines (addresses in the footer) are left out."""
    return find_regions(" ".join([title, *(t for t in lines if len(t) > 60)]))


def _page_date(lines: list[str]) -> date | None:
    """The news date on the line right after the H1 ("8 juli 2022"), which year-less dates in
    the news prose are read against."""
    found = parse_date(lines[0]) if lines and len(lines[0]) < 40 else None
    return date.fromisoformat(found) if found else None


def _parse_own_id(text: str | None) -> str | None:
    """The diarienummer ("2019/00316", "23-073-S03"), not a sentence that follows the label."""
    m = re.search(r"\b\d{2,4}[/-]\d{2,5}(?:-[A-Z]\d+)?\b", text or "")
    return m[0] if m else None


def _parse_programme(programme: str | None, area: str | None) -> str | None:
    if not area:
        return programme
    return f"{programme}, programområde {area}" if programme else f"Programområde {area}"


def _closing_sentence(lines: list[str]) -> str | None:
    for line in lines:
        m = CLOSES.search(line)
        if m:
            return m[0]
    return None


def _parse_cofinancing(summary: str | None) -> str | None:
    m = COFINANCING.search(summary or "")
    return parse_percent(m[0]) if m else None


def _lead(lines: list[str]) -> str:
    return next((t for t in lines[1:] if len(t) > 80), "")
