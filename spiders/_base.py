"""The base every spider stands on, so that funder spiders stay short (kingfisher-collect style).

``CallSpider`` owns what all funders share: start requests from the source's URLs, the guard
that keeps the ``complete`` flag honest, "today" for statuses, option checking, and
``make_call``, which turns parsed fields into a clean ``Call`` (id, text clean-up, safe links,
source defaults, status from dates). Which links to follow is decided in spiders/_links.py,
status and regions in prose in spiders/_prose.py; the kinds are the public modules beside this
one (``grant_page``, ``feed``, ``listing`` and one module per funder whose pages need code).

Contract with the crawl engine (crawler/crawl/pipelines.py): a spider is built as
``Cls(source=<Source>)``, is named after the source, yields ``Call`` records only, reads "today"
from the setting ``UTLYS_TODAY``, and leaves ``complete`` True only when every page it needed
(listing pages, their pagination, and the call pages they link to) was fetched and parsed. A
failed call page also makes the crawl incomplete: otherwise its call would be marked gone.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.config import ConfigError, Source
from crawler.model import Call, call_id
from crawler.normalize import StatusInfo, clean_text, parse_status, safe_url, status_from_dates
from crawler.normalize.regions import normalize_regions
from spiders import _links, _prose
from spiders._page import content_root, element_text, is_boilerplate

ROLE = "utlys_role"  # request meta: "listing" or "call"
HANDLER = "utlys_handler"  # request meta: name of the spider method that parses the page
ROOT = "utlys_root"  # request meta: the start URL a listing page descends from
PAGE = "utlys_page"  # request meta: how many listing pages deep (start page = 1)


def as_date(value: str | date | None) -> date | None:
    """A date from the ``UTLYS_TODAY`` setting or a spider argument (ISO text)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(f"UTLYS_TODAY: {value!r} is not a date like 2026-11-23") from None


