"""Real processes: the crawl lock across processes, a second scheduler, a crawl that hangs past
its limit, a scheduler killed mid-step, and a clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from crawler.dev.snapserver import serve_snapshot, write_snapshot_sources
from crawler.ops.childproc import run_child
from crawler.ops.locks import crawl_lock, is_locked, scheduler_lock
from crawler.store import open_db

from .conftest import at


def wait_for(predicate, seconds: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has finished all the same.
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def hold_lock(path: Path) -> subprocess.Popen:
    """Another process that holds `path` locked until killed."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from crawler.ops.locks import FileLock
        FileLock({str(path)!r}).acquire()
        print("locked", flush=True)
        time.sleep(600)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_scheduler_cannot_start_a_second_crawl(harness):
    h = harness({"crawl": "0 6 * * *"})
    other = hold_lock(crawl_lock(h.db_path).path)  # a crawl of another process is running
    try:
        outcome = h.runner.run("crawl", at("2026-11-23 06:00"))
    finally:
        other.kill()
        other.wait()
        other.stdout.close()
    assert outcome.status == "skipped"
    assert "another crawl is running" in outcome.detail and str(other.pid) in outcome.detail
    assert h.ran() == []  # neither the crawl nor the match ran
    # Once the other crawl is over, the lock is free again (the kernel dropped it).
    assert h.runner.run("crawl", at("2026-11-23 06:05")).status == "ok"
    assert h.ran() == ["crawl -", "match -"]


def test_the_crawl_holds_the_lock_while_its_process_runs(harness, tmp_path):
    h = harness({"crawl": "0 6 * * *", "crawl_timeout": 3})
    h.runner.commands["crawl"] = h.runner.commands["crawl"][:-1] + ["hang"]
    seen = []

    def probe():
        wait_for(lambda: h.ran() == ["hang -"], what="the crawl to start")
        seen.append(is_locked(crawl_lock(h.db_path).path))

    import threading

    thread = threading.Thread(target=probe)
    thread.start()
    h.runner.run("crawl", at("2026-11-23 06:00"))
    thread.join()
    assert seen == [True]
    assert not is_locked(crawl_lock(h.db_path).path)


def test_a_crawl_that_hangs_past_its_limit_is_killed_and_recorded_as_failed(harness, tmp_path):
    h = harness({"crawl": "0 6 * * *", "crawl_timeout": 8})
    del h.runner.commands["crawl"]  # the real `utlys crawl`
    with serve_snapshot("month1") as server:
        server.hang_seconds = 120
        server.add_fault("/esf/", "hang")  # answers nothing, ever
        sources = write_snapshot_sources(
            server.base_url, tmp_path / "sources.yaml", only=["esf", "sf-varend"]
        )
        h.runner.paths.sources = sources
        started = time.monotonic()
        outcome = h.runner.run("crawl", at("2026-11-23 06:00"))
        took = time.monotonic() - started
    assert outcome.status == "failed" and "timed out after 8 s" in outcome.detail
    assert took < 60  # killed at the limit, not after Scrapy's own 30 s timeouts and retries
    db = open_db(h.db_path)
    runs = {r["source"]: r for r in db.execute_returning_dicts("select * from source_runs")}
    assert runs["esf"]["status"] == "failed"
    assert runs["esf"]["error"] == "timed out after 8 s (crawl killed)"
    assert not is_locked(crawl_lock(h.db_path).path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_killed_scheduler_takes_its_crawl_down_with_it(tmp_path):
    """SIGKILL leaves no chance to clean up: the guard between the scheduler and the crawl
    notices its parent is gone and kills the crawl's process group."""
    pidfile = tmp_path / "grandchild.pid"
    code = textwrap.dedent(
        f"""
        import sys
        from crawler.ops.childproc import run_child
        print("running", flush=True)
        run_child([sys.executable, "-c", "import os, time; open({str(pidfile)!r}, 'w')"
                   ".write(str(os.getpid())); time.sleep(600)"], timeout=600)
        """
    )
    scheduler = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert scheduler.stdout.readline().strip() == "running"
    wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), what="the crawl")
    crawl = int(pidfile.read_text())
    assert alive(crawl)
    scheduler.kill()
    scheduler.wait()
    scheduler.stdout.close()
    wait_for(lambda: not alive(crawl), seconds=10, what="the orphaned crawl to be killed")


def test_run_child_reports_exit_code_and_output():
    result = run_child(["sh", "-c", "echo one; echo two >&2; exit 3"], timeout=10)
    assert (result.returncode, result.output, result.timed_out) == (3, ["one", "two"], False)


@pytest.fixture
def quiet_settings(write_settings, tmp_path):
    far = "0 3 1 1 *"  # nothing fires while the test runs
    return write_settings(
        schedule={
            "crawl": far,
            "digest_build": far,
            "digest_send": far,
            "newsletter_build": far,
        },
        logging={"file": str(tmp_path / "logs" / "utlys.log")},
    )


