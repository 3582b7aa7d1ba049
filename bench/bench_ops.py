"""Operations figures: the scheduler's start-up decisions, `utlys status` over a long history,
and a backup of a well-filled database.

A scheduler that has run for years must still start in a blink (missed-job detection walks
cron times), `utlys status` must answer at once however many runs are stored, and a backup
must be quick enough to run every night beside the crawl.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from crawler.config import load_sources
from crawler.config.settings import load_ops_settings
from crawler.ops.jobs import missed_jobs, previous_fire_time
from crawler.ops.status import status_report
from crawler.store import open_db, write_transaction
from crawler.store.backup import backup

TZ = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
SOURCES = 100
RUNS_PER_SOURCE = 365 * 2  # two years of daily crawls


def bench_previous_fire_time() -> None:
    for cron in ("* * * * *", "0 6 * * *", "0 7 1-3 * mon-fri", "0 9 last * *", "0 8 1 1 *"):
        trigger = CronTrigger.from_crontab(cron, timezone=TZ)
        rounds = 200
        started = time.perf_counter()
        for _ in range(rounds):
            previous_fire_time(trigger, NOW)
        per_call = (time.perf_counter() - started) / rounds * 1e6
        print(f"previous_fire_time {cron!r:22} {per_call:8.0f} µs")


def fill(db_path: Path) -> None:
    db = open_db(db_path)
    with write_transaction(db):
        rows = [
            {
                "source": f"source-{s:03d}",
                "started": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T05:00:00+00:00",
                "finished": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T05:01:00+00:00",
                "status": "failed" if n % 17 == 0 else "ok",
                "items": 10 + n % 5,
                "new": 0,
                "changed": 0,
                "gone": 0,
                "error": "HTTP 500 on /x" if n % 17 == 0 else None,
                "requests": 12,
                "not_modified": 10,
            }
            for s in range(SOURCES)
            for n in range(RUNS_PER_SOURCE)
        ]
        db["source_runs"].insert_all(rows, batch_size=5000)
        db["calls"].insert_all(
            (
                {
                    "id": f"c{n}",
                    "source": f"source-{n % SOURCES:03d}",
                    "funder": "Funder",
                    "title": f"Utlysning {n}",
                    "url": f"https://example.se/{n}",
                    "summary": "Text om utlysningen. " * 20,
                    "status": "open",
                    "first_seen": "2026-11-02T05:00:00+00:00",
                }
                for n in range(10_000)
            ),
            batch_size=5000,
        )
    db.close()


def main() -> None:
    bench_previous_fire_time()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "utlys.db"
        fill(db_path)
        settings = load_ops_settings()
        db = open_db(db_path)
        started = time.perf_counter()
        missed_jobs(db, settings.schedule, NOW)
        print(f"missed_jobs at start-up           {1000 * (time.perf_counter() - started):8.1f} ms")
        config = load_sources()
        started = time.perf_counter()
        report = status_report(db, db_path, config, settings, now=NOW)
        took = time.perf_counter() - started
        print(
            f"status of {len(report['sources'])} sources x {RUNS_PER_SOURCE} runs"
            f"       {1000 * took:8.1f} ms"
        )
        db.close()
        size = db_path.stat().st_size
        started = time.perf_counter()
        backup(db_path, Path(tmp) / "copy.db", now=NOW)
        took = time.perf_counter() - started
        print(
            f"backup of {size / 1e6:.1f} MB (checked)      {1000 * took:8.1f} ms"
            f"  ({size / 1e6 / took:.0f} MB/s)"
        )


if __name__ == "__main__":
    main()