def looks_binary(body: bytes) -> bool:
    """Whether a body served as text is bytes no page has: NULs or many control characters in
    its first 4 kB (a broken server, a file served with the wrong type). Such a listing has no
    calls because it is no page, which must not read as "the funder has none"."""
    head = body[:4096]
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")):  # empty, or UTF-16 with a BOM
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > max(2, len(head) // 100)


def site_domains(source: Source) -> list[str]:
    """The hosts of a source's URLs ("www." dropped, so esf.se and www.esf.se are one site),
    plus any ``options.allowed_domains``."""
    hosts = {urlsplit(url).hostname or "" for url in (*source.start_urls, *source.news_urls)}
    extra = (source.options or {}).get("allowed_domains", ())
    hosts |= {str(d) for d in ([extra] if isinstance(extra, str) else extra)}
    return sorted(h.lower().removeprefix("www.") for h in hosts if h)


class CallSpider(scrapy.Spider):
    """Base of every spider: one source, its listing pages, and the calls on them.

    Subclasses set ``kind`` (the module name) and override some of:
    ``parse_listing(response)`` (default: follow call links to ``parse_call``),
    ``parse_call(response)``, ``parse_news(response)`` (default: like a listing, call pages to
    ``parse_news_item``), ``is_call_link(url, text)`` to narrow link following.
    """

    kind: ClassVar[str] = ""
    #: follow "Nästa"/rel=next/page-N links from listing pages
    paginate: ClassVar[bool] = True
    #: safety cap on listing pages per start URL
    max_listing_pages: ClassVar[int] = 50
    #: regions of a call when neither the page nor the source names any (national funders)
    default_regions: ClassVar[tuple[str, ...]] = ()
    #: option keys the spider accepts in ``source.options`` (validated at init)
    option_keys: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, source: Source, today: str | date | None = None, **kwargs: Any) -> None:
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.start_urls = list(source.start_urls)
        self.news_urls = list(source.news_urls)
        # Stay on the source's own site: Scrapy's offsite filter then drops redirects and links
        # to other hosts (a call URL rewritten to another host would be a different call).
        self.allowed_domains = site_domains(source)
        self.complete = True
        self._today = as_date(today)
        self.validate_options(dict(source.options or {}))

    # -- configuration -----------------------------------------------------------------------

    def validate_options(self, options: dict[str, Any]) -> None:
        """Reject unknown option keys with one line naming the source and the key."""
        unknown = sorted(set(options) - self.option_keys - {"allowed_domains"})
        if unknown:
            known = ", ".join(sorted(self.option_keys)) or "none"
            raise ConfigError(
                f"source {self.source.id}: field 'options': unknown key {unknown[0]!r} for spider "
                f"{self.kind or type(self).__name__} (known: {known})"
            )

    def option_error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"source {self.source.id}: options.{key}: {problem}")

    @property
    def today(self) -> date:
        """The day statuses are judged by: a spider argument, else ``UTLYS_TODAY``, else the
        real date (tests and the demo must be deterministic)."""
        if self._today is None:
            settings = getattr(self, "settings", None)
            self._today = as_date(settings.get("UTLYS_TODAY") if settings else None)
        return self._today or date.today()

    # -- requests ----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield self.page_request(url, "parse_listing", role="listing", root=url)
        for url in self.news_urls:
            yield self.page_request(url, "parse_news", role="listing", root=url)

    def page_request(
        self,
        url: str,
        handler: str,
        *,
        role: str = "call",
        root: str | None = None,
        page: int = 1,
        **meta: Any,
    ) -> scrapy.Request:
        """A request whose answer goes to ``handler`` (a method name) through the guard that
        keeps ``complete`` honest; ``role`` is "listing" for listing pages, else "call"."""
        meta.update({ROLE: role, HANDLER: handler, ROOT: root or url, PAGE: page})
        return scrapy.Request(url, callback=self._guarded, errback=self._failed, meta=meta)

    def follow_call(
        self, response: Response, url: str, handler: str = "parse_call", **meta: Any
    ) -> scrapy.Request:
        """A request for a call page linked from ``response`` (same root)."""
        return self.page_request(url, handler, role="call", root=response.meta.get(ROOT), **meta)

    def _guarded(self, response: Response) -> Iterator[Any]:
        handler: Callable[[TextResponse], Iterable[Any] | None] = getattr(
            self, response.meta[HANDLER]
        )
        try:
            if not isinstance(response, TextResponse):
                raise ValueError(f"not a web page ({response.headers.get('Content-Type')!r})")
            if looks_binary(response.body):
                raise ValueError("not a web page (binary content)")
            yield from handler(response) or ()
            if response.meta.get(ROLE) == "listing" and self.paginate:
                yield from self.next_pages(response)
        except Exception:
            self.complete = False
            raise

    def _failed(self, failure: Failure) -> None:
        """A page that could not be fetched: the crawl no longer sees the whole listing.
        (The engine's problem recorder writes the readable error.)"""
        self.complete = False
        request = getattr(failure, "request", None)
        self.logger.warning(
            "%s failed: %s", request.url if request else "?", failure.getErrorMessage()
        )

    # -- listings and links ------------------------------------------------------------------

    def parse_listing(self, response: TextResponse) -> Iterable[Any]:
        for url in self.call_links(response):
            yield self.follow_call(response, url)

    def parse_news(self, response: TextResponse) -> Iterable[Any]:
        for url in self.call_links(response):
            yield self.follow_call(response, url, "parse_news_item")

    def parse_call(self, response: TextResponse) -> Iterable[Any]:
        raise NotImplementedError(f"{type(self).__name__} does not parse call pages")

    def parse_news_item(self, response: TextResponse) -> Iterable[Any]:
        return self.parse_call(response)

    def is_call_link(self, url: str, text: str) -> bool:
        """Hook: narrow the links followed from a listing (default: any)."""
        return True

    def call_links(self, response: TextResponse) -> list[str]:
        """Links from a listing page to call pages (see ``_links.call_links``); start pages and
        the next listing pages are not calls."""
        starts = {u.split("#")[0] for u in (*self.start_urls, *self.news_urls)}
        return _links.call_links(
            response,
            root=response.meta.get(ROOT) or response.url,
            skip=starts | set(self.next_page_urls(response)),
            wanted=self.is_call_link,
        )

    def next_page_urls(self, response: TextResponse) -> list[str]:
        """URLs of the next listing page ("Nästa", ``rel=next``, page N+1)."""
        return _links.next_page_urls(response)

    def next_pages(self, response: TextResponse) -> Iterator[scrapy.Request]:
        page = response.meta.get(PAGE, 1)
        if page >= self.max_listing_pages:
            self.logger.warning("stopped at %d listing pages: %s", page, response.url)
            return
        for url in self.next_page_urls(response):
            yield self.page_request(
                url,
                response.meta[HANDLER],
                role="listing",
                root=response.meta.get(ROOT),
                page=page + 1,
            )

    # -- building the record -----------------------------------------------------------------

    def site_names(self, response: TextResponse | None = None) -> list[str]:
        """Names a page title may end with: the funder, its short form, the site's name."""
        funder = self.source.funder
        names = [funder, re.sub(r"\s*\(.*?\)", "", funder)]
        names += re.findall(r"\((.*?)\)", funder)
        if response is not None:
            for xpath in (
                "//meta[@property='og:site_name']/@content",
                "//meta[@name='application-name']/@content",
            ):
                names += response.xpath(xpath).getall()
        return [n.strip() for n in names if n and n.strip()]

    def clean_title(self, title: str, response: TextResponse | None = None) -> str:
        """Title without the site-name suffix ("Foo - Svenska ESF-rådet" -> "Foo")."""
        title = clean_text(title)
        names = sorted(set(self.site_names(response)), key=len, reverse=True)
        if names:
            alternatives = "|".join(re.escape(n) for n in names)
            title = re.sub(rf"\s*[-|–—:·]\s*(?:{alternatives})\s*$", "", title, flags=re.I)
        return title.strip()

    def page_title(self, response: TextResponse) -> str:
        """The page's visible title: its first content <h1>, else og:title, else <title>."""
        root = content_root(response)
        names = {n.casefold() for n in self.site_names(response)}
        for h1 in root.iter("h1"):
            if not any(is_boilerplate(a) for a in h1.iterancestors()):
                text = self.clean_title(element_text(h1), response)
                if text and text.casefold() not in names:  # not a logo in an <h1>
                    return text
        for xpath in ("//meta[@property='og:title']/@content", "//title"):
            found = response.xpath(xpath)
            if found:
                node = found[0].root
                text = node if isinstance(node, str) else element_text(node)
                if clean_text(text):
                    return self.clean_title(text, response)
        return ""

    def status_info(self, text: str) -> StatusInfo | None:
        """``parse_status`` with this crawl's "today"."""
        return parse_status(text, today=self.today)

    def prose_status(self, texts: Iterable[str]) -> StatusInfo | None:
        """``_prose.prose_status`` with this crawl's "today"."""
        return _prose.prose_status(texts, self.today)

    def make_call(
        self,
        response: TextResponse,
        *,
        title: str,
        own_id: str | None = None,
        url: str | None = None,
        **fields: Any,
    ) -> Call:
        """A clean ``Call`` from parsed fields.

        Text is cleaned, links are made absolute and kept only when http(s), regions are
        normalised (falling back to the source's regions), the funder and programme come from
        the source, and a missing status is derived from the dates.
        """
        link = safe_url(url, response.url) if url else safe_url(response.url)
        if not link:
            raise ValueError(f"call {title!r} has no http(s) URL")
        for name in ("summary", "applicants", "cofinancing", "programme", "deadline_time"):
            if fields.get(name) is not None:
                fields[name] = clean_text(fields[name]) or None
        fields["summary"] = fields.get("summary") or ""
        regions = normalize_regions(fields.pop("regions", None) or ())
        documents = []
        for href in fields.pop("documents", None) or ():
            doc = safe_url(href, response.url)
            if doc and doc not in documents:
                documents.append(doc)
        targets = [clean_text(t) for t in fields.pop("target_groups", None) or () if clean_text(t)]
        status = fields.pop("status", None) or "unknown"
        now = self.today.isoformat()
        if status == "unknown":
            status = status_from_dates(fields.get("opens_on"), fields.get("deadline"), self.today)
        elif status == "open" and (fields.get("opens_on") or "") > now:
            status = "planned"  # "Ansökan är öppen 1 mars–3 april 2027" read before March
        elif status in ("open", "planned") and (fields.get("deadline") or "9999") < now:
            status = "closed"
        return Call(
            id=call_id(self.source.id, own_id=clean_text(own_id) or None, url=link),
            source=self.source.id,
            funder=self.source.funder,
            title=self.clean_title(title, response),
            url=link,
            programme=fields.pop("programme", None) or self.source.programme,
            status=status,
            regions=regions or list(self.source.regions) or list(self.default_regions),
            documents=documents,
            target_groups=targets,
            scraped_at=datetime.now(UTC).isoformat(timespec="seconds"),
            **fields,
        )


def first(*values: Any) -> Any:
    """The first value that is not None or empty."""
    return next((v for v in values if v not in (None, "", [], ())), None)
