"""National agencies' grant pages: a list of grants, then one page per grant (statsbidrag).

Brå, Skolverket, Socialstyrelsen and MUCF all publish a grant this way, so they share this kind
and need no module of their own. The pages differ in how they give the dates, and this kind
reads every form seen:

- a status line under the title (Socialstyrelsen: "Öppet för ansökan 1 oktober 2026, sista
  ansökningsdag 30 november 2026 kl. 23.59", "Stängt för ansökan 30 september 2026");
- prose (Brå: "Lämna in ansökan senast den 30 november", often without a year; Skolverket:
  "Ansökan är öppen 1 mars–3 april 2027 i e-tjänsten för statsbidrag" or "Ansökan för våren var
  öppen ..."), where a sentence about the next round ("Nästa ansökningsperiod öppnar sommaren
  2024") is not this round's status;
- labels (MUCF: "Ansökan öppnar", "Ansökan stänger: ... (ansökan kan skickas in fram till 23.59
  denna dag)", "Beslut meddelas"), which win over prose dates; a notice "Ansökan är stängd" wins
  over both.

Who may apply and the money are under question headings ("Vem kan söka?", "Hur mycket kan man
få?"), or the pool is a sentence ("Totalt finns 20 miljoner kronor att fördela"). A page with
neither a status nor such a heading is no grant (a news item, a guide). The kind takes no
``options``: what differs between the agencies is read from the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree
from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import StatusInfo, parse_date, parse_percent, parse_time, parse_total_budget
from spiders._base import CallSpider, first
from spiders._labels import label_values, sections
from spiders._page import HEADINGS, content_root, element_text, text_lines
from spiders._prose import SENTENCE_END, STATUS_CUE

# The question headings and labels national funders use on a grant page.
GRANT_LABELS = {
    "applicants": ["Vem kan söka?", "Vem kan ansöka?", "Vilka kan söka?", "Vem får söka?"],
    "money": [
        "Hur mycket kan ni få i stöd?", "Hur mycket kan man få?", "Hur mycket pengar finns det?",
        "Hur mycket kan ni få?", "Hur mycket pengar kan man söka?", "Belopp", "Budget",
        "Hur mycket kan ni söka?", "Hur mycket stöd kan ni få?", "Hur mycket pengar finns?",
        "Hur mycket pengar finns det att söka?", "Hur mycket kan vi få?",
    ],
    "target": ["Målgrupp", "Målgrupper", "Vem riktar sig stödet till?"],
    "purpose": ["Vad kan ni söka för?", "Vad kan man få stöd för?", "Vad kan ni söka bidrag för?"],
}  # fmt: skip
DATE_LABELS = {
    "opens": ["Ansökan öppnar", "Öppnar"],
    "closes": ["Ansökan stänger", "Stänger", "Sista ansökningsdag"],
    "decision": ["Beslut meddelas", "Beslut"],
}
POOL_CUE = re.compile(r"\b(?:totalt|sammanlagt|fördela[rs]?|att söka|finns)\b", re.I)


class GrantPageSpider(CallSpider):
    kind = "grant_page"
    default_regions = ("Nationell",)

    def parse_call(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        lines = [line.text for line in text_lines(root)]
        answers = _parse_answers(root)
        prose = self.prose_status(lines)
        if prose is None and not ({"applicants", "money"} & set(answers)):
            return  # no grant: a news item, a guide
        dates = label_values(root, DATE_LABELS)
        title = self.page_title(response)
        yield self.make_call(
            response,
            title=title,
            summary=f"{_parse_summary(lines, title)} {_parse_decision(dates)}",
            status=_parse_status(prose, dates),
            opens_on=first(parse_date(dates.get("opens")), prose and prose.opens_on),
            deadline=first(
                parse_date(dates.get("closes"), month_only="end"), prose and prose.deadline
            ),
            deadline_time=first(parse_time(dates.get("closes")), parse_time(_status_line(lines))),
            budget_sek=parse_total_budget(answers.get("money")) or _pool_budget(lines),
            cofinancing=parse_percent(answers.get("money")),
            applicants=answers.get("applicants"),
            target_groups=[answers["target"]] if answers.get("target") else [],
        )


def _parse_answers(root: etree._Element) -> dict[str, str]:
    """The answers under the question headings, any "Hur mycket ...?" heading counting as money."""
    answers = label_values(root, GRANT_LABELS)
    if "money" not in answers:
        money = [s for s in sections(root, HEADINGS) if s.title.startswith("Hur mycket")]
        if money:
            answers["money"] = element_text(money[0].as_element())
    return answers


def _parse_status(prose: StatusInfo | None, dates: dict[str, str]) -> str:
    """A closed notice beats everything; labelled dates beat the prose ("unknown": the dates
    decide in ``make_call``)."""
    if prose and prose.status == "closed":
        return "closed"
    if prose is None or dates.get("opens") or dates.get("closes"):
        return "unknown"
    return prose.status


def _parse_decision(dates: dict[str, str]) -> str:
    decision = dates.get("decision", "").rstrip(".")
    return f"Beslut meddelas: {decision}." if decision else ""


def _parse_summary(lines: list[str], title: str) -> str:
    """The lead: the first line of real prose that is not about dates, else any such line."""
    prose = [t for t in lines if len(t) > 60 and t != title]
    return first(next((t for t in prose if not STATUS_CUE.search(t)), None), *prose[:1]) or ""


def _status_line(lines: list[str]) -> str:
    """The first line about the application, which holds its closing time if any."""
    return next((t for t in lines if "ansökan" in t.casefold()), "")


def _pool_budget(lines: Iterable[str]) -> int | None:
    """The money of a grant page without a "Hur mycket ...?" heading: the first sentence that
    speaks of a pool ("Totalt finns 20 miljoner kronor att fördela", "Det finns 35 miljoner
    kronor att söka"), not of what one applicant may get."""
    for line in lines:
        for sentence in SENTENCE_END.split(line):
            if POOL_CUE.search(sentence) and (amount := parse_total_budget(sentence)):
                return amount
    return None
