"""The fat bases every spider stands on (kingfisher-collect style: funder spiders stay short).

``CallSpider`` owns what all funders share: start requests from the source's URLs, listing ->
call-page link following with pagination ("Nästa", ``rel=next``, ``/page/N/``, ``?page=N``),
the ``complete`` flag the store pipeline reads, "today" for statuses, and ``make_call``, which
turns parsed fields into a clean ``Call`` (id, text clean-up, safe links, source defaults, status
from dates). ``GrantPageSpider`` reads national agencies' grant pages (status in prose),
``FeedSpider`` reads RSS/Atom; ``ListingSpider`` (spiders/listing.py) is driven by CSS selectors
from the config. Field extraction from visible labels lives in spiders/_labels.py.

Contract with the crawl engine (see crawler/pipelines.py): a spider is built as
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
from urllib.parse import parse_qsl, urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.config import ConfigError, Source
from crawler.model import Call, call_id
from crawler.normalize import (
    StatusInfo,
    clean_text,
    parse_percent,
    parse_status,
    parse_total_budget,
    safe_url,
    status_from_dates,
)
from crawler.normalize.regions import COUNTIES, ESF_REGIONS, normalize_region, normalize_regions
from spiders._labels import (
    HEADINGS,
    element_text,
    is_boilerplate,
    is_menu,
    label_values,
    sections,
    text_lines,
)

ROLE = "utlys_role"  # request meta: "listing" or "call"
HANDLER = "utlys_handler"  # request meta: name of the spider method that parses the page
ROOT = "utlys_root"  # request meta: the start URL a listing page descends from
PAGE = "utlys_page"  # request meta: how many listing pages deep (start page = 1)

FILE_SUFFIXES = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|zip|jpe?g|png|gif|svg|webp|mp[34]|ics|csv|rtf)$", re.I
)
PAGINATION_PATH = re.compile(r"/(?:page|sida)[/-]\d+/?(?:\.\d+)?(?:\.html?)?$", re.IGNORECASE)
PAGINATION_QUERY = {"page", "sida", "paged", "pg", "start", "offset"}  # not "p": a WP post id
NEXT_TEXT = re.compile(r"^(?:nästa(?: sida)?|next(?: page)?|visa fler|fler|[»›→]|>)\W*$", re.I)
# Sentences that may say whether a call is open, and its dates.
STATUS_CUE = re.compile(
    r"ansök|öppna|öppen|öppet|stäng|senast|sista dag|period|löpande|utlys|deadline", re.I
)
STATUS_WORD = re.compile(
    r"stäng|öppe[nt]|öppna|planer|kommande|löpande|pågå|sista ansökningsdag|när som helst|"
    r"året runt",
    re.I,
)
POOL_CUE = re.compile(r"\b(?:totalt|sammanlagt|fördela[rs]?|att söka|finns)\b", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")
# The question headings and labels national funders use on a grant page.
GRANT_LABELS = {
    "applicants": ["Vem kan söka?", "Vem kan ansöka?", "Vilka kan söka?", "Vem får söka?"],
    "money": [
        "Hur mycket kan ni få i stöd?", "Hur mycket kan man få?", "Hur mycket pengar finns det?",
        "Hur mycket kan ni få?", "Hur mycket pengar kan man söka?", "Belopp", "Budget",
        "Hur mycket kan ni söka?", "Hur mycket stöd kan ni få?", "Hur mycket pengar finns?",
        "Hur mycket pengar finns det att söka?", "Hur mycket kan vi få?",
    ],
    "target": ["Målgrupp", "Målgrupper", "Vem riktar sig stödet till?"],
    "purpose": ["Vad kan ni söka för?", "Vad kan man få stöd för?", "Vad kan ni söka bidrag för?"],
}  # fmt: skip
PAGE_NUMBER = re.compile(r"(?:/(?:page|sida)[/-]|[?&](?:page|sida|paged|pg)=)(\d+)", re.I)


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


def section_prefix(url: str) -> str:
    """The URL path under which a listing's own pages live: ``/esf/utlysningar/`` for itself,
    ``/a/utlysningar/`` for SiteVision's ``/a/utlysningar.1139.html``."""
    path = urlsplit(url).path or "/"
    if path.endswith("/"):
        return path
    head, _, last = path.rpartition("/")
    stem = re.sub(r"(?:\.\d+)*\.[a-z0-9]+$", "", last, flags=re.IGNORECASE)
    return f"{head}/{stem}/"


