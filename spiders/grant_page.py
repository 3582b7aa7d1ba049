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

What the stored copies of the real pages add (research notes, funders.md section 10):

- Socialstyrelsen labels its dates "Utlysningsdatum: 2024-06-28" / "Sista ansökningsdag:
  2024-09-20" and counts down "Tid kvar att ansöka: 59 dagar". That count changes every day,
  so it is dropped before anything is read: kept anywhere, it would make every crawl a change.
  "Statsbidraget har upphört" ends a grant. Many of its grants are rekvisition of money shared
  out in advance; the summary says so, since such a grant is no competition.
- MUCF puts its labels under a heading "Ansökan" (a list) or "Viktiga datum" (plain lines).
- Brå gives the deadline in step lines ("Steg 3. Lämna in ansökan senast den 30 november") and
  the amount as "upp till 400 000 kronor".
- Skolverket keeps old rounds on the page ("Bidragsomgången 2023", "Bidragsomgången 2022"):
  only the newest round is read, or last year's "var öppen" would close this year's round.
- News of money already shared out ("MUCF har beviljat 45 organisationer bidrag", "Totalt
  fördelades …") names a closed round but is no call: without date labels or question
  headings such a page is skipped. An opening hour ("E-tjänsten är öppen dygnet runt",
  "Telefonen är öppen måndag–fredag") is no status: see spiders/_prose.py.
- Chrome inside the content (skip links, cookie notices, "Hjälpte informationen på sidan
  dig?") is no text of the grant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from lxml import etree
from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import StatusInfo, parse_date, parse_percent, parse_time, parse_total_budget
from spiders._base import CallSpider, first
from spiders._labels import heading_blocks, label_values, sections
from spiders._page import HEADINGS, content_root, element_text, is_chrome_text, text_lines
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
    "opens": ["Ansökan öppnar", "Öppnar", "Utlysningsdatum"],
    "closes": ["Ansökan stänger", "Stänger", "Sista ansökningsdag"],
    "decision": ["Beslut meddelas"],
}
POOL_CUE = re.compile(r"\b(?:totalt|sammanlagt|fördela[rs]?|att söka|finns)\b", re.I)
MAX_CUE = re.compile(r"\b(?:upp till|högst|max(?:imalt)?)\b", re.I)
# A count that changes every day by itself ("Tid kvar att ansöka: 59 dagar").
DAILY = re.compile(r"\bTid kvar att ansöka\b[\s:]*(?:\d+\s*dagar?)?\.?", re.I)
ENDED = re.compile(r"\b(?:stats)?bidraget har upphört\b|\bstödet har upphört\b", re.I)
REQUISITION = re.compile(r"\brekvi(?:rera|rerar|reras|sition)", re.I)
# News of money already shared out ("MUCF har beviljat 45 organisationer bidrag", "Totalt
# fördelades 30 miljoner kronor"): it names a closed round, but it is no call.
DECIDED = re.compile(
    r"\b(?:har|hade)\s+(?:nu\s+)?(?:beviljat|fördelat|beslutat att bevilja)\b|"
    r"\b(?:beviljades|fördelades)\b|\bhar fått (?:stöd|bidrag)\b",
    re.I,
)
STEP = re.compile(r"Steg \d+\b")
ROUND_HEADING = re.compile(r"omgång(?:en)?\s+((?:19|20)\d\d)\b", re.I)


class GrantPageSpider(CallSpider):
    kind = "grant_page"
    default_regions = ("Nationell",)

    def parse_call(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        lines = _page_lines(root)
        answers = {k: _drop_daily(v) for k, v in _parse_answers(root).items()}
        prose = self.prose_status(lines)
        ended = any(ENDED.search(t) for t in lines)
        if prose is None and not ended and not ({"applicants", "money"} & set(answers)):
            return  # no grant: a news item, a guide
        dates = {k: _drop_daily(v) for k, v in label_values(root, DATE_LABELS).items()}
        if not (answers or dates or ended) and any(DECIDED.search(t) for t in lines):
            return  # news of a decision: the money is shared out
        title = self.page_title(response)
        today = self.today  # a year-less label date is its next occurrence
        yield self.make_call(
            response,
            title=title,
            summary=" ".join(
                (_parse_summary(lines, title), _parse_decision(dates, today), _requisition(lines))
            ),
            status="closed" if ended else _parse_status(prose, dates),
            opens_on=first(
                parse_date(dates.get("opens"), reference=today), prose and prose.opens_on
            ),
            deadline=first(
                parse_date(dates.get("closes"), reference=today, month_only="end"),
                prose and prose.deadline,
            ),
            deadline_time=first(parse_time(dates.get("closes")), parse_time(_status_line(lines))),
            budget_sek=parse_total_budget(answers.get("money")) or _pool_budget(lines),
            cofinancing=parse_percent(answers.get("money")),
            applicants=answers.get("applicants"),
            target_groups=[answers["target"]] if answers.get("target") else [],
        )


def _drop_daily(text: str) -> str:
    return DAILY.sub(" ", text).strip()


def _page_lines(root: etree._Element) -> list[str]:
    """The lines of the grant: no chrome, no daily count, and of a page that keeps its old
    rounds ("Bidragsomgången 2023", "Bidragsomgången 2022") only the newest round. A round's
    heading may be a real heading or a bold line."""
    rounds = [
        (int(m[1]), head, after)
        for head, after in heading_blocks(root)
        if len(head) <= 60 and (m := ROUND_HEADING.search(head))
    ]
    newest = max((y for y, _, _ in rounds), default=0)
    older = [(head, after) for y, head, after in rounds if y < newest]
    return [
        text
        for line in text_lines(root)
        if (text := _drop_daily(line.text))
        and not any(text == head or text in after for head, after in older)
        and not is_chrome_text(text)
    ]


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


def _parse_decision(dates: dict[str, str], today: date) -> str:
    """The decision period as the page words it ("första halvan av juni 2027"), when it names
    a time at all."""
    decision = dates.get("decision", "").rstrip(".")
    if not parse_date(decision, reference=today):
        return ""
    return f"Beslut meddelas: {decision}."


def _requisition(lines: list[str]) -> str:
    """Rekvisition: the money is shared out in advance and each recipient asks for its part,
    so there is nothing to compete for (the matcher may weigh this; here it is only said)."""
    if any(REQUISITION.search(t) for t in lines):
        return "Rekvisition av medel som är fördelade i förväg."
    return ""


def _parse_summary(lines: list[str], title: str) -> str:
    """The lead: the first line of real prose that is not about dates, else any such line
    (a step of a how-to list, "Steg 1. Ta fram en lägesbild ...", is no lead)."""
    prose = [t for t in lines if len(t) > 60 and t != title and not STEP.match(t)]
    return first(next((t for t in prose if not STATUS_CUE.search(t)), None), *prose[:1]) or ""


def _status_line(lines: list[str]) -> str:
    """The first line about the application, which holds its closing time if any."""
    return next((t for t in lines if "ansökan" in t.casefold()), "")


def _pool_budget(lines: Iterable[str]) -> int | None:
    """The money of a grant page without a "Hur mycket ...?" heading: the first sentence that
    speaks of a pool ("Totalt finns 20 miljoner kronor att fördela", "Det finns 35 miljoner
    kronor att söka"), not of what one applicant may get."""
    sentences = [s for line in lines for s in SENTENCE_END.split(line)]
    for cue in (POOL_CUE, MAX_CUE):  # else what one may get: "upp till 400 000 kronor"
        for sentence in sentences:
            if cue.search(sentence) and (amount := parse_total_budget(sentence)):
                return amount
    return None
