"""Allmänna arvsfonden (SiteVision): a standing programme, not dated calls.

Arvsfonden takes applications all year round; the only dates its pages give are the meetings
where the delegation decides (under "Arvsfondsdelegationens sammanträden <year>"). The "Ansök
om pengar" page becomes one ``standing`` call per support form it names (Projektstöd,
Lokalstöd), with no deadline, the target groups listed under "Målgrupper" and the decision
meetings in the summary. News pages that announce a special initiative ("Ny satsning ...")
become calls too, with the status their text gives (standing when it gives none).
"""

import re
from collections.abc import Iterator

from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import parse_date
from spiders._base import CallSpider
from spiders._labels import label_values
from spiders._page import Line, content_root, text_lines

FORMS = {"Projektstöd": ["Projektstöd"], "Lokalstöd": ["Lokalstöd"]}
LABELS = {
    "applicants": ["Vem kan söka?", "Vem kan söka"],
    "decisions": ["När fattas beslut?", "Beslutsmöten"],
    "targets": ["Målgrupper", "Målgrupp"],
}
INITIATIVE = re.compile(r"satsning|utlys|ansökningsomgång|prioriterar|kan söka|söka pengar", re.I)
PUBLISHED = re.compile(r"^Publicerad\b", re.IGNORECASE)


class ArvsfondenSpider(CallSpider):
    kind = "arvsfonden"
    default_regions = ("Nationell",)

    def parse_listing(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        lines = text_lines(root)
        forms = label_values(root, FORMS) or {self.page_title(response): ""}
        values = label_values(root, LABELS)
        lead = next((line.text for line in lines if len(line.text) > 80), "")
        for form, text in forms.items():
            yield self.make_call(
                response,
                title=form,
                own_id=form.casefold(),
                summary=" ".join([text or lead, values.get("decisions", "")]),
                status="standing",
                applicants=values.get("applicants"),
                target_groups=_parse_targets(lines),
            )

    def parse_news_item(self, response: TextResponse) -> Iterator[Call]:
        lines = [line.text for line in text_lines(content_root(response))]
        title = self.page_title(response)
        lead = next((t for t in lines if len(t) > 60 and t != title), "")
        if not INITIATIVE.search(f"{title} {lead}"):
            return
        info = self.prose_status(lines)
        yield self.make_call(
            response,
            title=title,
            summary=" ".join(t for t in lines if len(t) > 60 and t != title),
            status=info.status if info else "standing",
            deadline=info.deadline if info else None,
            published_on=_parse_published(response, lines),
        )


def _parse_targets(lines: list[Line]) -> list[str]:
    """The list items under the "Målgrupper" heading."""
    starts = [i for i, line in enumerate(lines) if line.text.casefold().startswith("målgrupp")]
    if not starts:
        return []
    start = starts[0]
    items = []
    for line in lines[start + 1 :]:
        if line.tag != "li":
            break
        items.append(line.text)
    return items


def _parse_published(response: TextResponse, lines: list[str]) -> str | None:
    stamp = next((t for t in lines if PUBLISHED.match(t)), None)
    stamp = stamp or response.xpath("//time/@datetime").get() or response.url
    return parse_date(stamp)
