"""The shared base: requests, the complete flag, "today", make_call, titles and options."""

from datetime import date

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.config import ConfigError
from spiders._base import CallSpider
from spiders.esf import EsfSpider
from spiders.listing import ListingSpider

BASE = "http://127.0.0.1:8765"


@pytest.fixture
def make_source():
    from crawler.config import Source

    def make(spider="esf", options=None, **extra):
        return Source(
            id=extra.pop("id", "test"),
            funder=extra.pop("funder", "Svenska ESF-rådet"),
            spider=spider,
            start_urls=(f"{BASE}/esf/utlysningar/",),
            options=options or {},
            **extra,
        )

    return make


def page(url: str, html: str, **meta) -> HtmlResponse:
    request = Request(url, meta=meta)
    body = f"<html><head><meta charset='utf-8'></head><body>{html}</body></html>".encode()
    return HtmlResponse(url=url, body=body, encoding="utf-8", request=request)


def test_pagination_stops_at_the_page_cap(make_source):
    spider = EsfSpider(source=make_source())
    response = page(
        f"{BASE}/a/page/50/", "<a rel='next' href='/a/page/51/'>Nästa</a>",
        utlys_page=spider.max_listing_pages, utlys_handler="parse_listing",
    )  # fmt: skip
    assert list(spider.next_pages(response)) == []


def test_failed_listing_page_makes_the_crawl_incomplete(make_source):
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    spider = EsfSpider(source=make_source())
    assert spider.complete is True
    failure = Failure(HttpError(Response(f"{BASE}/esf/", status=500), "500"))
    spider._failed(failure)
    assert spider.complete is False


def test_exception_while_parsing_makes_the_crawl_incomplete_and_is_raised(make_source):
    class Broken(CallSpider):
        kind = "broken"

        def parse_listing(self, response):
            raise KeyError("layout changed")

    spider = Broken(source=make_source())
    request = spider.page_request(f"{BASE}/esf/", "parse_listing", role="listing")
    response = HtmlResponse(f"{BASE}/esf/", body=b"<p>x</p>", request=request)
    with pytest.raises(KeyError):
        list(spider._guarded(response))
    assert spider.complete is False


def test_garbage_that_is_not_a_web_page_is_an_error(make_source):
    spider = EsfSpider(source=make_source())
    request = spider.page_request(f"{BASE}/esf/", "parse_listing", role="listing")
    response = Response(f"{BASE}/esf/", body=b"\x00\xff\x13garbage", request=request)
    with pytest.raises(ValueError, match="not a web page"):
        list(spider._guarded(response))
    assert spider.complete is False


def test_start_requests_cover_start_and_news_urls(make_source):
    import asyncio

    source = make_source(news_urls=(f"{BASE}/esf/nyheter/",))
    spider = EsfSpider(source=source)

    async def collect():
        return [r async for r in spider.start()]

    requests = asyncio.run(collect())
    assert [(r.url, r.meta["utlys_handler"]) for r in requests] == [
        (f"{BASE}/esf/utlysningar/", "parse_listing"),
        (f"{BASE}/esf/nyheter/", "parse_news"),
    ]


def test_today_comes_from_the_utlys_today_setting(make_source):
    crawler = get_crawler(EsfSpider, {"UTLYS_TODAY": "2026-11-16"})
    spider = EsfSpider.from_crawler(crawler, source=make_source())
    assert spider.today == date(2026, 11, 16)
    assert spider.name == "test"


def test_bad_utlys_today_is_a_one_line_error(make_source):
    with pytest.raises(ConfigError, match="UTLYS_TODAY: 'igår'"):
        EsfSpider(source=make_source(), today="igår")


def test_make_call_cleans_builds_id_and_derives_status(make_source):
    spider = EsfSpider(source=make_source(regions=("Kronoberg",)), today="2026-10-15")
    response = page(
        f"{BASE}/esf/utlysningar/x/",
        "",
    )
    call = spider.make_call(
        response,
        title="  Stöd\u00a0till   unga - Svenska ESF-rådet ",
        own_id=" 2026/00001 ",
        summary="Text\n\n med  mellanrum",
        opens_on="2026-09-01",
        deadline="2026-11-30",
        documents=["/a.pdf", "javascript:alert(1)", "data:text/html,x", "/a.pdf"],
    )
    assert call.id == "test:2026/00001"
    assert call.title == "Stöd till unga"
    assert call.summary == "Text med mellanrum"
    assert call.status == "open"
    assert call.regions == ["Kronoberg"]  # the source's default
    assert call.documents == [f"{BASE}/a.pdf"]
    assert call.funder == "Svenska ESF-rådet" and call.source == "test"
    assert call.scraped_at


@pytest.mark.parametrize(
    ("status", "opens_on", "deadline", "expected"),
    [
        (None, "2027-01-01", None, "planned"),
        (None, None, "2026-01-01", "closed"),
        ("open", "2027-03-01", "2027-04-03", "planned"),  # a future period is not open yet
        ("open", None, "2026-10-01", "closed"),
        ("standing", None, None, "standing"),
    ],
)
def test_make_call_status_agrees_with_the_dates(make_source, status, opens_on, deadline, expected):
    spider = EsfSpider(source=make_source(), today="2026-10-15")
    call = spider.make_call(
        page(f"{BASE}/x/", ""), title="T", status=status, opens_on=opens_on, deadline=deadline
    )
    assert call.status == expected


def test_title_suffix_is_only_stripped_when_it_is_the_site_name(make_source):
    spider = EsfSpider(source=make_source())
    assert spider.clean_title("Unga som varken arbetar eller studerar – Stockholm") == (
        "Unga som varken arbetar eller studerar – Stockholm"
    )
    assert spider.clean_title("Utlysning | Svenska ESF-rådet") == "Utlysning"
    mucf = EsfSpider(
        source=make_source(funder="Myndigheten för ungdoms- och civilsamhällesfrågor (MUCF)")
    )
    assert mucf.clean_title("Stödja ungas organisering | MUCF") == "Stödja ungas organisering"


def test_unknown_option_key_is_a_one_line_error(make_source):
    with pytest.raises(ConfigError) as error:
        EsfSpider(source=make_source(id="esf", options={"itme": "li"}))
    assert str(error.value) == (
        "source esf: field 'options': unknown key 'itme' for spider esf (known: none)"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "source lst: options.item: required"),
        ({"item": "li", "titel": "a"}, "unknown key 'titel'"),
        ({"item": "ul >"}, "source lst: options.item: invalid CSS selector 'ul >'"),
        ({"item": "li", "members": "Växjö"}, "options.members: must be a list"),
        ({"item": "li", "default_status": "öppen"}, "options.default_status: must be one of"),
        ({"item": "li", "follow": "ja"}, "options.follow: must be true or false"),
    ],
)
def test_listing_options_are_validated_at_start(make_source, options, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")) as error:
        ListingSpider(source=make_source(spider="listing", id="lst", options=options))
    assert "\n" not in str(error.value)


def test_page_title_skips_a_logo_h1_and_strips_the_site_name(make_source):
    spider = EsfSpider(source=make_source())
    head = "<title>Utlysningen | Svenska ESF-rådet</title>"
    body = "<div id='top'><h1>Svenska ESF-rådet</h1></div><h2>Utlysningen</h2>"
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    response = HtmlResponse(f"{BASE}/x/", body=html.encode(), encoding="utf-8")
    assert spider.page_title(response) == "Utlysningen"
