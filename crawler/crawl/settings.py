"""Scrapy settings of utlys: only what differs from Scrapy's defaults, each with the reason.

This module is the project's settings module (scrapy.cfg), so `scrapy list` and `scrapy crawl
<source-id>` work from the repository root. `utlys crawl` starts from the same module and adds
the per-run values through ``run_settings()`` (the database, the day, the sources file, and
politeness figures from the ``crawler:`` block of config/sources.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.config import CrawlerSettings, load_sources

BOT_NAME = "utlys"

# One spider per enabled source of config/sources.yaml (the class comes from its `spider:`).
SPIDER_LOADER_CLASS = "crawler.crawl.spider_loader.SourceSpiderLoader"
SPIDER_MODULES = ["spiders"]

# Funders' sites are public authorities' sites: follow their robots.txt.
ROBOTSTXT_OBEY = True

# Their web admins must see who crawls them and whom to contact (set again from config per run).
USER_AGENT = CrawlerSettings().agent

# Politeness: one request at a time per host, a delay between two requests to the same host...
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = CrawlerSettings().download_delay
# ...but none for our own snapshot and test servers, so the demo and tests stay fast.
DOWNLOAD_SLOTS = {
    "127.0.0.1": {"delay": 0, "concurrency": 4},
    "localhost": {"delay": 0, "concurrency": 4},
}

# Scrapy waits 3 minutes by default; a funder that slow is down for today.
DOWNLOAD_TIMEOUT = CrawlerSettings().timeout
# A call page is tens of kB; refuse anything that is clearly not one (1 GB by default).
DOWNLOAD_MAXSIZE = CrawlerSettings().max_page_bytes
DOWNLOAD_WARNSIZE = DOWNLOAD_MAXSIZE // 5

# Only http(s): file:, data:, ftp: and s3: are enabled by default and have no place here,
# because every URL we follow comes from a page we do not control.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# Scrapy does not verify TLS certificates by default.
DOWNLOAD_VERIFY_CERTIFICATES = True

# No remote shell into a crawler running unattended.
TELNETCONSOLE_ENABLED = False

# Re-crawls revalidate every page (If-None-Match / If-Modified-Since), so an unchanged page costs
# a 304. The policy is RFC2616Policy with one fix: it also revalidates on "no-cache" (see
# crawler/httpcache_policy.py). The cache lives next to the database (see run_settings()).
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "crawler.crawl.cache_policy.RevalidatingPolicy"
HTTPCACHE_DIR = str(Path("utlys.db.httpcache").resolve())

# Every download problem becomes a readable line on the source's run (crawler/crawl_problems.py).
# 950: on the downloader side of the HTTP cache, so a cached copy cannot hide an outage.
DOWNLOADER_MIDDLEWARES = {"crawler.crawl.problems.ProblemRecorder": 950}
EXTENSIONS = {"crawler.crawl.problems.SpiderErrorRecorder": 500}

# Check each call, then store each source's batch in one transaction when its spider closes.
ITEM_PIPELINES = {
    "crawler.crawl.pipelines.ValidateCallPipeline": 100,
    "crawler.crawl.pipelines.StoreCallsPipeline": 900,
}

# Scrapy logs every request at DEBUG; problems end up in source_runs anyway.
LOG_LEVEL = "INFO"

# `scrapy crawl <id> -o calls.jsonl` writes readable Swedish.
FEED_EXPORT_ENCODING = "utf-8"

# Our own settings (read by our spiders and pipelines).
UTLYS_DB = "utlys.db"  # where StoreCallsPipeline saves the calls
UTLYS_SOURCES = None  # sources file; None means config/sources.yaml
UTLYS_TODAY = None  # ISO date the spiders judge statuses by; None means today
UTLYS_REPORTS = None  # JSON-lines file the runner reads one report per source from


def run_settings(
    *,
    db_path: str | Path,
    sources_path: str | Path | None = None,
    today: str | None = None,
    reports_path: str | Path | None = None,
    log_file: str | Path | None = None,
) -> dict[str, Any]:
    """Per-run settings on top of this module: politeness from the sources file, the database,
    the HTTP cache beside it, the day the spiders judge statuses by. With ``log_file`` the
    Scrapy log goes there (overwritten each run) instead of to stderr."""
    config = load_sources(sources_path)
    db = Path(db_path).resolve()
    return {
        "USER_AGENT": config.crawler.agent,
        "DOWNLOAD_DELAY": config.crawler.download_delay,
        "DOWNLOAD_TIMEOUT": config.crawler.timeout,
        "DOWNLOAD_MAXSIZE": config.crawler.max_page_bytes,
        "DOWNLOAD_WARNSIZE": config.crawler.max_page_bytes // 5,
        "HTTPCACHE_DIR": str(db.parent / f"{db.name}.httpcache"),
        "UTLYS_DB": str(db),
        "UTLYS_SOURCES": str(Path(sources_path).resolve()) if sources_path else None,
        "UTLYS_TODAY": today,
        "UTLYS_REPORTS": str(reports_path) if reports_path else None,
        "LOG_FILE": str(log_file) if log_file else None,
        "LOG_FILE_APPEND": False,
    }
