"""A funder's calendar page: every grant of the year on one page, one dated phase per line.

Skolverket's statsbidragskalender (``/skolutveckling/statsbidrag/statsbidragskalendern``) is
the most regular of its pages: under month headings each grant stands as its name, then lines
``Sök: 15 januari–15 februari 2023`` and ``Vem: Huvudmän för ...``, and other phases of the
same grant (``Begär ut: ...``, ``Redovisa: ...``) as lines of the same shape. Only ``Sök`` is
an application, so each ``Sök`` line is one call and the other phases are skipped; a grant
with no ``Sök`` line this year is no call. A date without a year takes the year of the month
heading above it ("Januari 2027"), else its next occurrence after today.

The page is read as lines, whatever the markup (headings and paragraphs, list items with
``<br>``, a definition list): a grant's name is the last line before its label lines that is
neither a label nor a month heading. The name's link, when it has one, is the call's URL;
otherwise the calendar itself is. The id is the grant's name and the year and half-year of
its application window, so a calendar that lists a spring and an autumn round gives two calls
and next year's round is a new call, while a date that moves within the round is a change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import parse_date_range, parse_time
from spiders._base import CallSpider
from spiders._labels import label_key
from spiders._links import content_links
from spiders._page import content_root, is_chrome_text, text_lines

APPLY = "sök"
APPLICANTS = "vem"
# "Sök: 15 januari–15 februari 2023", "Begär ut: senast 1 mars", "Vem: Kommuner ..."
LABEL_LINE = re.compile(r"^([A-ZÅÄÖa-zåäö][\wåäö ]{0,24}?)\s*:\s*(\S.*)$")
MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()
MONTH_HEADING = re.compile(rf"^(?:{'|'.join(MONTHS)})(?:\s+((?:19|20)\d\d))?$", re.I)


LABEL_ALONE = re.compile(r"^[A-ZÅÄÖa-zåäö][\wåäö ]{0,24}?\s*:$")


def _joined_lines(root) -> list[str]:
    """The page's lines, a label alone on its line ("Sök:" in a table cell or a ``<dt>``)
    joined with the value on the next line."""
    lines = [line.text for line in text_lines(root)]
    out: list[str] = []
    for text in lines:
        if out and LABEL_ALONE.match(out[-1]):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    return out


class CalendarSpider(CallSpider):
    kind = "calendar"
    paginate = False
    default_regions = ("Nationell",)

    def parse_listing(self, response: TextResponse) -> Iterator[Call]:
        root = content_root(response)
        links = {label_key(text): url for url, text in content_links(response)}
        year: int | None = None  # of the month heading above
        name = ""
        applicants: str | None = None
        windows: list[tuple[str, int | None]] = []  # (the Sök value, its heading's year)
        grants: list[tuple[str, str | None, list[tuple[str, int | None]]]] = []
        for text in _joined_lines(root):
            if is_chrome_text(text):
                continue
            if heading := MONTH_HEADING.match(text):
                year = int(heading[1]) if heading[1] else None
                continue
            label = LABEL_LINE.match(text)
            if label is None:  # a grant's name: the grant before it is complete
                if windows:
                    grants.append((name, applicants, windows))
                name, applicants, windows = text, None, []
            elif label_key(label[1]) == APPLY:
                windows.append((label[2], year))
            elif label_key(label[1]) == APPLICANTS:
                applicants = label[2]
        if windows:
            grants.append((name, applicants, windows))
        seen: set[str] = set()
        for name, applicants, windows in grants:
            for value, heading_year in windows:
                call = self._call(response, name, applicants, value, heading_year, links)
                if call is not None and call.id not in seen:
                    seen.add(call.id)
                    yield call

    def _call(
        self,
        response: TextResponse,
        name: str,
        applicants: str | None,
        window: str,
        year: int | None,
        links: dict[str, str],
    ) -> Call | None:
        opens_on, deadline = parse_date_range(window, default_year=year, reference=self.today)
        when = opens_on or deadline
        if not name or not when:
            return None  # "Sök: se respektive statsbidrag" names no window
        half = "vår" if int(when[5:7]) <= 6 else "höst"
        return self.make_call(
            response,
            title=name,
            own_id=f"{name} {when[:4]} {half}",
            url=links.get(label_key(name)),
            opens_on=opens_on,
            deadline=deadline,
            deadline_time=parse_time(window),
            applicants=applicants,
        )
