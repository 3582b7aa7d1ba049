"""Vinnova's calls through its open-data API, since its call pages draw their dates with
JavaScript (``Viktiga datum`` is empty in the HTML).

``GET https://data.vinnova.se/api/utlysningar/<YYYY-MM-DD>`` answers a JSON list of the calls
changed since that day. The start URL is the endpoint without the day; the spider appends
today minus ``options.days_back`` (default 365), so the window moves with the crawl. A call
untouched for longer than the window drops out of the answer and is then marked gone, like a
call removed from a listing: keep the window longer than a call stays open.

INFERRED: the field names come from third-party clients of the API, not from Vinnova's own
documentation, and were not checked against a live answer: ``Diarienummer`` (the call's own
id, also in its page URL ``vinnova.se/e/<programme>/<slug>-YYYY-NNNNN/``), ``Titel`` /
``TitelEngelska``, ``Beskrivning`` (may hold HTML), ``Oppningsdatum`` / ``Stangningsdatum``
(ISO date-times; a year before 1901 means none), ``LankLista`` (links, as objects or text),
``DokumentLista`` (objects with ``fileURL``) and ``Publik`` (0 for calls not published).
The call's URL is a ``https://www.vinnova.se/e/...`` link from ``LankLista`` when one is
given; no URL is ever built from the diarienummer, since the slug cannot be guessed, so a call
without such a link points at the API endpoint (without the date, which moves every day and
would make every crawl a change).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import scrapy
from scrapy.http import TextResponse

from crawler.model import Call
from spiders._base import CallSpider, first

DEFAULT_DAYS_BACK = 365
LINK_KEYS = ("URL", "Url", "url", "Lank", "Länk", "Href", "href")


class VinnovaSpider(CallSpider):
    kind = "vinnova"
    paginate = False
    default_regions = ("Nationell",)
    option_keys = frozenset({"days_back"})

    def validate_options(self, options: dict[str, Any]) -> None:
        super().validate_options(options)
        days = options.get("days_back", DEFAULT_DAYS_BACK)
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise self.option_error("days_back", f"must be a whole number of days, not {days!r}")
        self.days_back = days

    def site_names(self, response: TextResponse | None = None) -> list[str]:
        return super().site_names(None)  # a JSON answer has no <meta> to read a site name from

    async def start(self) -> AsyncIterator[scrapy.Request]:
        since = (self.today - timedelta(days=self.days_back)).isoformat()
        for url in self.start_urls:
            endpoint = f"{url.rstrip('/')}/{since}"
            yield self.page_request(endpoint, "parse_listing", role="listing", root=endpoint)

    def parse_listing(self, response: TextResponse) -> Iterator[Call]:
        records = json.loads(response.text)
        if not isinstance(records, list):
            raise ValueError(f"expected a JSON list of calls, got {type(records).__name__}")
        for record in records:
            if isinstance(record, dict) and (call := self._call(response, record)) is not None:
                yield call

    def _call(self, response: TextResponse, record: dict[str, Any]) -> Call | None:
        own_id = _text(record.get("Diarienummer"))
        title = first(_text(record.get("Titel")), _text(record.get("TitelEngelska")))
        if not own_id or not title or record.get("Publik") in (0, False, "0"):
            return None
        opens = _moment(record.get("Oppningsdatum"))
        closes = _moment(record.get("Stangningsdatum"))
        return self.make_call(
            response,
            title=title,
            own_id=own_id,
            # no page of its own: the endpoint without the moving date, so the URL stays put
            url=_call_url(record.get("LankLista")) or response.url.rsplit("/", 1)[0] + "/",
            summary=_plain(record.get("Beskrivning")),
            opens_on=opens.date().isoformat() if opens else None,
            deadline=closes.date().isoformat() if closes else None,
            deadline_time=closes.strftime("%H:%M")
            if closes and closes.time() != _MIDNIGHT
            else None,
            documents=[
                d["fileURL"] for d in _dicts(record.get("DokumentLista")) if d.get("fileURL")
            ],
        )


_MIDNIGHT = datetime.min.time()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _moment(value: Any) -> datetime | None:
    """An API date-time ("2026-11-12T14:00:00"); the register writes "no date" as 1900."""
    try:
        moment = datetime.fromisoformat(_text(value)[:19])
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(_text(value)[:10]), _MIDNIGHT)
        except ValueError:
            return None
    return moment if moment.year > 1900 else None


def _plain(value: Any) -> str:
    """The description as text: the API may send it as HTML."""
    text = _text(value)
    if "<" not in text:
        return text
    return lxml.html.fragment_fromstring(text, create_parent="div").text_content()


def _call_url(links: Any) -> str | None:
    """The call's page on www.vinnova.se (``/e/...``) among the record's links, else None."""
    candidates = [links] if isinstance(links, str) else links if isinstance(links, list) else []
    for link in candidates:
        hrefs = (
            [link]
            if isinstance(link, str)
            else [link.get(k) for k in LINK_KEYS]
            if isinstance(link, dict)
            else []
        )
        for href in hrefs:
            parts = urlsplit(_text(href))
            host = (parts.hostname or "").removeprefix("www.")
            if (
                parts.scheme in ("http", "https")
                and host == "vinnova.se"
                and parts.path.startswith("/e/")
            ):
                return _text(href)
    return None
