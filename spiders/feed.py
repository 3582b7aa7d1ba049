"""RSS/Atom news feeds: news often announce a call before its call page exists.

ESF-rådet's site is WordPress, whose news feed is where "Kommande utlysningar i Småland och
Öarna" appears weeks before the call; no funder offers a feed of the calls themselves. Every
start URL is a feed; ``options.keywords`` keeps only the entries whose title or text mentions
one of the words ("utlysning"), so seminars and reports stay out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

from lxml import etree
from scrapy.http import TextResponse

from crawler.model import Call
from crawler.normalize import clean_text, parse_total_budget, safe_url
from spiders._base import CallSpider
from spiders._page import element_text
from spiders._prose import find_regions


class FeedSpider(CallSpider):
    """Every start URL is a feed.

    feedparser gets the downloaded bytes, never a URL (it would fetch it itself, without a
    timeout), and only up to ``max_feed_bytes`` (a 5 MB feed costs ~15 s of parsing). Each entry
    becomes a call whose status, dates and regions come from its title and text; entries can be
    filtered by ``options.keywords``.
    """

    kind = "feed"
    paginate = False
    max_feed_bytes: ClassVar[int] = 2_000_000
    option_keys = frozenset({"keywords"})

    def validate_options(self, options: dict[str, Any]) -> None:
        super().validate_options(options)
        keywords = options.get("keywords", [])
        if isinstance(keywords, str):
            keywords = [keywords]
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise self.option_error("keywords", "must be a list of words")
        self.keywords = [k.casefold() for k in keywords if k.strip()]

    def parse_listing(self, response: TextResponse) -> Iterable[Call]:
        import feedparser

        if len(response.body) > self.max_feed_bytes:
            raise ValueError(f"feed larger than {self.max_feed_bytes} bytes")
        headers = {
            "content-type": response.headers.get("Content-Type", b"").decode("latin-1"),
            "content-location": response.url,  # base for root-relative <link> values
        }
        feed = feedparser.parse(response.body, response_headers=headers)
        if not feed.entries and (feed.bozo or not feed.get("version")):
            raise ValueError("not an RSS or Atom feed")
        for entry in feed.entries:
            call = self.entry_call(response, entry)
            if call is not None:
                yield call

    parse_news = parse_listing

    def wanted(self, text: str) -> bool:
        return not self.keywords or any(k in text.casefold() for k in self.keywords)

    def entry_call(self, response: TextResponse, entry: Any) -> Call | None:
        link = safe_url(entry.get("link"), response.url)
        title = clean_text(entry.get("title"))
        if not link or not title:
            return None
        summary = html_text(entry.get("summary") or "")
        content = " ".join(html_text(c.get("value", "")) for c in entry.get("content") or ())
        text = f"{title}. {summary} {content}"
        if not self.wanted(text):
            return None
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        info = self.prose_status([title, summary, content])
        return self.make_call(
            response,
            title=title,
            url=link,
            summary=summary or content,
            budget_sek=parse_total_budget(text),
            published_on=date(*published[:3]).isoformat() if published else None,
            status=info.status if info else "unknown",
            opens_on=info.opens_on if info else None,
            deadline=info.deadline if info else None,
            regions=find_regions(text),
        )


def html_text(fragment: str) -> str:
    """Visible text of an HTML fragment (feed summaries carry markup); scripts left out."""
    if not fragment or "<" not in fragment:
        return clean_text(fragment)
    from lxml import html

    try:
        return element_text(html.fragment_fromstring(fragment, create_parent="div"))
    except (etree.ParserError, ValueError):
        return clean_text(re.sub(r"<[^>]*>", " ", fragment))