def content_root(response: TextResponse) -> etree._Element:
    """The page's main content: ``<main>`` or ``role=main`` when present, else ``<body>``."""
    for xpath in ("//main", "//*[@role='main']", "//body"):
        found = response.xpath(xpath)
        if found:
            return found[0].root
    return response.selector.root


def is_pagination_url(url: str) -> bool:
    parts = urlsplit(url)
    if PAGINATION_PATH.search(parts.path):
        return True
    return any(k.lower() in PAGINATION_QUERY for k, _ in parse_qsl(parts.query))


def pool_budget(lines: Iterable[str]) -> int | None:
    """The money of a grant page without a "Hur mycket ...?" heading: the first sentence that
    speaks of a pool ("Totalt finns 20 miljoner kronor att fördela", "Det finns 35 miljoner
    kronor att söka"), not of what one applicant may get."""
    for line in lines:
        for sentence in SENTENCE_END.split(line):
            if POOL_CUE.search(sentence) and (amount := parse_total_budget(sentence)):
                return amount
    return None


def regions_from(text: str | None) -> list[str]:
    """Areas from a region field: "Småland & Öarna", "Region Kronoberg, Blekinge", "Jönköpings,
    Kronobergs, Kalmar och Gotlands län"."""
    found: list[str] = []
    for part in re.split(r"\s*[,;/|]\s*", clean_text(text)):
        named = normalize_region(part)
        for name in [named] if named else find_regions(part):
            if name not in found:
                found.append(name)
    return found


def find_regions(text: str) -> list[str]:
    """County and ESF region names mentioned in prose ("i Kronobergs län", "Småland och
    Öarna", "hela landet"), for pages that have no region field (news items)."""
    return normalize_regions(m[0] for m in _REGION_IN_TEXT.finditer(clean_text(text)))


