"""A listing that answers with something that is not a page is a failed run, not an empty one:
"empty" says the funder has no calls, which random bytes do not."""

from __future__ import annotations

import random

from crawler.crawl.runner import run_crawl
from tests.crawl.conftest import site, write_sources


def test_random_bytes_served_as_html_fail_the_run_instead_of_emptying_it(tmp_path):
    noise = random.Random(7).randbytes(6000)
    with site({"/": noise}) as server:
        source = {
            "id": "kf",
            "funder": "Kommunförbundet",
            "spider": "listing",
            "start_urls": [f"http://127.0.0.1:{server.server_address[1]}/"],
            "options": {"item": "li", "title": "a::text", "link": "a::attr(href)"},
        }
        sources = write_sources(tmp_path / "s.yaml", [source])
        (report,) = run_crawl(tmp_path / "utlys.db", sources, today="2026-11-02")
    assert report.status == "failed"
    assert "not a web page (binary content)" in report.error


def test_a_listing_with_no_calls_is_still_empty(tmp_path):
    page = "<html><body><main><p>Inga utlysningar just nu.</p></main></body></html>"
    with site({"/": page}) as server:
        source = {
            "id": "kf",
            "funder": "Kommunförbundet",
            "spider": "listing",
            "start_urls": [f"http://127.0.0.1:{server.server_address[1]}/"],
            "options": {"item": "li", "title": "a::text", "link": "a::attr(href)"},
        }
        sources = write_sources(tmp_path / "s.yaml", [source])
        (report,) = run_crawl(tmp_path / "utlys.db", sources, today="2026-11-02")
    assert report.status == "empty"
