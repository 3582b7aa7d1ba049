"""Run a crawl: the selected sources, concurrently, in one Scrapy CrawlerProcess in a child process.

A Twisted reactor cannot be restarted, and the demo crawls twice and the scheduler every day, so
every crawl gets a fresh process (``python -m crawler.crawl JOB``). The parent validates the
config first (bad config: one line, nothing runs), the child stores each source's batch when
that source's spider closes and appends its report to a JSON-lines file, and the parent reads
that file while the child runs, so a caller hears of each source as it finishes (``on_report``),
not only at the end. A source the child never reported on (the child died) is recorded as failed
by the parent, so every selected source gets its ``source_runs`` row.

Sources on the same host are crawled one after the other (each spider has its own downloader,
so "one request at a time per host" would not hold across two spiders of one host); different
hosts run side by side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.config import REPO_ROOT, ConfigError, Source, SourcesConfig, load_sources
from crawler.crawl.report import SourceReport
from crawler.crawl.spider_loader import check_options
from crawler.store import now_iso, open_db, record_run

__all__ = ["SourceReport", "crawl_log_path", "run_crawl", "select_sources"]

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def select_sources(config: SourcesConfig, only: Iterable[str] | None = None) -> list[Source]:
    """The enabled sources, or the ``only`` ones (each must exist and be enabled)."""
    if not only:
        return config.enabled()
    chosen = []
    for source_id in dict.fromkeys(only):
        source = config.get(source_id)  # ConfigError when unknown
        if not source.enabled:
            raise ConfigError(f"{config.path}: source {source_id}: field 'enabled': is false")
        chosen.append(source)
    return chosen


def run_crawl(
    db_path: str | Path,
    sources_path: str | Path | None = None,
    only: Sequence[str] | None = None,
    today: str | date | None = None,
    *,
    log_to_stderr: bool = False,
    timeout: float | None = None,
    settings: dict[str, Any] | None = None,
    on_report: Callable[[SourceReport], None] | None = None,
) -> list[SourceReport]:
    """Crawl the selected enabled sources into ``db_path``; one report per source, in config
    order. Scrapy's log goes to ``crawl_log_path(db_path)`` unless ``log_to_stderr``;
    ``settings`` overrides Scrapy settings (tests use it for short timeouts). ``on_report`` is
    called with each report as its source finishes, in the order they finish (a crawl of many
    sources takes minutes: a person watching wants to see it move)."""
    config = load_sources(sources_path)
    selected = select_sources(config, only)
    check_options(config, selected)
    today_text = _iso_day(today)
    open_db(db_path).close()  # create and migrate once, before spiders open it concurrently
    with tempfile.TemporaryDirectory(prefix="utlys-crawl-") as tmp:
        job = {
            "db_path": str(Path(db_path).resolve()),
            "sources_path": str(Path(config.path).resolve()),
            "only": [s.id for s in selected],
            "today": today_text,
            "log_file": None if log_to_stderr else str(crawl_log_path(db_path).resolve()),
            "settings": settings or {},
            "reports_path": str(Path(tmp) / "reports.jsonl"),
            "parent_pid": os.getpid(),
        }
        job_path = Path(tmp) / "job.json"
        job_path.write_text(json.dumps(job), encoding="utf-8")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        tail = ReportTail(Path(job["reports_path"]), on_report)
        ended = _run_child(job_path, env, timeout, tail.poll)
        reports = tail.poll()
    by_source = {r.source: r for r in reports}
    missing = [s for s in selected if s.id not in by_source]
    if missing:
        db = open_db(db_path)
        for source in missing:
            report = SourceReport(
                source=source.id,
                status="failed",
                error=f"crawl process ended before this source finished ({ended})",
                started=now_iso(),
                finished=now_iso(),
            )
            record_run(db, report.run_row())
            by_source[source.id] = report
            if on_report:
                on_report(report)
        db.close()
    return [by_source[s.id] for s in selected]


POLL_SECONDS = 0.2  # how often the parent looks for reports of finished sources


def _run_child(
    job_path: Path,
    env: dict[str, str],
    timeout: float | None,
    while_running: Callable[[], object] = lambda: None,
) -> str:
    """Run the crawl process, calling ``while_running`` every POLL_SECONDS; say how it ended."""
    child = subprocess.Popen([sys.executable, "-m", "crawler.crawl", str(job_path)], env=env)
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            try:
                return f"exit code {child.wait(timeout=POLL_SECONDS)}"
            except subprocess.TimeoutExpired:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
                while_running()
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        return f"stopped after {timeout:g} s"
    except KeyboardInterrupt:
        # Ctrl-C reached the child too: Scrapy closes its spiders, and each stores what it
        # found as an incomplete crawl. Give it the time to do so, then stop.
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


def crawl_log_path(db_path: str | Path) -> Path:
    """Where the last crawl's full Scrapy log is kept: next to the database."""
    db = Path(db_path)
    return db.parent / f"{db.name}.crawl.log"


