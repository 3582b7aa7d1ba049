"""Helpers that run spiders over saved pages without a network (City Scrapers style).

``site(root)`` maps URL paths on a 127.0.0.1 base to files the way the snapshot server does
(``/esf/utlysningar/`` -> ``<root>/esf/utlysningar/index.html``), builds the Scrapy response
class Scrapy itself would pick for the file, and ``crawl`` follows the spider's requests from
``start()`` through its callbacks and errbacks, so parse code runs exactly as in a crawl.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.responsetypes import responsetypes
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.config import REPO_ROOT, Source, load_sources
from crawler.crawl.spider_loader import spider_class

BASE = "http://127.0.0.1:8765"
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SNAPSHOT = REPO_ROOT / "crawler" / "dev" / "snapshot"


@dataclass
class FileSite:
    """Serves files from layered folders (first layer that has the file wins)."""

    layers: list[Path]
    deleted: set[str] = field(default_factory=set)

    def file_for(self, url: str) -> Path | None:
        path = urlsplit(url).path
        if path in self.deleted:
            return None
        relative = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
        for layer in self.layers:
            candidate = layer / relative
            if candidate.is_file():
                return candidate
        return None

    def response(self, request: Request) -> Response:
        file = self.file_for(request.url)
        if file is None:
            return Response(url=request.url, status=404, request=request)
        body = file.read_bytes()
        # Like the snapshot server: a file without an extension is a CMS page (or API answer).
        fallback = "application/octet-stream" if file.suffix else "text/html"
        ctype = mimetypes.guess_type(file.name)[0] or fallback
        if ctype.startswith("text/") or ctype.endswith("xml"):
            ctype += "; charset=utf-8"
        headers = {"Content-Type": ctype}
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, body=body, headers=headers, request=request)


@dataclass
class CrawlResult:
    calls: list
    fetched: list[str]
    errors: list[str]

    def by_title(self, title: str):
        matches = [c for c in self.calls if c.title == title]
        assert matches, f"no call titled {title!r} in {[c.title for c in self.calls]}"
        return matches[0]


def run_crawl(spider, site: FileSite) -> CrawlResult:
    """Follow every request the spider makes, like Scrapy's engine with its dupefilter."""

    async def starts():
        return [r async for r in spider.start()]

    queue = deque(asyncio.run(starts()))
    seen: set[str] = set()
    result = CrawlResult([], [], [])
    while queue:
        request = queue.popleft()
        if request.url in seen:
            continue
        seen.add(request.url)
        result.fetched.append(urlsplit(request.url).path)
        response = site.response(request)
        if response.status >= 400:
            failure = Failure(HttpError(response, "Ignoring non-200 response"))
            failure.request = request
            request.errback(failure)
            continue
        try:
            for out in request.callback(response) or ():
                (queue.append if isinstance(out, Request) else result.calls.append)(out)
        except Exception as exc:  # Scrapy logs it and goes on; the test reads it here
            result.errors.append(f"{urlsplit(request.url).path}: {type(exc).__name__}: {exc}")
    return result


def make_source(source_id: str, spider: str, start_paths, news_paths=(), **extra) -> Source:
    """A Source like the configured one, with URLs on the 127.0.0.1 base."""
    configured = {s.id: s for s in load_sources().sources}.get(source_id)
    fields = {
        "funder": configured.funder if configured else "Testfinansiär",
        "programme": configured.programme if configured else None,
        "regions": configured.regions if configured else (),
        "options": dict(configured.options) if configured else {},
    }
    fields.update(extra)
    return Source(
        id=source_id,
        spider=spider,
        start_urls=tuple(BASE + p for p in start_paths),
        news_urls=tuple(BASE + p for p in news_paths),
        **fields,
    )


@pytest.fixture
def crawl_fixture():
    """Crawl ``tests/fixtures`` with a spider kind from given start paths."""

    def crawl(
        kind: str, start_paths, news_paths=(), *, source_id=None, today="2026-10-15", **extra
    ) -> CrawlResult:
        source = make_source(source_id or kind, kind, start_paths, news_paths, **extra)
        spider = spider_class(kind)(source=source, today=today)
        result = run_crawl(spider, FileSite([FIXTURES]))
        result.spider = spider
        return result

    return crawl


@pytest.fixture(scope="session")
def crawl_snapshot():
    """Crawl one configured source over the bundled snapshot of a month, as the demo does
    (month 2 layered over month 1, minus the pages it deletes)."""
    import yaml

    manifest = yaml.safe_load((SNAPSHOT / "manifest.yaml").read_text(encoding="utf-8"))
    configured = {s.id: s for s in load_sources().sources}
    deleted_file = SNAPSHOT / "month2" / "_deleted.txt"
    deleted = {
        line.strip()
        for line in deleted_file.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    cache: dict = {}

    def crawl(source_id: str, month: str = "month1") -> CrawlResult:
        if (source_id, month) not in cache:
            entry = manifest["sources"][source_id]
            source = configured[source_id]
            spider = spider_class(source.spider)(
                source=make_source(
                    source_id, source.spider, entry["start_paths"], entry.get("news_paths") or ()
                ),
                today=manifest["months"][month]["today"],
            )
            layers = [SNAPSHOT / "month1"]
            if month == "month2":
                layers.insert(0, SNAPSHOT / "month2")
            result = run_crawl(spider, FileSite(layers, deleted if month == "month2" else set()))
            result.spider = spider
            cache[(source_id, month)] = result
        return cache[(source_id, month)]

    return crawl
