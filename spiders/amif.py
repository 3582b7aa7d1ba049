"""Migrationsverket, AMIF 2021-2027: the calls are on the listing pages themselves.

Migrationsverket, not ESF-rådet, manages AMIF. "Planerade utlysningar" is a table with the
labels Utlysning / Tillgängliga medel ("Ca 362 MSEK") / Finansieringsalternativ / Stöd från AMIF
("75-90 %") / Öppnar / Stänger / Projektstart (in a header row or a first column); "Aktuell
utlysning" pages give one block per call under a heading (the call's name) with the same
labels. Calls reserved for Migrationsverket, Polisen or Kriminalvården stand in the same list.
A call keeps its id (its title) when it moves from the plan to the current call, so the move
shows as a change, not as gone + new.
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
)
from spiders._base import CallSpider
from spiders._labels import label_values, sections, table_records
from spiders._links import pdf_links
from spiders._page import content_root, text_lines

LABELS = {
    "title": ["Utlysning", "Utlysningens namn", "Namn"],
    "budget": ["Tillgängliga medel", "Budget", "Utlyst belopp"],
    "kind": ["Finansieringsalternativ", "Typ av utlysning"],
    "rate": ["Stöd från AMIF", "Stödnivå", "Medfinansiering från AMIF"],
    "opens_on": ["Öppnar", "Öppningsdatum"],
    "deadline": ["Stänger", "Sista ansökningsdag", "Stängningsdatum"],
    "start": ["Projektstart"],
    "dnr": ["Diarienummer"],
}
FACTS = ("budget", "rate", "opens_on", "deadline", "kind")


class AmifSpider(CallSpider):
    kind = "amif"
    default_regions = ("Nationell",)  # AMIF is one national programme

    def parse_listing(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        context = self.status_info(self.page_title(response))
        found = False
        for table in root.iter("table"):
            for record in table_records(table, LABELS):
                if sum(1 for k in FACTS if record.get(k)) >= 2:
                    found = True
                    link = record["_row"].xpath(".//a/@href") if record["_row"] is not None else []
                    title = record.get("title") or record["_first"]
                    yield self._call(response, title, record, "", context, link[:1], [])
        blocks = [(s.title, _without_tables(s.as_element(), found)) for s in sections(root)]
        if not found and not any(_facts(el) for _, el in blocks):
            blocks = [(self.page_title(response), root)]
        for heading, element in blocks:
            values = _facts(element)
            if values:
                prose = [t.text for t in text_lines(element) if len(t.text) > 80]
                title = values.get("title") or heading
                docs = pdf_links(response, element)
                yield self._call(response, title, values, " ".join(prose), context, [], docs)

    def _call(
        self,
        response: TextResponse,
        title: str,
        values: dict[str, Any],
        prose: str,
        context: StatusInfo | None,
        link: list[str],
        documents: list[str],
    ) -> Call:
        title = clean_text(title)
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
        deadline = parse_date(values.get("deadline"), month_only="end")
        status = "unknown" if opens_on or deadline else (context.status if context else "unknown")
        return self.make_call(
            response,
            title=title,
            own_id=re.sub(r"[^\wåäö]+", "-", title.casefold()).strip("-"),
            url=link[0] if link else None,
            summary=" ".join([prose, *extra]),
            status=status,
            opens_on=opens_on,
            deadline=deadline,
            deadline_time=parse_time(values.get("deadline")),
            budget_sek=parse_amount(values.get("budget")),
            cofinancing=parse_percent(values.get("rate")),
            documents=documents,
        )


def _facts(element: etree._Element) -> dict[str, str]:
    values = label_values(element, LABELS)
    return values if sum(1 for k in FACTS if values.get(k)) >= 2 else {}


def _without_tables(element: etree._Element, drop: bool) -> etree._Element:
    """A section's copy without the tables already read as records."""
    for table in list(element.iter("table")) if drop else ():
        table.getparent().remove(table)
    return element
