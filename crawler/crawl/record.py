"""`utlys sources record ID`: save what a source's site serves today as test fixtures.

The spiders were written against pages the team wrote; the first crawl of a real site tells
whether they read it. Recording goes through a real crawl of the source's own spider (the
crawl process of crawler.crawl.runner, so robots.txt, the User-Agent with the contact address
and the download delay of sources.yaml all hold) into a throwaway database, with one more
Scrapy extension (``ResponseRecorder``) that writes every response body under the fixture
folder, at the URL's own path, so ``serve_directory(folder)`` serves the pages again. Beside
them: ``manifest.yaml`` (URL -> file) and ``expected.yaml``, the values parsed today, as a
draft that a person checks against the pages before any test relies on it.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from scrapy import signals
from scrapy.crawler import Crawler

from crawler.config import REPO_ROOT, ConfigError, load_sources
from crawler.crawl import settings as scrapy_settings
from crawler.crawl.report import SourceReport
from crawler.crawl.runner import run_crawl
from crawler.store import load_calls, open_db

MANIFEST = "manifest.yaml"
EXPECTED = "expected.yaml"
RECORD_DIR_SETTING = "UTLYS_RECORD_DIR"
UNSAFE = re.compile(r"[^\w.\-]+")  # \w is Unicode: å, ä and ö stay readable


def default_out_dir(source_id: str, today: date) -> Path:
    """tests/fixtures/<id>/recorded-<date>/: fixtures are named after their source id."""
    return REPO_ROOT / "tests" / "fixtures" / source_id / f"recorded-{today.isoformat()}"


@dataclass
class Recording:
    out_dir: Path
    report: SourceReport
    pages: int
    calls: int


def record_source(
    source_id: str,
    *,
    sources_path: str | Path | None = None,
    out_dir: Path | None = None,
    today: date,
    timeout: float | None = None,
) -> Recording:
    """Crawl one enabled source and save its pages, manifest and draft expected values.

    A folder that already holds files is refused: two recordings mixed in one folder would
    make a manifest that matches neither."""
    config = load_sources(sources_path)
    source = config.get(source_id)  # ConfigError when unknown
    out = Path(out_dir) if out_dir else default_out_dir(source.id, today)
    if out.exists() and any(out.iterdir()):
        raise ConfigError(f"{out}: already holds files; record into a new folder (--out)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="utlys-record-") as tmp:
        db_path = Path(tmp) / "record.db"
        [report] = run_crawl(
            db_path,
            config.path,
            only=[source.id],
            today=today,
            timeout=timeout,
            settings={
                # every page fetched anew, so each body is what the site serves today
                "HTTPCACHE_ENABLED": False,
                "EXTENSIONS": {**scrapy_settings.EXTENSIONS, f"{__name__}.ResponseRecorder": 600},
                RECORD_DIR_SETTING: str(out.resolve()),
            },
        )
        db = open_db(db_path)
        try:
            calls = sorted(load_calls(db, "source = ?", [source.id]), key=lambda c: c.url)
        finally:
            db.close()
    write_expected(out / EXPECTED, source.id, today, [c.to_dict() for c in calls])
    manifest = yaml.safe_load((out / MANIFEST).read_text(encoding="utf-8")) if (
        out / MANIFEST
    ).exists() else {"pages": []}  # fmt: skip
    return Recording(out, report, len(manifest.get("pages") or []), len(calls))


def write_expected(path: Path, source_id: str, today: date, calls: list[dict[str, Any]]) -> None:
    """The draft of expected values, with a header that says it is one."""
    for call in calls:
        call.pop("scraped_at", None)
    header = (
        f"# DRAFT: what the {source_id} spider read from these pages on {today.isoformat()}"
        " (utlys sources record).\n"
        "# Check every value against the saved pages by hand before a test relies on it:\n"
        "# a value here is what the spider read, not necessarily what the page says.\n"
    )
    body = {"source": source_id, "today": today.isoformat(), "checked": False, "calls": calls}
    text = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + text, encoding="utf-8")


def fixture_path(url: str) -> PurePosixPath:
    """Where a URL's body goes under the fixture folder: its own path (``/a/`` ->
    ``a/index.html``), each part made safe; a query becomes part of the file name. Never
    outside the folder: ``.`` and ``..`` parts are dropped."""
    parts = urlsplit(url)
    path = unquote(parts.path or "/")
    names = [UNSAFE.sub("_", p) for p in path.split("/") if p not in ("", ".", "..")]
    if path.endswith("/") or not names:
        names.append("index.html")
    if parts.query:
        names[-1] += "__" + UNSAFE.sub("_", unquote(parts.query))[:80]
    return PurePosixPath(*names)


class ResponseRecorder:
    """Writes each response the spider receives under ``UTLYS_RECORD_DIR``, and the manifest
    when the spider closes. A path already taken (``/a`` saved as a file, then ``/a/b``) goes
    to ``_more/<n>-<name>`` instead: the manifest says where every URL went."""

    def __init__(self, crawler: Crawler) -> None:
        self.root = Path(crawler.settings.get(RECORD_DIR_SETTING))
        self.today = crawler.settings.get("UTLYS_TODAY")
        self.agent = crawler.settings.get("USER_AGENT")
        self.delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        self.pages: list[dict[str, Any]] = []
        self.taken: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseRecorder:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.response_received, signal=signals.response_received)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def response_received(self, response: Any, request: Any, spider: Any) -> None:
        if response.url in {page["url"] for page in self.pages}:
            return
        relative = self._place(fixture_path(response.url))
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.body)
        entry: dict[str, Any] = {"url": response.url, "file": relative, "status": response.status}
        kind = response.headers.get(b"Content-Type")
        if kind:
            entry["content_type"] = kind.decode("latin-1")
        redirected = request.meta.get("redirect_urls")
        if redirected:
            entry["redirected_from"] = list(redirected)
        self.pages.append(entry)

    def _place(self, wanted: PurePosixPath) -> str:
        """``wanted`` unless it clashes with a file or folder already written."""
        clash = str(wanted) in self.taken or any(
            str(parent) in self.taken for parent in wanted.parents if str(parent) != "."
        )
        clash = clash or (self.root / wanted).is_dir()
        place = f"_more/{len(self.pages):03d}-{wanted.name}" if clash else str(wanted)
        self.taken.add(place)
        return place

    def spider_closed(self, spider: Any, reason: str) -> None:
        manifest = {
            "source": spider.name,
            "recorded_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "today": self.today,
            "user_agent": self.agent,
            "download_delay": self.delay,
            "pages": self.pages,
        }
        text = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=100)
        header = "# Recorded by `utlys sources record`: each URL and the file holding its body.\n"
        (self.root / MANIFEST).write_text(header + text, encoding="utf-8")
