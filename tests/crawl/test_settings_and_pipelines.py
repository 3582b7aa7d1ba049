"""Scrapy settings that differ from the defaults, the cache policy's revalidation, and the call
check before storage."""

from __future__ import annotations

from email.utils import formatdate

import pytest
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.config import load_sources
from crawler.crawl import settings as scrapy_settings
from crawler.crawl.cache_policy import RevalidatingPolicy
from crawler.crawl.pipelines import ValidateCallPipeline
from crawler.crawl.spider_loader import SourceSpiderLoader, bound_spider
from crawler.model import Call
from tests.crawl.conftest import write_sources


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule(scrapy_settings, priority="project")
    return settings


def test_only_http_and_https_can_be_downloaded():
    handlers = project_settings().getdict("DOWNLOAD_HANDLERS")
    assert all(handlers[scheme] is None for scheme in ("file", "data", "ftp", "s3"))
    assert "http" not in handlers and "https" not in handlers  # Scrapy's own handlers stay


def test_politeness_settings_hold_but_not_for_local_servers():
    settings = project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getfloat("DOWNLOAD_DELAY") > 0
    assert settings.getdict("DOWNLOAD_SLOTS")["127.0.0.1"]["delay"] == 0
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES") is True


def test_run_settings_take_the_crawler_block_and_put_the_cache_beside_the_database(tmp_path):
    sources = write_sources(
        tmp_path / "s.yaml",
        [{"id": "esf", "funder": "X", "spider": "esf", "start_urls": ["https://www.esf.se/"]}],
        contact="samordnare@kommun.se",
        download_delay=2.5,
        timeout=12,
        max_page_bytes=1000,
    )
    run = scrapy_settings.run_settings(db_path=tmp_path / "u.db", sources_path=sources)
    assert "samordnare@kommun.se" in run["USER_AGENT"] and run["USER_AGENT"].startswith("utlys/")
    assert (run["DOWNLOAD_DELAY"], run["DOWNLOAD_TIMEOUT"], run["DOWNLOAD_MAXSIZE"]) == (
        2.5,
        12,
        1000,
    )
    assert run["HTTPCACHE_DIR"] == str(tmp_path.resolve() / "u.db.httpcache")


def cached_page(headers: dict[str, str]) -> HtmlResponse:
    return HtmlResponse("http://127.0.0.1/x/", body=b"<p>x</p>", headers=headers)


@pytest.mark.parametrize(
    "cache_control", ["no-cache", "max-age=0", "no-cache, must-revalidate", None]
)
def test_a_stale_cached_page_is_revalidated_with_its_validators(cache_control):
    headers = {"ETag": '"abc"', "Last-Modified": "Thu, 15 Oct 2026 00:00:00 GMT"}
    if cache_control:
        headers["Cache-Control"] = cache_control
    headers["Date"] = "Thu, 15 Oct 2026 00:00:00 GMT"
    request = Request("http://127.0.0.1/x/")
    policy = RevalidatingPolicy(project_settings())
    assert policy.is_cached_response_fresh(cached_page(headers), request) is False
    assert request.headers[b"If-None-Match"] == b'"abc"'
    assert request.headers[b"If-Modified-Since"] == b"Thu, 15 Oct 2026 00:00:00 GMT"


def test_an_old_page_without_expiry_is_asked_for_again_not_reused_for_weeks():
    # RFC2616Policy alone would keep this page fresh for a tenth of a year.
    headers = {
        "Last-Modified": "Thu, 16 Oct 2025 00:00:00 GMT",
        "Date": formatdate(usegmt=True),
    }
    request = Request("http://127.0.0.1/x/")
    policy = RevalidatingPolicy(project_settings())
    assert policy.is_cached_response_fresh(cached_page(headers), request) is False
    assert request.headers[b"If-Modified-Since"] == b"Thu, 16 Oct 2025 00:00:00 GMT"


def test_a_page_the_server_declared_fresh_is_reused_without_asking():
    headers = {"Cache-Control": "max-age=3600", "Date": formatdate(usegmt=True), "ETag": '"a"'}
    request = Request("http://127.0.0.1/x/")
    policy = RevalidatingPolicy(project_settings())
    assert policy.is_cached_response_fresh(cached_page(headers), request) is True
    assert b"If-None-Match" not in request.headers


