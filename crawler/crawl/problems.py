"""Every problem of a crawl becomes one readable line on the source's run.

urlwatch's rule: an exception while handling one source is data about that source, never a crash
of the whole run. Scrapy reports download failures only to the spider's errbacks and logs, so
these two components write them down where the store pipeline can read them:

- ``ProblemRecorder`` (downloader middleware, on the downloader side of the HTTP cache, so a
  cached copy served after an error cannot hide the outage) keeps, per URL, the last failure; a
  later good answer for the same URL (a retry that worked) clears it.
- ``SpiderErrorRecorder`` (extension) keeps exceptions raised in spider callbacks and pipelines,
  and the calls ``ValidateCallPipeline`` dropped.

Each keeps ``problems`` ({url: message}); ``crawl_problems(crawler)`` lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure


def crawl_problems(crawler: Crawler) -> list[str]:
    """The crawl's open problems: downloads first, then parsing, each in the order they happened."""
    found: list[str] = []
    for component in (
        crawler.get_downloader_middleware(ProblemRecorder),
        crawler.get_extension(SpiderErrorRecorder),
    ):
        if component is not None:
            found.extend(component.problems.values())
    return found


def where(url: str) -> str:
    """Path and query of a URL: short, and the same on every host that serves the site."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


_MAXSIZE = re.compile(r"(\d+) bytes which is larger than download max size \((\d+)\)")


def describe_exception(exc: BaseException, request: Request, timeout: float | None) -> str:
    """One line a coordinator can act on, for a download that failed."""
    parts = urlsplit(request.url)
    hostport = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    path = where(request.url)
    if isinstance(exc, DownloadConnectionRefusedError | twisted_error.ConnectionRefusedError):
        return f"connection refused {hostport}"
    if isinstance(exc, CannotResolveHostError | twisted_error.DNSLookupError):
        return f"host not found {parts.hostname}"
    if isinstance(exc, DownloadTimeoutError | twisted_error.TimeoutError | TimeoutError):
        seconds = f"{timeout:g} s" if timeout else "the timeout"
        # RetryMiddleware copies the request with a count: say how many tries the time was per.
        tries = request.meta.get("retry_times", 0) + 1
        return f"timeout after {seconds} on {path}" + (f" ({tries} tries)" if tries > 1 else "")
    if isinstance(exc, DownloadCancelledError):
        size = _MAXSIZE.search(str(exc))
        if size:
            return f"page too large on {path} ({size[1]} bytes, the cap is {size[2]})"
        return f"download of {path} cancelled"
    if isinstance(exc, ResponseDataLossError):
        return f"incomplete answer on {path}"
    text = str(exc)
    if any(marker in text for marker in ("ParseError", "BadStatusLine", "non-integer status")):
        return f"bad answer from {hostport} on {path} (not HTTP)"
    detail = "".join(ch if ch.isprintable() else " " for ch in text)
    detail = " ".join(detail.split())[:100] or type(exc).__name__
    return f"bad answer from {hostport} on {path} ({type(exc).__name__}: {detail})"


def _is_robots(request: Request) -> bool:
    # A missing or unreachable robots.txt is not a problem of the source: Scrapy then allows
    # everything, and an unreachable host shows up on the real pages anyway.
    return urlsplit(request.url).path == "/robots.txt"


def on_site(host: str | None, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or below one (as Scrapy's allowed_domains)."""
    host = (host or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


class ProblemRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.problems: dict[str, str] = {}
        self.timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProblemRecorder:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        # A cached copy (a fresh hit, or the one HttpCacheMiddleware hands back after a download
        # error) also passes here: it is no answer from the server, so it clears nothing.
        if "cached" not in response.flags and not _is_robots(request):
            redirect = self._bad_redirect(request, response)
            if redirect:
                self.problems[request.url] = redirect
            elif response.status >= 400:
                self.problems[request.url] = f"HTTP {response.status} on {where(request.url)}"
            else:
                self.problems.pop(request.url, None)
        return response

    def _bad_redirect(self, request: Request, response: Response) -> str | None:
        """A redirect that leaves the source's site (Scrapy's offsite filter then drops it
        without a word) or comes back to a page of its own chain (the duplicate filter drops
        it): either way the page is not read, and the run must say so."""
        location = response.headers.get("Location")
        if not (300 <= response.status < 400) or not location:
            return None
        target = urljoin(request.url, location.decode("latin-1").strip())
        spider = self.crawler.spider
        domains = getattr(spider, "allowed_domains", None) or ()
        host = urlsplit(target).hostname
        if domains and not on_site(host, domains):
            return f"redirect to another site ({host}) on {where(request.url)}"
        chain = [*request.meta.get("redirect_urls", ()), request.url]
        if target.split("#")[0] in chain:
            return f"redirect loop on {where(request.url)}"
        return None

    def process_exception(self, request: Request, exception: Exception) -> None:
        # IgnoreRequest is a decision (robots.txt, offsite), not a failure of the site; the
        # robots.txt refusals are counted in the stats and reported from there.
        if not isinstance(exception, IgnoreRequest) and not _is_robots(request):
            timeout = request.meta.get("download_timeout", self.timeout)
            self.problems[request.url] = describe_exception(exception, request, timeout)
        return None


class SpiderErrorRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.problems: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SpiderErrorRecorder:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_error, signal=signals.spider_error)
        crawler.signals.connect(recorder.item_error, signal=signals.item_error)
        crawler.signals.connect(recorder.item_dropped, signal=signals.item_dropped)
        return recorder

    def spider_error(self, failure: Failure, response: Response, spider: Any) -> None:
        exc = failure.value
        message = f"parse error on {where(response.url)}: {type(exc).__name__}: {exc}"
        self.problems[f"parse {response.url}"] = " ".join(message.split())[:200]

    def item_error(self, item: Any, response: Response | None, spider: Any, failure: Failure):
        exc = failure.value
        url = getattr(item, "url", "") or (response.url if response is not None else "")
        message = f"could not store a call from {where(url)}: {type(exc).__name__}: {exc}"
        self.problems[f"item {url}"] = " ".join(message.split())[:200]

    def item_dropped(self, item: Any, response: Response | None, exception: Exception, spider: Any):
        # A call the check refused (no title, no http(s) link) is a page the spider misread:
        # the crawl is then not complete, and the stored call must not be marked gone.
        url = getattr(item, "url", "") or (response.url if response is not None else "")
        message = f"call dropped from {where(url)}: {exception}"
        self.problems[f"drop {url}"] = " ".join(message.split())[:200]
