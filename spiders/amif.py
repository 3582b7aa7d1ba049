"""Migrationsverket, AMIF 2021-2027: the calls are on the listing pages themselves.

Migrationsverket, not ESF-rådet, manages AMIF. The real plan page gives each call as a heading
(its name, sometimes with a rate: "…, 75%"), a sub-line ("Specifikt mål 1-2, december 2021")
and a small two-column table of label/value pairs: Tillgängliga medel ("Ca 120 MSEK"),
Finansieringsalternativ, Stöd från AMIF ("75-90 %"), Öppnar, Stänger, Projektstart (later
"Tidigast projektstart"). The title is that heading, never a cell. Such a call is read as
lines, whatever its markup (a label/value table, a ``<dl>``, ``<strong>Label:</strong>`` lines):
a call starts at a heading, a bold line, or the line above its "Specifikt mål" sub-line, and a
label alone on its line takes the next line as its value. Older plans put all calls in
one table (labels in a header row or a first column); "Aktuell utlysning" pages give a block
per call under its heading. Calls reserved for Migrationsverket, Polisen or Kriminalvården
stand in the same list and only prose says so: they get those authorities as applicants. A
month-only "Stänger: Maj 2027" is no deadline (it stays in the summary). A call keeps its id
(its title) when it moves from the plan to the current call, so the move shows as a change.
"""

import re
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

from lxml import etree
from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import (
    StatusInfo,
    clean_text,
    parse_amount,
    parse_date,
    parse_percent,
    parse_time,
    safe_url,
    status_from_dates,
)
from spiders._base import CallSpider, first
from spiders._labels import heading_texts, label_key, line_values, table_records
from spiders._links import pdf_links
from spiders._page import content_root, element_text, is_chrome_text, tag_of, text_lines

LABELS = {
    "title": ["Utlysning", "Utlysningens namn", "Namn"],
    "budget": ["Tillgängliga medel", "Budget", "Utlyst belopp"],
    "kind": ["Finansieringsalternativ", "Typ av utlysning"],
    "rate": ["Stöd från AMIF", "Stödnivå", "Medfinansiering från AMIF"],
    "opens_on": ["Öppnar", "Öppningsdatum"],
    "deadline": ["Stänger", "Sista ansökningsdag", "Stängningsdatum"],
    "start": ["Projektstart", "Tidigast projektstart"],
    "dnr": ["Diarienummer"],
}
FACTS = ("budget", "rate", "opens_on", "deadline", "kind")
_KEYS = {label_key(a) for aliases in LABELS.values() for a in aliases}
RATE_IN_TITLE = re.compile(r",?\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?\s*%\s*$")
SUB_LINE = re.compile(r"^Specifikt mål\b", re.IGNORECASE)
# "Utlysningen riktar sig endast till Migrationsverket", "kan bara sökas av Polismyndigheten"
RESERVED = re.compile(
    r"(?:endast|enbart|bara|förbehållen|reserverad\w*|uteslutande)\s+(?:sökas\s+)?"
    r"(?:för\s+|till\s+|av\s+)?"
    r"(?P<who>Migrationsverket|Polis(?:en|myndigheten)|Kriminalvården)",
    re.IGNORECASE,
)


