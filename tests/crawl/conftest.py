"""Real crawls of the bundled snapshot, shared by the crawl tests.

A crawl is a child process running Scrapy (a few seconds), so the month 1 -> month 1 again ->
month 2 sequence runs once per test session and the tests read its reports, database and the
server's request log.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
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
    return SnapshotCrawls(db_path, sources, month1, again, again_log, month2)


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
