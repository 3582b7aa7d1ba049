"""Which links on a listing page lead to calls, and which to the listing's next page.

Funders' listings link to far more than calls (menus, cookie notices, PDFs, other sites, page
numbers), and each pages through its list its own way: a "Nästa" link, ``rel=next``, WordPress'
``/page/N/``, or ``?page=N``. These rules are plain functions of a response, so one set serves
every spider; ``CallSpider`` turns what they find into requests. Untrusted ``href`` values pass
through ``safe_url``: ``javascript:``, ``data:`` and other non-web links are never followed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlsplit

from lxml import etree
from scrapy.http import TextResponse

from crawler.normalize import clean_text, safe_url
from spiders._page import content_root, element_text, is_boilerplate, is_menu

FILE_SUFFIXES = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|zip|jpe?g|png|gif|svg|webp|mp[34]|ics|csv|rtf)$", re.I
)
PAGINATION_PATH = re.compile(r"/(?:page|sida)[/-]\d+/?(?:\.\d+)?(?:\.html?)?$", re.IGNORECASE)
PAGINATION_QUERY = {"page", "sida", "paged", "pg", "start", "offset"}  # not "p": a WP post id
NEXT_TEXT = re.compile(r"^(?:nästa(?: sida)?|next(?: page)?|visa fler|fler|[»›→]|>)\W*$", re.I)
PAGE_NUMBER = re.compile(r"(?:/(?:page|sida)[/-]|[?&](?:page|sida|paged|pg)=)(\d+)", re.I)


def section_prefix(url: str) -> str:
    """The URL path under which a listing's own pages live: ``/esf/utlysningar/`` for itself,
    ``/a/utlysningar/`` for SiteVision's ``/a/utlysningar.1139.html``."""
    path = urlsplit(url).path or "/"
    if path.endswith("/"):
        return path
    head, _, last = path.rpartition("/")
    stem = re.sub(r"(?:\.\d+)*\.[a-z0-9]+$", "", last, flags=re.IGNORECASE)
    return f"{head}/{stem}/"


def is_pagination_url(url: str) -> bool:
    parts = urlsplit(url)
    if PAGINATION_PATH.search(parts.path):
        return True
    return any(k.lower() in PAGINATION_QUERY for k, _ in parse_qsl(parts.query))


def content_links(response: TextResponse, *, menus: bool = False) -> list[tuple[str, str]]:
    """(absolute safe URL, link text) of the links in the page's content, in order, without
    menus (unless ``menus``), page header/footer, cookie dialogs, files and other hosts."""
    root = content_root(response)
    host = urlsplit(response.url).netloc
    here = response.url.split("#")[0]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        if any(is_boilerplate(x) and not (menus and is_menu(x)) for x in (a, *a.iterancestors())):
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


def call_links(
    response: TextResponse,
    *,
    root: str,
    skip: Iterable[str] = (),
    wanted: Callable[[str, str], bool] = lambda url, text: True,
) -> list[str]:
    """Links from a listing page to call pages.

    Listings link to many things; the links below the listing's own URL path (``root``:
    ``/utlysningar/`` -> ``/utlysningar/<call>/``) are taken when there are any, else every
    content link. Pagination, the ``skip`` URLs (start pages, next pages) and page numbers are
    never call links. Following a link that is not a call costs one request: call parsers skip
    pages that lack the call's labels.
    """
    skip = set(skip)

    def candidate(url: str, text: str) -> bool:
        return url not in skip and not is_pagination_url(url) and wanted(url, text)

    candidates = [
        url for url, text in content_links(response) if candidate(url, text) and not text.isdigit()
    ]
    prefix = section_prefix(root)
    below = [u for u in candidates if urlsplit(u).path.startswith(prefix)]
    if not below:  # a listing drawn as a <nav> of sub-pages: its links below the listing
        below = [
            url
            for url, text in content_links(response, menus=True)
            if urlsplit(url).path.startswith(prefix) and candidate(url, text)
        ]
    return below or candidates


def next_page_urls(response: TextResponse) -> list[str]:
    """URLs of the next listing page: ``rel=next``, a "Nästa" link, or a link to page N+1."""
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
    return same_host_urls(response, hrefs)


def same_host_urls(response: TextResponse, hrefs: Iterable[str | None]) -> list[str]:
    """The safe URLs among ``hrefs`` on the response's own host, other than the page itself."""
    host = urlsplit(response.url).netloc
    found: list[str] = []
    for href in hrefs:
        url = safe_url(href, response.url)
        if url and urlsplit(url).netloc == host and url not in found and url != response.url:
            found.append(url.split("#")[0])
    return found


def pdf_links(response: TextResponse, root: etree._Element | None = None) -> list[str]:
    """Links to PDF documents (a ``.pdf`` path, or link text that says "pdf"): funders put the
    binding call text there."""
    out: list[str] = []
    for a in (root if root is not None else content_root(response)).iter("a"):
        href = a.get("href") or ""
        text = element_text(a).casefold()
        if re.search(r"\.pdf(?:$|[?#])", href, re.I) or "pdf" in text:
            url = safe_url(href, response.url)
            if url and url not in out:
                out.append(url)
    return out