class AmifSpider(CallSpider):
    kind = "amif"
    default_regions = ("Nationell",)  # AMIF is one national programme

    def parse_listing(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        context = self.status_info(self.page_title(response))
        lines_root = deepcopy(root)  # the page without the tables read as one call per row
        copies = list(lines_root.iter("table"))
        for index, table in enumerate(list(root.iter("table"))):
            if _is_pair_table(table):
                continue  # one call's labels and values: read with the lines below
            records = [r for r in table_records(table, LABELS) if _fact_count(r) >= 2]
            for record in records:
                own = record.get("title") or record["_first"]
                row = record["_row"]
                link = row.xpath(".//a/@href") if row is not None else []
                yield self._call(response, own, record, [], context, link[:1], [])
            if records:
                copies[index].getparent().remove(copies[index])
        documents = _pdf_anchors(response, lines_root)
        for title, lines in _blocks(lines_root, self.page_title(response)):
            values = line_values(lines, LABELS)
            if _fact_count(values) >= 2:
                docs = [url for url, text in documents if any(text in t for t in lines)]
                title = values.get("title") or title
                yield self._call(response, title, values, lines, context, [], docs)

    def _call(
        self,
        response: TextResponse,
        title: str,
        values: dict[str, Any],
        lines: list[str],
        context: StatusInfo | None,
        link: list[str],
        documents: list[str],
    ) -> Call:
        heading = clean_text(title)
        title = RATE_IN_TITLE.sub("", heading) or heading
        prose = [t for t in lines if SUB_LINE.match(t) or len(t) > 80 or RESERVED.search(t)]
        extra = [
            f"{label}: {values[k]}."
            for k, label in (
                ("dnr", "Diarienummer"),
                ("kind", "Finansieringsalternativ"),
                ("start", "Projektstart"),
            )
            if values.get(k)
        ]
        opens_on = parse_date(values.get("opens_on"))
        deadline = parse_date(values.get("deadline"), month_only="none")
        closes_month = parse_date(values.get("deadline"), month_only="end")
        if closes_month and not deadline:
            extra.append(f"Stänger: {values['deadline']}.")  # a month, no day to plan by
        status = status_from_dates(opens_on, deadline or closes_month, self.today)
        if status == "unknown" and context:
            status = context.status
        reserved = next((m["who"] for t in lines if (m := RESERVED.search(t))), None)
        return self.make_call(
            response,
            title=title,
            own_id=re.sub(r"[^\wåäö]+", "-", title.casefold()).strip("-"),
            url=link[0] if link else None,
            summary=" ".join([*dict.fromkeys(prose), *extra]),
            status=status,
            opens_on=opens_on,
            deadline=deadline,
            deadline_time=parse_time(values.get("deadline")),
            budget_sek=parse_amount(values.get("budget")),
            cofinancing=first(parse_percent(values.get("rate")), parse_percent(heading)),
            applicants=f"Endast {reserved} kan söka (statliga myndigheter)." if reserved else None,
            documents=documents,
        )


def _fact_count(values: dict[str, Any]) -> int:
    return sum(1 for k in FACTS if values.get(k))


def _is_pair_table(table: etree._Element) -> bool:
    """A small table of one call: every row a label cell and its value."""
    rows = [[c for c in r if tag_of(c) in ("td", "th")] for r in table.iter("tr")]
    rows = [r for r in rows if r]
    labelled = sum(1 for r in rows if len(r) == 2 and label_key(element_text(r[0])) in _KEYS)
    return bool(rows) and all(len(r) <= 2 for r in rows) and labelled >= 2


def _blocks(root: etree._Element, page_title: str) -> Iterator[tuple[str, list[str]]]:
    """The page as (name, lines) blocks: a block starts at a heading (a real one or a bold
    line) or at the line above a sub-line "Specifikt mål …", whatever the markup around."""
    heads = heading_texts(root)
    lines = [t.text for t in text_lines(root) if not is_chrome_text(t.text)]
    tags = {t.text: t.is_heading for t in text_lines(root)}
    name, block = page_title, []
    for i, text in enumerate(lines):
        sub_next = i + 1 < len(lines) and SUB_LINE.match(lines[i + 1])
        if not SUB_LINE.match(text) and (tags.get(text) or text in heads or sub_next):
            yield name, block
            name, block = text, []
        else:
            block.append(text)
    yield name, block


def _pdf_anchors(response: TextResponse, root: etree._Element) -> list[tuple[str, str]]:
    """(URL, link text) of the PDF links, to give each call the documents in its block."""
    urls = set(pdf_links(response, root))
    out = []
    for a in root.iter("a"):
        url = safe_url(a.get("href"), response.url)
        if url in urls and (text := element_text(a)):
            out.append((url, text))
    return out