def test_only_one_scheduler_per_database_and_sigterm_stops_it_cleanly(
    db_path, quiet_settings, tmp_path
):
    command = [
        sys.executable, "-m", "crawler", "schedule",
        "--db", str(db_path), "--settings", str(quiet_settings),
    ]  # fmt: skip
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: is_locked(scheduler_lock(db_path).path), what="the first scheduler")
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert "another `utlys schedule` runs on" in second.stderr
        assert "Traceback" not in second.stderr
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    errors = first.stderr.read()
    first.stderr.close()
    assert "SIGTERM received: stopping" in errors and "scheduler stopped" in errors
    log = (tmp_path / "logs" / "utlys.log").read_text(encoding="utf-8")
    assert "scheduler started" in log and "scheduler stopped" in log
    assert not is_locked(scheduler_lock(db_path).path)


def test_the_scheduler_catches_up_a_missed_crawl_at_start(db_path, write_settings, tmp_path):
    """The whole wiring, for real: a scheduler that was off when the 06:00 crawl was due
    crawls once at start (the bundled snapshot, one source), then stops on SIGTERM."""
    far = "0 3 1 1 *"
    settings = write_settings(
        schedule={"crawl": "0 6 * * *", "digest_build": far, "digest_send": far,
                  "newsletter_build": far},
        health={"alert_to": "s@example.se", "outbox": str(tmp_path / "alerts")},
    )  # fmt: skip
    db = open_db(db_path)
    db["job_runs"].insert(  # a scheduler that last answered a crawl two days ago
        {"job": "crawl", "scheduled_for": "2000-01-01T06:00:00+01:00", "status": "ok"}
    )
    db.close()
    with serve_snapshot("month1") as server:
        sources = write_snapshot_sources(server.base_url, tmp_path / "s.yaml", only=["sf-varend"])
        command = [
            sys.executable, "-m", "crawler", "schedule", "--db", str(db_path),
            "--sources", str(sources), "--settings", str(settings),
        ]  # fmt: skip
        proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        try:

            def crawled() -> bool:
                db = open_db(db_path)
                try:
                    return bool(
                        db.execute_returning_dicts(
                            "select id from job_runs where job = 'crawl' and status in"
                            " ('ok', 'failed') and scheduled_for > '2001'"
                        )
                    )
                finally:
                    db.close()

            wait_for(crawled, seconds=120, what="the caught-up crawl")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stderr.close()
    db = open_db(db_path)
    runs = db.execute_returning_dicts("select source, status from source_runs")
    assert runs == [{"source": "sf-varend", "status": "ok"}]
    crawls = db.execute_returning_dicts("select status from job_runs where job = 'crawl'")
    assert len(crawls) == 2  # the old one and exactly one catch-up


def test_schedule_snapshot_crawls_the_bundled_snapshot_and_status_tells_the_truth(
    db_path, write_settings, tmp_path
):
    """`utlys schedule --snapshot`: the check's setting. One source is aimed at a dead port;
    status must say so, and say the other one is fine."""
    import json

    import yaml

    from crawler.config import DEFAULT_SOURCES

    raw = yaml.safe_load(DEFAULT_SOURCES.read_text(encoding="utf-8"))
    for entry in raw["sources"]:
        entry["enabled"] = entry["id"] in ("sf-varend", "mucf")
        if entry["id"] == "mucf":
            entry["start_urls"] = ["http://127.0.0.1:9/mucf/bidrag/"]  # made to fail
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    far = "0 3 1 1 *"
    settings = write_settings(
        schedule={"crawl": "0 6 * * *", "digest_build": far, "digest_send": far,
                  "newsletter_build": far},
        health={"alert_to": "s@example.se", "outbox": str(tmp_path / "alerts")},
    )  # fmt: skip
    db = open_db(db_path)
    db["job_runs"].insert(
        {"job": "crawl", "scheduled_for": "2000-01-01T06:00:00+01:00", "status": "ok"}
    )
    db.close()
    command = [
        sys.executable, "-m", "crawler", "schedule", "--db", str(db_path), "--snapshot",
        "month1", "--sources", str(sources), "--settings", str(settings),
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:

        def crawled() -> bool:
            db = open_db(db_path)
            try:
                return db["source_runs"].count >= 2
            finally:
                db.close()

        wait_for(crawled, seconds=120, what="the snapshot crawl")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    status = subprocess.run(
        [sys.executable, "-m", "crawler", "status", "--db", str(db_path), "--sources",
         str(sources), "--settings", str(settings), "--format", "json"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    by_source = {s["source"]: s for s in json.loads(status.stdout)["sources"]}
    assert by_source["sf-varend"]["last_status"] == "ok" and by_source["sf-varend"]["items"] > 0
    assert by_source["mucf"]["last_status"] == "failed"
    assert "127.0.0.1:9" in by_source["mucf"]["error"]
    assert by_source["mucf"]["health"] == "failing"
    assert by_source["esf"]["enabled"] is False and by_source["esf"]["last_run"] is None
