"""Real crawls of the bundled snapshot, shared by the crawl tests.

A crawl is a child process running Scrapy (a few seconds), so the month 1 -> month 1 again ->
month 2 sequence runs once per test session and the tests read its reports, database and the
server's request log.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from crawler.crawl.report import SourceReport
from crawler.crawl.runner import run_crawl
from crawler.dev.snapserver import serve_snapshot, write_snapshot_sources
from crawler.store import open_db


@dataclass
class SnapshotCrawls:
    db_path: Path
    sources_path: Path
    month1: list[SourceReport]
    again: list[SourceReport]  # month 1 crawled a second time, nothing changed
    again_log: list[tuple[str, str, int]]  # the server's log of that second crawl
    month2: list[SourceReport]
    month2_again: list[SourceReport]  # month 2 crawled a second time: the miss is confirmed

    def titles(self, ids: list[str]) -> set[str]:
        db = open_db(self.db_path)
        try:
            return {db["calls"].get(i)["title"] for i in ids}
        finally:
            db.close()


@pytest.fixture(scope="session")
def snapshot_crawls(tmp_path_factory: pytest.TempPathFactory) -> SnapshotCrawls:
    workdir = tmp_path_factory.mktemp("snapshot-crawls")
    db_path = workdir / "utlys.db"
    with serve_snapshot("month1") as server:
        assert server.manifest is not None
        months = server.manifest.months
        sources = write_snapshot_sources(server.base_url, workdir / "sources.yaml")
        month1 = run_crawl(db_path, sources, today=months["month1"])
        mark = len(server.log)
        again = run_crawl(db_path, sources, today=months["month1"])
        again_log = server.log[mark:]
        server.set_month("month2")
        month2 = run_crawl(db_path, sources, today=months["month2"])
        month2_again = run_crawl(db_path, sources, today=months["month2"])
    return SnapshotCrawls(db_path, sources, month1, again, again_log, month2, month2_again)


def by_source(reports: list[SourceReport]) -> dict[str, SourceReport]:
    return {r.source: r for r in reports}


def closed_port() -> int:
    """A port on 127.0.0.1 that nobody listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_sources(path: Path, entries: list[dict], **crawler: object) -> Path:
    """A sources file from plain entries (tests say only what matters to them)."""
    data = {"crawler": {"contact": "test@example.se", **crawler}, "sources": entries}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@contextmanager
def site(
    pages: dict[str, str | bytes], redirects: dict[str, str] | None = None
) -> Iterator[ThreadingHTTPServer]:
    """A small site on 127.0.0.1: ``pages`` (path -> HTML, served as text/html) and
    ``redirects`` (path -> Location of a 302; ``{port}`` is the server's port)."""
    redirects = redirects or {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.server.log.append(self.path)  # type: ignore[attr-defined]
            if self.path in redirects:
                self.send_response(302)
                self.send_header("Location", redirects[self.path].format(**self.server.ports))  # type: ignore[attr-defined]
                self.end_headers()
            elif self.path in pages:
                page = pages[self.path]
                body = page if isinstance(page, bytes) else page.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.log = []  # type: ignore[attr-defined]
    server.ports = {"port": server.server_address[1]}  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
