"""Which links a listing leads to: call pages (not menus, files, scripts, other hosts or page
numbers) and the next listing page, however the site pages through its list."""

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.config import Source
from spiders._base import CallSpider
from spiders._links import next_page_urls, pdf_links, section_prefix

BASE = "http://127.0.0.1:8765"


def page(url: str, html: str, **meta) -> HtmlResponse:
    request = Request(url, meta=meta)
    body = f"<html><head><meta charset='utf-8'></head><body>{html}</body></html>".encode()
    return HtmlResponse(url=url, body=body, encoding="utf-8", request=request)


def listing_spider() -> CallSpider:
    source = Source(
        id="test",
        funder="Svenska ESF-rådet",
        spider="esf",
        start_urls=(f"{BASE}/esf/utlysningar/",),
    )
    return CallSpider(source=source)


@pytest.mark.parametrize(
    ("url", "html", "expected"),
    [
        (f"{BASE}/a/", "<a rel='next' href='/a/x/'>›</a>", f"{BASE}/a/x/"),
        (f"{BASE}/a/", "<a href='/a/?p=2'>Nästa sida</a>", f"{BASE}/a/?p=2"),
        (f"{BASE}/a/", "<a href='/a/q' aria-label='Nästa sida'>→</a>", f"{BASE}/a/q"),
        (
            f"{BASE}/a/page/2/",
            "<a href='/a/page/1/'>1</a><a href='/a/page/3/'>3</a>",
            f"{BASE}/a/page/3/",
        ),
        (
            f"{BASE}/a/?page=4",
            "<a href='?page=3'>3</a> <a href='?page=5'>5</a>",
            f"{BASE}/a/?page=5",
        ),
    ],
    ids=["rel-next", "naesta-text", "aria-label", "page-path", "page-query"],
)
def test_next_listing_page_is_found(url, html, expected):
    assert next_page_urls(page(url, html)) == [expected]


def test_next_page_to_another_host_is_not_followed():
    html = "<a rel='next' href='http://elsewhere.example/a/2'>Nästa</a>"
    assert next_page_urls(page(f"{BASE}/a/", html)) == []


def test_call_links_skip_menus_files_pagination_scripts_and_other_hosts():
    spider = listing_spider()
    html = """
      <nav><a href="/esf/utlysningar/meny/">Meny</a></nav>
      <main>
        <a href="/esf/utlysningar/a/">A</a>
        <a href="/esf/utlysningar/a/#ansok">A igen</a>
        <a href="/esf/utlysningar/b.pdf">PDF</a>
        <a href="/esf/utlysningar/page/2/">2</a>
        <a href="javascript:alert(1)">Skript</a>
        <a href=" java&#9;script:alert(1)">Skript 2</a>
        <a href="https://projektrummet.example.org/">Projektrummet</a>
        <a href="/esf/om-oss/">Om oss</a>
      </main>
      <footer><a href="/esf/utlysningar/kakor/">Kakor</a></footer>"""
    response = page(f"{BASE}/esf/utlysningar/", html, utlys_root=f"{BASE}/esf/utlysningar/")
    assert spider.call_links(response) == [f"{BASE}/esf/utlysningar/a/"]


def test_call_links_fall_back_to_every_content_link_outside_the_listing_path():
    spider = listing_spider()
    html = "<main><a href='/calls/1.html'>Ett</a><a href='/calls/2.html'>Två</a></main>"
    response = page(f"{BASE}/esf/utlysningar/", html)
    assert spider.call_links(response) == [f"{BASE}/calls/1.html", f"{BASE}/calls/2.html"]


@pytest.mark.parametrize(
    ("url", "prefix"),
    [
        ("http://x/esf/utlysningar/", "/esf/utlysningar/"),
        ("http://x/tvv/sokfinansiering/utlysningar.1139.html", "/tvv/sokfinansiering/utlysningar/"),
        ("http://x/a/Planerade-utlysningar.html", "/a/Planerade-utlysningar/"),
    ],
)
def test_section_prefix_of_a_listing(url, prefix):
    assert section_prefix(url) == prefix


def test_pdf_links_are_made_absolute_and_scripts_dropped():
    html = (
        "<main><a href='/esf/utlysning.pdf'>Utlysningen</a>"
        "<a href='/esf/bilaga'>Bilaga (pdf)</a><a href='javascript:x.pdf'>PDF</a>"
        "<a href='/esf/om/'>Om oss</a></main>"
    )
    assert pdf_links(page(f"{BASE}/esf/x/", html)) == [
        f"{BASE}/esf/utlysning.pdf",
        f"{BASE}/esf/bilaga",
    ]