@pytest.fixture
def validator(tmp_path):
    sources = write_sources(
        tmp_path / "s.yaml",
        [{"id": "esf", "funder": "X", "spider": "esf", "start_urls": ["http://127.0.0.1:9/"]}],
    )
    spidercls = bound_spider(load_sources(sources).get("esf"))
    crawler = get_crawler(spidercls)
    crawler.spider = spidercls.from_crawler(crawler)
    return ValidateCallPipeline.from_crawler(crawler)


def call(**fields) -> Call:
    values = dict(id="esf:1", source="esf", funder="X", title="Utlysning", url="http://a.se/1")
    return Call(**{**values, **fields})


def test_a_valid_call_passes_the_check(validator):
    item = call()
    assert validator.process_item(item) is item


@pytest.mark.parametrize(
    "item, reason",
    [
        ({"title": "esf:1"}, "not a Call record"),
        (call(title="  "), "without a title"),
        (call(url="javascript:alert(1)"), r"without an http\(s\) URL"),
        (call(url="/relative/"), r"without an http\(s\) URL"),
        (call(source="amif"), "call of source 'amif' yielded by spider 'esf'"),
    ],
)
def test_a_call_a_spider_got_wrong_is_dropped_with_the_reason(validator, item, reason):
    with pytest.raises(DropItem, match=reason):
        validator.process_item(item)


def test_a_dropped_call_makes_the_crawl_incomplete_so_nothing_is_marked_gone(validator):
    from scrapy import signals

    from crawler.crawl.problems import SpiderErrorRecorder
    from crawler.crawl.report import decide

    crawler = validator.crawler
    recorder = SpiderErrorRecorder.from_crawler(crawler)
    item = call(title=" ", url="http://a.se/utlysningar/2")
    try:
        validator.process_item(item)
    except DropItem as exc:
        crawler.signals.send_catch_log(
            signals.item_dropped, item=item, response=None, exception=exc, spider=crawler.spider
        )
    assert list(recorder.problems.values()) == [
        "call dropped from /utlysningar/2: call without a title: http://a.se/utlysningar/2"
    ]
    verdict = decide(
        problems=list(recorder.problems.values()),
        calls_found=8,
        pages=9,
        known_before=9,
        listing_complete=True,
        finish_reason="finished",
    )
    assert (verdict.status, verdict.store, verdict.complete) == ("failed", True, False)


def test_the_spider_loader_binds_each_enabled_source_to_its_spider_kind(tmp_path):
    sources = write_sources(
        tmp_path / "s.yaml",
        [
            {"id": "a", "funder": "X", "spider": "esf", "start_urls": ["http://127.0.0.1:9/a/"]},
            {"id": "b", "funder": "X", "spider": "esf", "start_urls": ["http://127.0.0.1:9/b/"],
             "enabled": False},
        ],
    )  # fmt: skip
    settings = project_settings()
    settings.set("UTLYS_SOURCES", str(sources))
    loader = SourceSpiderLoader.from_settings(settings)
    assert loader.list() == ["a"]
    spidercls = loader.load("a")
    assert spidercls.name == "a" and spidercls.kind == "esf"
    spider = spidercls()  # `scrapy crawl a` passes no source: the class carries it
    assert spider.name == "a" and spider.start_urls == ["http://127.0.0.1:9/a/"]
    assert loader.find_by_request(Request("http://127.0.0.1:9/a/x")) == ["a"]
    with pytest.raises(KeyError):
        loader.load("b")


def test_a_huge_title_or_summary_is_cut_to_a_readable_length(validator):
    """A 100,000-character title made every digest 730 kB: a page that says so much is not a
    title, so it is cut (the call still stands, and the cut is visible)."""
    from crawler.crawl.pipelines import SUMMARY_MAX, TITLE_MAX

    item = validator.process_item(call(title="Utlysning " * 10_000, summary="ord " * 50_000))
    assert len(item.title) == TITLE_MAX and item.title.endswith("…")
    assert len(item.summary) == SUMMARY_MAX and item.summary.endswith("…")
    short = call(title="Kort titel", summary="Kort.")
    assert validator.process_item(short).title == "Kort titel"
