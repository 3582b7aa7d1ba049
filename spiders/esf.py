"""Svenska ESF-rådet (ESF+): a listing of call cards (WordPress, ``/page/N/``) -> call pages.

A call page opens with a label block: Utlysning (the diarienummer, "2019/00316"),
Programområde, Region ("Småland & Öarna", "ESF-Nationellt"), Startdatum and Slutdatum (ISO),
Utlyst belopp ("40 000 000 kr"), Sammanfattning (holds the co-financing rate, "53 %
medfinansiering"). The closing time is in prose ("stänger kl.16.00 den 1 september 2020"), the
binding call text in a linked PDF. Pages without any of the call labels (news, filters) are not
calls.
"""

import re
from collections.abc import Iterator

from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import parse_amount, parse_date, parse_percent, parse_time
from spiders._base import CallSpider, first
from spiders._labels import label_values
from spiders._links import pdf_links
from spiders._page import content_root, text_lines
from spiders._prose import regions_from

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
CLOSES = re.compile(r"\bstäng(?:er|de|s)\b.{0,80}", re.IGNORECASE)
COFINANCING = re.compile(r"[^.]*medfinansiering[^.]*", re.IGNORECASE)


class EsfSpider(CallSpider):
    kind = "esf"

    def parse_call(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        values = label_values(root, LABELS)
        if not any(values.get(k) for k in CALL_LABELS):
            return
        lines = [line.text for line in text_lines(root)]
        closes = _closing_sentence(lines)
        summary = values.get("summary") or _lead(lines)
        opens_on = parse_date(values.get("opens_on"))
        deadline = first(parse_date(values.get("deadline"), month_only="end"), parse_date(closes))
        prose = self.prose_status(lines) if not (opens_on or deadline) else None
        yield self.make_call(
            response,
            title=self.page_title(response),
            own_id=_parse_own_id(values.get("own_id")),
            programme=_parse_programme(self.source.programme, values.get("area")),
            summary=summary,
            regions=regions_from(values.get("region")),
            status=prose.status if prose else "unknown",  # dates decide when there are any
            opens_on=opens_on,
            deadline=deadline,
            deadline_time=first(parse_time(values.get("deadline")), parse_time(closes)),
            budget_sek=parse_amount(values.get("budget")),
            cofinancing=_parse_cofinancing(summary),
            applicants=values.get("applicants"),
            target_groups=[values["target"]] if values.get("target") else [],
            documents=pdf_links(response),
        )


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
