"""Redirects: a crawl stays on the source's own site, and a redirect that goes nowhere is a page
that was not read. Real crawls against small servers on 127.0.0.1 (and "localhost" standing in
for another site)."""

from __future__ import annotations

from crawler.crawl.runner import run_crawl
from crawler.store import open_db
from tests.crawl.conftest import site, write_sources

CALL_PAGE = (
    "<html><body><main><h1>{title}</h1><p>Sista ansökningsdag: 30 november 2026.</p>"
    "<p>Stöd till projekt för långtidsarbetslösa.</p></main></body></html>"
)


def listing_source(port: int) -> dict:
    return {
        "id": "kf",
        "funder": "Kommunförbundet",
        "spider": "listing",
        "start_urls": [f"http://127.0.0.1:{port}/"],
        "options": {"item": "li", "title": "a::text", "link": "a::attr(href)", "follow": True},
    }


LISTING = (
    "<html><body><main><ul>"
    '<li><a href="/a/">Utlysning A</a></li><li><a href="/b/">Utlysning B</a></li>'
    "</ul></main></body></html>"
)


def test_a_redirect_to_another_host_is_not_followed_and_the_run_says_so(tmp_path):
    pages = {"/": LISTING, "/a/": CALL_PAGE.format(title="Utlysning A")}
    pages["/b/"] = CALL_PAGE.format(title="Utlysning B på fel plats")
    with site(pages, {"/b/": "http://localhost:{port}/b/"}) as server:
        port = server.server_address[1]
        sources = write_sources(tmp_path / "s.yaml", [listing_source(port)])
        (report,) = run_crawl(tmp_path / "utlys.db", sources, today="2026-11-02")
    # The redirect target on "localhost" was never asked for, so /b/ was asked for once.
    assert server.log.count("/b/") == 1
    assert report.status == "failed"
    assert report.error == "redirect to another site (localhost) on /b/"
    db = open_db(tmp_path / "utlys.db")
    urls = [row["url"] for row in db.query("select url from calls")]
    assert all(url.startswith(f"http://127.0.0.1:{port}/") for url in urls), urls


def test_a_redirect_loop_on_a_call_page_makes_the_run_incomplete_so_nothing_is_marked_gone(
    tmp_path,
):
    pages = {"/": LISTING, "/a/": CALL_PAGE.format(title="Utlysning A")}
    pages["/b/"] = CALL_PAGE.format(title="Utlysning B")
    db_path = tmp_path / "utlys.db"
    with site(pages, {}) as server:
        port = server.server_address[1]
        sources = write_sources(tmp_path / "s.yaml", [listing_source(port)])
        (first,) = run_crawl(db_path, sources, today="2026-11-02")
    assert first.status == "ok" and first.items == 2
    with site(pages, {"/b/": "/b2/", "/b2/": "/b/"}) as server:
        sources = write_sources(tmp_path / "s.yaml", [listing_source(server.server_address[1])])
        (second,) = run_crawl(db_path, sources, today="2026-11-02")
    assert second.status == "failed"
    assert second.error.startswith("redirect loop on /b")
    assert second.gone == 0


def test_a_listing_that_redirects_to_itself_fails_instead_of_being_empty(tmp_path):
    # Scrapy drops the repeated request as a duplicate without a word; the listing was never
    # read, which is a failure, not "no calls today".
    with site({}, {"/": "/"}) as server:
        sources = write_sources(tmp_path / "s.yaml", [listing_source(server.server_address[1])])
        (report,) = run_crawl(tmp_path / "utlys.db", sources, today="2026-11-02")
    assert server.log.count("/") >= 1
    assert report.status == "failed", report
    assert report.error.startswith("redirect loop on /"), report.error
    assert report.items == 0
