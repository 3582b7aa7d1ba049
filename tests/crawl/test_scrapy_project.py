"""The repository is a plain Scrapy project too: `scrapy list` and `scrapy crawl <id>` work from
its root, on the same config, settings and pipelines as `utlys crawl`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from crawler.config import REPO_ROOT, load_sources
from crawler.dev.snapserver import serve_snapshot, write_snapshot_sources
from crawler.store import open_db

SCRAPY = [sys.executable, "-m", "scrapy"]


def scrapy(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [*SCRAPY, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_scrapy_list_names_one_spider_per_enabled_source():
    result = scrapy("list")
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == sorted(s.id for s in load_sources().enabled())


def test_scrapy_crawl_stores_a_source_through_the_project_pipelines(tmp_path: Path):
    db_path = tmp_path / "utlys.db"
    with serve_snapshot("month1") as server:
        sources = write_snapshot_sources(server.base_url, tmp_path / "sources.yaml")
        result = scrapy(
            "crawl", "esf",
            "-s", f"UTLYS_SOURCES={sources}",
            "-s", f"UTLYS_DB={db_path}",
            "-s", "UTLYS_TODAY=2026-10-15",
            "-s", f"HTTPCACHE_DIR={tmp_path / 'cache'}",
            "-s", "LOG_LEVEL=INFO",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "esf: ok, 9 calls (9 new, 0 changed, 0 gone)" in result.stderr
    db = open_db(db_path)
    assert db["calls"].count == 9
    assert [r["status"] for r in db["source_runs"].rows] == ["ok"]
    assert (tmp_path / "cache" / "esf").is_dir()  # the HTTP cache is on


def test_scrapy_crawl_of_an_unknown_source_is_refused():
    result = scrapy("crawl", "no-such-source")
    assert result.returncode != 0
    assert "no-such-source" in result.stderr
