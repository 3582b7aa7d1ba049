"""Migrationsverket, AMIF 2021-2027: the calls are on the listing pages themselves.

Migrationsverket, not ESF-rådet, manages AMIF. The real plan page gives each call as a heading
(its name, sometimes with a rate: "…, 75%"), a sub-line ("Specifikt mål 1-2, december 2021")
and a small two-column table of label/value pairs: Tillgängliga medel ("Ca 120 MSEK"),
Finansieringsalternativ, Stöd från AMIF ("75-90 %"), Öppnar, Stänger, Projektstart (later
"Tidigast projektstart"). The title is that heading, never a cell. Older plans put all calls in
one table (labels in a header row or a first column); "Aktuell utlysning" pages give a block
per call under its heading. Calls reserved for Migrationsverket, Polisen or Kriminalvården
stand in the same list and only prose says so: they get those authorities as applicants. A
month-only "Stänger: Maj 2027" is no deadline (it stays in the summary). A call keeps its id
(its title) when it moves from the plan to the current call, so the move shows as a change.
"""

import re
from collections.abc import Iterator
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
    status_from_dates,
)
from spiders._base import CallSpider, first
from spiders._labels import label_values, sections, table_records
from spiders._links import pdf_links
from spiders._page import content_root, element_text, text_lines

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
        prose_of = {
            clean_text(s.title): [t.text for t in text_lines(_without_tables(s.as_element(), True))]
            for s in sections(root, ("h2", "h3", "h4"))
        }
        found = False
        for table in root.iter("table"):
            for record in table_records(table, LABELS):
                if sum(1 for k in FACTS if record.get(k)) >= 2:
                    found = True
                    heading = _heading_before(table)
                    own = record.get("title") or record["_first"]
                    facts = [v for k, v in record.items() if not k.startswith("_")]
                    if not record.get("title") and own in facts:
                        own = heading  # a label/value table: its name is the heading above
                    row = record["_row"]
                    link = row.xpath(".//a/@href") if row is not None else []
                    lines = prose_of.get(own, [])
                    yield self._call(response, own, record, lines, context, link[:1], [])
        blocks = [(s.title, _without_tables(s.as_element(), found)) for s in sections(root)]
        if not found and not any(_facts(el) for _, el in blocks):
            blocks = [(self.page_title(response), root)]
        for heading, element in blocks:
            values = _facts(element)
            if values:
                lines = [t.text for t in text_lines(element)]
                title = values.get("title") or heading
                docs = pdf_links(response, element)
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


def _heading_before(table: etree._Element) -> str:
    """The nearest heading above a table: the call's name on the real plan page."""
    found = table.xpath("preceding::*[self::h2 or self::h3 or self::h4 or self::h1][1]")
    return clean_text(element_text(found[-1])) if found else ""


def _facts(element: etree._Element) -> dict[str, str]:
    values = label_values(element, LABELS)
    return values if sum(1 for k in FACTS if values.get(k)) >= 2 else {}


def _without_tables(element: etree._Element, drop: bool) -> etree._Element:
    """A section's copy without the tables already read as records."""
    for table in list(element.iter("table")) if drop else ():
        table.getparent().remove(table)
    return element
