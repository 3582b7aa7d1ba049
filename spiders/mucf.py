"""MUCF: a grants listing -> one page per grant with clean labels (funders.md §5.2).

"Ansökan öppnar: 2 januari 2024", "Ansökan stänger: 15 februari 2024 (ansökan kan lämnas fram
till 23.59 denna dag)", "Beslut meddelas: första halvan av juni 2024"; the money and who may
apply are under question headings. A notice such as "Ansökan är stängd" overrides the dates.
"""

from crawler.normalize import parse_date, parse_time
from spiders._base import CallSpider, first
from spiders._labels import label_values

LABELS = {
    "opens": ["Ansökan öppnar", "Öppnar"],
    "closes": ["Ansökan stänger", "Stänger", "Sista ansökningsdag"],
    "decision": ["Beslut meddelas", "Beslut"],
}


class MucfSpider(CallSpider):
    kind = "mucf"
    default_regions = ("Nationell",)

    def parse_call(self, response):
        page = self.grant_page(response)
        values = label_values(page["_root"], LABELS) if page else {}
        if not values.get("opens") and not values.get("closes"):
            return
        opens_on = parse_date(values.get("opens"))
        deadline = parse_date(values.get("closes"), month_only="end")
        closed = page["status"] == "closed"  # a notice "Ansökan är stängd" beats the dates
        decision = f"Beslut meddelas: {values['decision']}." if values.get("decision") else ""
        yield self.make_call(
            response,
            title=page["title"],
            summary=f"{page['summary']} {decision}",
            status="closed" if closed else "unknown",
            opens_on=first(opens_on, page["opens_on"]),
            deadline=first(deadline, page["deadline"]),
            deadline_time=parse_time(values.get("closes")),
            budget_sek=page["budget_sek"],
            applicants=page["applicants"],
            target_groups=page["target_groups"],
        )