def _iso_day(today: str | date | None) -> str | None:
    if today is None:
        return None
    if isinstance(today, date):
        return today.isoformat()
    try:
        return date.fromisoformat(today).isoformat()
    except ValueError:
        raise ValueError(f"today: {today!r} is not a date like 2026-11-23") from None


class ReportTail:
    """Reads the child's reports file as it grows. Only whole lines count: the child may be in
    the middle of writing one when the parent looks."""

    def __init__(self, path: Path, on_report: Callable[[SourceReport], None] | None) -> None:
        self.path = path
        self.on_report = on_report
        self.offset = 0
        self.reports: list[SourceReport] = []

    def poll(self) -> list[SourceReport]:
        """Every report so far; ``on_report`` hears of each new one once."""
        try:
            with self.path.open("rb") as file:
                file.seek(self.offset)
                chunk = file.read()
        except FileNotFoundError:
            return self.reports
        whole = chunk[: chunk.rfind(b"\n") + 1]
        self.offset += len(whole)
        for line in whole.decode("utf-8").splitlines():
            if line.strip():
                report = SourceReport.from_dict(json.loads(line))
                self.reports.append(report)
                if self.on_report:
                    self.on_report(report)
        return self.reports


def host_groups(sources: Sequence[Source]) -> list[list[Source]]:
    """Sources grouped by the host of their first URL; local test servers are never grouped."""
    groups: dict[str, list[Source]] = {}
    for source in sources:
        host = urlsplit(source.start_urls[0]).hostname or ""
        key = source.id if host in LOCAL_HOSTS else host.removeprefix("www.")
        groups.setdefault(key, []).append(source)
    return list(groups.values())


def die_with_parent(parent_pid: int | None) -> None:
    """Have the kernel kill this crawl process when its parent dies (Linux PR_SET_PDEATHSIG):
    after `kill -9` of `utlys crawl` an orphan would go on crawling and writing while the crawl
    lock, held by the parent, is free for the next crawl. Elsewhere this does nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    if parent_pid is not None and os.getppid() != parent_pid:  # it died before the prctl
        os._exit(1)


def child_main(job_path: Path) -> int:
    """The crawl process: one CrawlerProcess, one crawler per source."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from twisted.internet import defer

    from crawler.crawl import settings as scrapy_settings
    from crawler.crawl.spider_loader import spider_class

    job = json.loads(job_path.read_text(encoding="utf-8"))
    die_with_parent(job.get("parent_pid"))
    settings = Settings()
    settings.setmodule(scrapy_settings, priority="project")
    overrides = scrapy_settings.run_settings(
        db_path=job["db_path"],
        sources_path=job["sources_path"],
        today=job["today"],
        reports_path=job["reports_path"],
        log_file=job["log_file"],
    )
    settings.setdict({**overrides, **job["settings"]}, priority="cmdline")
    config = load_sources(job["sources_path"])
    sources = [config.get(source_id) for source_id in job["only"]]
    process = CrawlerProcess(settings)

    def start(_: Any, source: Source) -> defer.Deferred:
        try:
            crawling = process.crawl(spider_class(source.spider), source=source)
        except Exception as exc:  # noqa: BLE001 (a broken spider is this source's failure)
            crawling = defer.fail(exc)
        crawling.addErrback(_not_started, source, job)
        return crawling

    for group in host_groups(sources):
        chain: defer.Deferred = defer.succeed(None)
        for source in group:
            chain.addBoth(start, source)
    process.start()
    return 0


def _not_started(failure: Any, source: Source, job: dict[str, Any]) -> None:
    """A spider that could not even start (bad options, import error) fails only its source."""
    exc = failure.value
    report = SourceReport(
        source=source.id,
        status="failed",
        error=f"spider could not start: {type(exc).__name__}: {exc}"[:300],
        started=now_iso(),
        finished=now_iso(),
    )
    db = open_db(job["db_path"])
    record_run(db, report.run_row())
    db.close()
    with Path(job["reports_path"]).open("a", encoding="utf-8") as out:
        out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