_REGION_NAMES = "|".join(
    re.escape(n) for n in sorted((*ESF_REGIONS, *COUNTIES), key=len, reverse=True)
)
_REGION_IN_TEXT = re.compile(
    rf"(?<![\wåäö])(?:{_REGION_NAMES}|hela (?:landet|sverige)|nationell[at]?)s?(?![\wåäö])",
    re.IGNORECASE,
)


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
        self.complete = True
        self._today = as_date(today)
        self.validate_options(dict(source.options or {}))

    # -- configuration -----------------------------------------------------------------------

    def validate_options(self, options: dict[str, Any]) -> None:
        """Reject unknown option keys with one line naming the source and the key."""
        unknown = sorted(set(options) - self.option_keys)
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

    def follow_call(self, response: Response, url: str, handler: str = "parse_call", **meta):
        """A request for a call page linked from ``response`` (same root)."""
        return self.page_request(url, handler, role="call", root=response.meta.get(ROOT), **meta)

    def _guarded(self, response: Response) -> Iterator[Any]:
        handler: Callable[[TextResponse], Iterable[Any] | None] = getattr(
            self, response.meta[HANDLER]
        )
        try:
            if not isinstance(response, TextResponse):
                raise ValueError(f"not a web page ({response.headers.get('Content-Type')!r})")
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

    def content_links(
        self, response: TextResponse, *, menus: bool = False
    ) -> list[tuple[str, str]]:
        """(absolute safe URL, link text) of the links in the page's content, in order,
        without menus (unless ``menus``), page header/footer, cookie dialogs, files and other
        hosts."""
        root = content_root(response)
        host = urlsplit(response.url).netloc
        here = response.url.split("#")[0]
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for a in root.iter("a"):
            if any(
                is_boilerplate(x) and not (menus and is_menu(x)) for x in (a, *a.iterancestors())
            ):
                continue
            url = safe_url(a.get("href"), response.url)
            if not url:
                continue
            url = url.split("#")[0]
            if url == here or url in seen or urlsplit(url).netloc != host:
                continue
            if FILE_SUFFIXES.search(urlsplit(url).path):
                continue
            seen.add(url)
            out.append((url, element_text(a)))
        return out

    def call_links(self, response: TextResponse) -> list[str]:
        """Links from a listing page to call pages.

        Listings link to many things; the links below the listing's own URL path
        (``/utlysningar/`` -> ``/utlysningar/<call>/``) are taken when there are any, else
        every content link. Pagination, the start URLs and page numbers are never call links.
        Following a link that is not a call costs one request: call parsers skip pages that
        lack the call's labels.
        """
        starts = {u.split("#")[0] for u in (*self.start_urls, *self.news_urls)}
        nexts = set(self.next_page_urls(response))
        candidates = [
            url
            for url, text in self.content_links(response)
            if url not in starts
            and url not in nexts
            and not is_pagination_url(url)
            and not text.isdigit()
            and self.is_call_link(url, text)
        ]
        prefix = section_prefix(response.meta.get(ROOT) or response.url)
        below = [u for u in candidates if urlsplit(u).path.startswith(prefix)]
        if not below:  # a listing drawn as a <nav> of sub-pages: its links below the listing
            menu_links = self.content_links(response, menus=True)
            below = [
                url
                for url, text in menu_links
                if urlsplit(url).path.startswith(prefix)
                and url not in starts
                and url not in nexts
                and not is_pagination_url(url)
                and self.is_call_link(url, text)
            ]
        return below or candidates

    def next_page_urls(self, response: TextResponse) -> list[str]:
        """URLs of the next listing page: ``rel=next``, a "Nästa" link, or a link to page N+1."""
        found: list[str] = []
        hrefs = response.xpath(
            "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
            " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
        ).getall()
        for a in response.xpath("//a[@href]"):
            text = clean_text(" ".join(a.xpath(".//text()").getall()))
            label = clean_text(a.attrib.get("aria-label", "") + " " + a.attrib.get("title", ""))
            if NEXT_TEXT.match(text) or label.casefold().startswith(("nästa", "next")):
                hrefs.append(a.attrib["href"])
        current = PAGE_NUMBER.search(response.url)
        number = int(current[1]) if current else 1
        for href in response.xpath("//a/@href").getall():
            m = PAGE_NUMBER.search(href)
            if m and int(m[1]) == number + 1:
                hrefs.append(href)
        host = urlsplit(response.url).netloc
        for href in hrefs:
            url = safe_url(href, response.url)
            if url and urlsplit(url).netloc == host and url not in found and url != response.url:
                found.append(url.split("#")[0])
        return found

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

    def pdf_links(self, response: TextResponse, root: etree._Element | None = None) -> list[str]:
        """Links to PDF documents (a ``.pdf`` path, or link text that says "pdf")."""
        out: list[str] = []
        for a in (root if root is not None else content_root(response)).iter("a"):
            href = a.get("href") or ""
            text = element_text(a).casefold()
            if re.search(r"\.pdf(?:$|[?#])", href, re.I) or "pdf" in text:
                url = safe_url(href, response.url)
                if url and url not in out:
                    out.append(url)
        return out

    def status_info(self, text: str) -> StatusInfo | None:
        """``parse_status`` with this crawl's "today"."""
        return parse_status(text, today=self.today)

    def prose_status(self, texts: Iterable[str]) -> StatusInfo | None:
        """Status and dates from running text ("Lämna in ansökan senast den 30 november",
        "Ansökningsperioden är nu stängd. Sista dag att ansöka var den 15 september 2026").

        The first sentence that states a status decides it, except that a sentence saying the
        call is closed ("Ansökan är stängd") wins; later sentences may fill in the dates. Sentences
        about the next round ("Nästa ansökningsperiod öppnar ...") are left out.
        """
        status = opens_on = deadline = None
        closed = False
        for text in texts:
            for sentence in SENTENCE_END.split(text):
                if re.search(r"\bnästa\b", sentence, re.IGNORECASE):
                    continue
                info = self.status_info(sentence) if STATUS_CUE.search(sentence) else None
                if info is None or not (
                    info.opens_on or info.deadline or STATUS_WORD.search(sentence)
                ):
                    continue  # "unga från 13 år" is no opening day
                if status in (None, "unknown"):
                    status = info.status
                closed = closed or info.status == "closed"
                opens_on, deadline = opens_on or info.opens_on, deadline or info.deadline
        if closed:
            status = "closed"
        return StatusInfo(status, opens_on, deadline) if status else None

    def grant_page(self, response: TextResponse) -> dict[str, Any] | None:
        """What national funders' grant pages share: title, lead, the status in prose, who may
        apply, the money. None when the page shows neither a status nor a grant question."""
        root = content_root(response)
        lines = [line.text for line in text_lines(root)]
        answers = label_values(root, GRANT_LABELS)
        if "money" not in answers:  # any other "Hur mycket ...?" heading
            money = [s for s in sections(root, HEADINGS) if s.title.startswith("Hur mycket")]
            if money:
                answers["money"] = element_text(money[0].as_element())
        info = self.prose_status(lines)
        if info is None and not ({"applicants", "money"} & set(answers)):
            return None
        title = self.page_title(response)
        return {
            "title": title,
            "summary": first(
                next(
                    (t for t in lines if len(t) > 60 and t != title and not STATUS_CUE.search(t)),
                    None,
                ),
                next((t for t in lines if len(t) > 60 and t != title), ""),
            ),
            "status": info.status if info else "unknown",
            "opens_on": info.opens_on if info else None,
            "deadline": info.deadline if info else None,
            "budget_sek": parse_total_budget(answers.get("money")) or pool_budget(lines),
            "cofinancing": parse_percent(answers.get("money")),
            "applicants": answers.get("applicants"),
            "target_groups": [answers["target"]] if answers.get("target") else [],
            "_lines": lines,
            "_root": root,
        }

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


