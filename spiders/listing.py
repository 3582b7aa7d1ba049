"""Sites with a plain list of news or calls, read with CSS selectors from the config, so a
coordinator can add one more samordningsförbund, länsstyrelse or region without Python. Such
sites are small, each laid out its own way, without a feed, and announce money in news items
(a förbund's members apply all year, and its board decides at its meetings).

``options`` of a ``listing`` source (selectors are CSS, ``::text`` and ``::attr(x)`` allowed;
each one after ``item`` is applied inside an item):

  item            required: one match per call or news item, e.g. ``ul.news-list > li``
  title           the item's title (default: its first link's text, else its first heading)
  link            the item's URL (default: its first link); without one the listing page is used,
                  and an item whose link is no web page (``javascript:``, ``data:``) is skipped
  date            the publication date ("2026-10-05", "Publicerad: 1 oktober 2026")
  summary         the item's text (default: all of the item's text)
  deadline        a deadline of its own; otherwise status and dates are read from the text
                  ("Sista ansökningsdag 30 november 2026", "senast 12 januari", "Löpande ansökan")
  next            the next listing page's link, when "Nästa"/rel=next/page-N do not find it
  follow          true: also read each item's own page (its text feeds summary and status)
  members         municipalities that may apply (a förbund's members), kept as ``applicants``
  default_status  status when the text says nothing (default ``unknown``)

Mistakes are one-line errors at spider start: "source sf-varend: options.item: ...".
"""

from collections.abc import Iterator
from typing import Any

from parsel import Selector
from parsel.csstranslator import HTMLTranslator
from scrapy import Request
from scrapy.http import TextResponse

from crawler.model import STATUSES, Call
from crawler.normalize import clean_text, parse_date, parse_percent, parse_total_budget, safe_url
from spiders._base import CallSpider
from spiders._page import content_root, element_text, text_lines

SELECTORS = ("item", "title", "link", "date", "summary", "deadline", "next")


class ListingSpider(CallSpider):
    kind = "listing"
    option_keys = frozenset({*SELECTORS, "follow", "members", "default_status"})

    def validate_options(self, options: dict[str, Any]) -> None:
        super().validate_options(options)
        if not isinstance(options.get("item"), str) or not options["item"].strip():
            raise self.option_error("item", "required: a CSS selector matching each listed item")
        for key in SELECTORS:
            if key in options:
                _check_css(self, key, options[key])
        members = options.get("members", [])
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise self.option_error("members", "must be a list of municipality names")
        if options.get("default_status", "unknown") not in STATUSES:
            raise self.option_error("default_status", f"must be one of {', '.join(STATUSES)}")
        if not isinstance(options.get("follow", False), bool):
            raise self.option_error("follow", "must be true or false")
        self.options = options

    def next_page_urls(self, response: TextResponse) -> list[str]:
        found = super().next_page_urls(response)
        url = safe_url(_href(response, self.options.get("next")), response.url)
        return found + [url] if url and url not in found else found

    def parse_listing(self, response: TextResponse) -> Iterator[Call | Request]:
        for item in response.css(self.options["item"]):
            fields = self.item_fields(response, item)
            if fields is None:
                continue
            if self.options.get("follow") and fields["url"]:
                yield self.follow_call(response, fields["url"], "parse_item_page", item=fields)
            else:
                yield self.item_call(response, fields, [])

    def parse_item_page(self, response: TextResponse) -> Iterator[Call]:
        lines = [line.text for line in text_lines(content_root(response))]
        yield self.item_call(response, response.meta["item"], lines)

    parse_news = parse_listing

    def item_fields(self, response: TextResponse, item: Selector) -> dict[str, Any] | None:
        """What the listing shows of an item; None when it is no call: no title, or a link to
        no web page (``javascript:``, ``data:``), which cannot be read and must not stop the
        rest of the listing from being read."""
        opts = self.options
        title = _pick(item, opts.get("title")) or _pick(item, "a") or _pick(item, "h1,h2,h3,h4")
        href = _href(item, opts.get("link", "a"))
        url = safe_url(href, response.url)
        if not title or (href and not url):
            return None
        return {
            "title": title,
            "url": url,
            "date": _pick(item, opts.get("date")),
            "summary": _pick(item, opts.get("summary")) if opts.get("summary") else "",
            "deadline": _pick(item, opts.get("deadline")),
            "text": element_text(item.root),
        }

    def item_call(
        self, response: TextResponse, fields: dict[str, Any], page_lines: list[str]
    ) -> Call:
        texts = [fields["text"], *page_lines]
        info = self.prose_status(texts)
        deadline = parse_date(fields["deadline"], default_year=self.today.year, month_only="end")
        money = " ".join(texts)
        members = self.options.get("members")
        page_text = " ".join(t for t in page_lines if len(t) > 60)
        status = info.status if info else self.options.get("default_status", "unknown")
        return self.make_call(
            response,
            title=fields["title"],
            url=fields["url"] or response.url,
            own_id=None if fields["url"] else clean_text(fields["title"]).casefold(),
            summary=page_text or fields["summary"] or fields["text"],
            status=status,
            opens_on=info.opens_on if info else None,
            deadline=deadline or (info.deadline if info else None),
            published_on=parse_date(fields["date"]),
            # a news item that is no call may still name sums (the förbund's own budget)
            budget_sek=parse_total_budget(money) if status != "unknown" else None,
            cofinancing=parse_percent(money),
            applicants=f"Förbundets medlemmar: {', '.join(members)}" if members else None,
        )


def _pick(node: Selector, css: str | None) -> str:
    """Text of the first match of a selector: ``::text``/``::attr`` results joined, else the
    element's visible text."""
    if not css:
        return ""
    found = node.css(css)
    if not found:
        return ""
    if "::" in css:
        return clean_text(" ".join(found.getall()))
    return element_text(found[0].root)


def _href(node: Selector, css: str | None) -> str | None:
    """The first link a selector finds: ``a`` means ``a::attr(href)``."""
    if not css:
        return None
    return node.css(css if "::" in css else f"{css}::attr(href)").get()


def _check_css(spider: CallSpider, key: str, css: Any) -> None:
    if not isinstance(css, str) or not css.strip():
        raise spider.option_error(key, "must be a CSS selector")
    try:
        HTMLTranslator().css_to_xpath(css)
    except Exception as exc:  # cssselect raises several error types
        raise spider.option_error(key, f"invalid CSS selector {css!r} ({exc})") from None
