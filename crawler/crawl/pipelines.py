"""Item pipelines: check each call, then store a source's whole batch when its spider closes.

A source's calls are kept in memory until the spider closes (a source has tens of calls), so the
batch is saved in one transaction and only then can we know whether the crawl was complete
enough to mark unseen calls gone (see crawler/source_report.py for the rule).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.config import is_http_url
from crawler.crawl.problems import crawl_problems
from crawler.crawl.report import SourceReport, decide
from crawler.model import Call
from crawler.normalize import ellipsize
from crawler.store import (
    count_published,
    now_iso,
    open_db,
    record_run,
    save_calls,
    write_transaction,
)
from crawler.store.fill_rates import count_fields, record_fill_rates

logger = logging.getLogger(__name__)

# A page that puts 100,000 characters where the title goes has no title; caps keep one such
# page from making every digest megabytes. The longest title of the evaluation sets and the demo
# has 87 characters, the longest summary 943 (matching reads the first 120 words most).
TITLE_MAX = 300
SUMMARY_MAX = 5000


class ValidateCallPipeline:
    """Spiders yield Call records only; a record without a title or an http(s) URL, or one that
    claims another source, is a spider bug and must not reach the database. A title or summary
    over its cap is cut, visibly, with "…"."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidateCallPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Call:
        if not isinstance(item, Call):
            raise DropItem(f"not a Call record: {type(item).__name__}")
        if not item.title.strip():
            raise DropItem(f"call without a title: {item.url}")
        if not is_http_url(item.url):
            raise DropItem(f"call without an http(s) URL: {item.title!r}")
        source = self.crawler.spider.name if self.crawler.spider else item.source
        if item.source != source:
            raise DropItem(f"call of source {item.source!r} yielded by spider {source!r}")
        if len(item.title) > TITLE_MAX:
            item.title = ellipsize(item.title, TITLE_MAX)
        if len(item.summary) > SUMMARY_MAX:
            item.summary = ellipsize(item.summary, SUMMARY_MAX)
        return item


class StoreCallsPipeline:
    """Collects a source's calls; at spider close decides ok / failed / empty, saves the batch
    with ``save_calls`` and appends a ``source_runs`` row.

    The report also goes, as one JSON line, to the file named by the ``UTLYS_REPORTS`` setting:
    that is how the crawl process hands its results to the parent (crawler/crawl/runner.py).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.calls: list[Call] = []
        settings = crawler.settings
        self.db_path = settings.get("UTLYS_DB") or "utlys.db"
        self.reports_path = settings.get("UTLYS_REPORTS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreCallsPipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def process_item(self, item: Call) -> Call:
        self.calls.append(item)
        return item

    def spider_closed(self, spider: Any, reason: str) -> None:
        try:
            report = self.store(spider, reason)
        except Exception as exc:  # a failed save is this source's failure, not the whole run's
            logger.exception("storing %s failed", spider.name)
            report = self._base_report(spider.name)
            report.status = "failed"
            report.error = f"could not store the calls: {type(exc).__name__}: {exc}"
            report.finished = now_iso()
            try:
                db = open_db(self.db_path)
                record_run(db, report.run_row())
                db.close()
            except Exception:
                logger.exception("recording the failed run of %s failed too", spider.name)
        self._hand_over(report)

    def store(self, spider: Any, reason: str) -> SourceReport:
        stats = self.crawler.stats
        report = self._base_report(spider.name)
        db = open_db(self.db_path)
        try:
            known_before = count_published(db, spider.name)
            forbidden = stats.get_value("robotstxt/forbidden", 0)
            found = crawl_problems(self.crawler)
            if forbidden:
                found.append(f"{forbidden} page(s) forbidden by robots.txt")
            pages = stats.get_value("response_received_count", 0) - stats.get_value(
                "robotstxt/response_count", 0
            )
            verdict = decide(
                problems=found,
                calls_found=len({c.id for c in self.calls}),
                pages=pages,
                known_before=known_before,
                listing_complete=bool(getattr(spider, "complete", True)),
                finish_reason=reason,
            )
            report.status, report.error = verdict.status, verdict.error
            with write_transaction(db):  # the calls and their run record, all or nothing
                self._save(db, spider, report, verdict)
        finally:
            db.close()
        return report

    def _save(self, db: Any, spider: Any, report: SourceReport, verdict: Any) -> None:
        if verdict.store:
            report.seen_at = now_iso()
            result = save_calls(
                db,
                spider.name,
                self.calls,
                complete=verdict.complete,
                seen_at=report.seen_at,
                seen=verdict.status == "ok",  # a failed run may have read only cached copies
                today=getattr(spider, "today", None),  # a new round is judged on the crawl's day
            )
            report.items = result.items
            report.new_ids, report.changed_ids = result.new, result.changed
            report.gone_ids, report.missing_ids = result.gone, result.missing
            report.new, report.changed, report.gone = (
                len(result.new),
                len(result.changed),
                len(result.gone),
            )
        report.finished = now_iso()
        run_id = record_run(db, report.run_row())
        # What the spider read of each field: a site that changed its pages shows here first.
        record_fill_rates(db, run_id, spider.name, count_fields(self.calls))

    def _base_report(self, source: str) -> SourceReport:
        stats = self.crawler.stats
        started = stats.get_value("start_time")
        not_modified = (
            stats.get_value("httpcache/hit", 0)
            + stats.get_value("httpcache/revalidate", 0)
            + stats.get_value("downloader/response_status_count/304", 0)
        )
        return SourceReport(
            source=source,
            status="failed",
            started=started.replace(microsecond=0).isoformat() if started else now_iso(),
            requests=stats.get_value("downloader/request_count", 0),
            not_modified=not_modified,
        )

    def _hand_over(self, report: SourceReport) -> None:
        logger.info(
            "%s: %s, %d calls (%d new, %d changed, %d gone), %d requests, %d not modified%s",
            report.source,
            report.status,
            report.items,
            report.new,
            report.changed,
            report.gone,
            report.requests,
            report.not_modified,
            f": {report.error}" if report.error else "",
        )
        if self.reports_path:
            with Path(self.reports_path).open("a", encoding="utf-8") as out:
                out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