class GrantPageSpider(CallSpider):
    """National agencies' grant pages (Brå, Skolverket, Socialstyrelsen): a listing links to
    one page per grant; status and dates are prose or a status line, the money and who may
    apply are under question headings (see ``grant_page``)."""

    default_regions = ("Nationell",)

    def parse_call(self, response: TextResponse) -> Iterable[Call]:
        page = self.grant_page(response)
        if page is None:
            return
        fields = {k: v for k, v in page.items() if not k.startswith("_")}
        yield self.make_call(response, **fields, **self.extra_fields(page))

    def extra_fields(self, page: dict[str, Any]) -> dict[str, Any]:
        """Hook for a funder's own fields (e.g. a closing time)."""
        return {}


class FeedSpider(CallSpider):
    """RSS/Atom feeds (news that announce calls): every start URL is a feed.

    feedparser gets the downloaded bytes, never a URL (it would fetch it itself, without a
    timeout), and only up to ``max_feed_bytes`` (a 5 MB feed costs ~15 s of parsing). Each entry
    becomes a call whose status, dates and regions come from its title and text; entries can be
    filtered by ``options.keywords``.
    """

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


def first(*values: Any) -> Any:
    """The first value that is not None or empty."""
    return next((v for v in values if v not in (None, "", [], ())), None)
