"""`utlys schedule`: crawl, match and send on cron times, unattended, for months.

This module is the wiring: APScheduler wakes the `Runner` at the cron times, the Runner runs
each step as a child process and books it in ``job_runs``, signals stop it, locks keep it
alone. What to do when (missed jobs, the month of a job, whether a digest may be sent) is
decided in crawler.ops.jobs.

Rules that make restarts safe:

- Every job run is written to `job_runs` before it starts and when it ends. On start, a run left
  `running` by a killed scheduler becomes `interrupted`, and a missed job runs once now.
- Jobs run one at a time (a single worker thread): a digest is never built during a crawl.
- A crawl holds `<db>.crawl.lock` (an OS lock, passed to the crawl's process): two crawls never
  overlap, also not a manual one, or one left behind by a killed scheduler. A second scheduler on
  the same database refuses to start (`<db>.schedule.lock`).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlite_utils import Database

from crawler.config import ConfigError, load_sources
from crawler.config.settings import OpsSettings, load_ops_settings
from crawler.ops.childproc import ChildResult, run_child
from crawler.ops.jobs import (
    JOBS,
    MONTHLY,
    Paths,
    StepOutcome,
    delivery_counts,
    describe_result,
    digest_send_decision,
    job_done_for_period,
    missed_jobs,
    never_scheduled,
    next_fire_times,
    period_of,
    previous_fire_time,
    record_timeouts,
    run_health_check,
    step_argv,
)
from crawler.ops.locks import CRAWL_LOCK_HELD, FileLock, LockBusy, crawl_lock, scheduler_lock
from crawler.ops.logs import default_log_path, get_logger, setup_logging
from crawler.store import open_db
from crawler.store.job_runs import add_job_runs, finish_job_run, interrupt_running_jobs
from crawler.store.queries import last_source_run_id, source_runs_since

__all__ = ["Paths", "Runner", "StepOutcome", "missed_jobs", "previous_fire_time", "serve"]

log = get_logger("scheduler")


@dataclass
class Runner:
    """Runs the jobs; `commands` maps a step to the argv that runs it (tests put stand-ins)."""

    paths: Paths
    settings: OpsSettings
    clock: Callable[[], datetime] | None = None
    commands: dict[str, list[str]] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    force: threading.Event = field(default_factory=threading.Event)
    busy: threading.Lock = field(default_factory=threading.Lock)

    def open(self) -> Database:
        """A connection per job: jobs run in APScheduler's worker thread, and an SQLite
        connection belongs to the thread that opened it."""
        return open_db(self.paths.db)

    def now(self) -> datetime:
        if self.clock is not None:
            return self.clock()
        return datetime.now(self.settings.schedule.tz)

    def command(self, step: str, *extra: str) -> list[str]:
        if step in self.commands:
            return [*self.commands[step], *extra]
        return [*step_argv(self.paths, step), *extra]

    # -- lifecycle --

    def startup(self, now: datetime | None = None) -> list[str]:
        """Close the books of a previous life and say which jobs were missed meanwhile."""
        now = now or self.now()
        stamp = now.isoformat(timespec="seconds")
        db = self.open()
        stale = interrupt_running_jobs(db, stamp)
        if stale:
            log.warning("%d job run(s) of a previous scheduler were interrupted", stale)
        missed = missed_jobs(db, self.settings.schedule, now)
        detail = "first start: from now on missed runs are caught up"
        add_job_runs(
            db,
            [
                {"job": job, "scheduled_for": stamp, "started": stamp, "finished": stamp,
                 "status": "registered", "detail": detail, "pid": os.getpid()}
                for job in never_scheduled(db)
            ],
        )  # fmt: skip
        db.close()
        for job in missed:
            log.info("%s was missed while the scheduler was not running: running it now", job)
        return missed

    def run(self, job: str, now: datetime | None = None) -> StepOutcome | None:
        """Run one job and record it; None when the scheduler is stopping (not recorded, so the
        next start sees it as missed)."""
        if self.stop.is_set():
            return None
        with self.busy:
            db = self.open()
            try:
                return self._run(db, job, now or self.now())
            finally:
                db.close()

    def _run(self, db: Database, job: str, now: datetime) -> StepOutcome:
        fire = previous_fire_time(self.settings.schedule.trigger(job), now) or now
        period = period_of(fire) if job in MONTHLY else None
        [run_id] = add_job_runs(
            db,
            [
                {"job": job, "period": period, "scheduled_for": fire.isoformat(timespec="seconds"),
                 "started": now.isoformat(timespec="seconds"), "status": "running",
                 "pid": os.getpid()}
            ],
        )  # fmt: skip
        log.info("%s: started%s", job, f" for {period}" if period else "")
        handler = {
            "crawl": self._crawl,
            "digest-build": self._digest_build,
            "digest-send": self._digest_send,
            "newsletter-build": self._newsletter_build,
        }[job]
        try:
            outcome = handler(db, now, period)
        except Exception as exc:  # one job's bug must not end the scheduler
            outcome = StepOutcome("failed", f"{type(exc).__name__}: {exc}", period)
            log.exception("%s: crashed", job)
        finished = self.now().isoformat(timespec="seconds")
        finish_job_run(db, run_id, status=outcome.status, detail=outcome.detail, finished=finished)
        level = "info" if outcome.status in ("ok", "skipped") else "warning"
        getattr(log, level)("%s: %s: %s", job, outcome.status, outcome.detail)
        return outcome

    # -- jobs --

    def _step(self, step: str, *extra: str, timeout: float, kill_on_stop: bool) -> ChildResult:
        """Run a step; on shutdown a crawl is killed, a mail step finishes (a killed send
        would leave a message whose fate is unknown) unless a second signal forces it."""
        return run_child(
            self.command(step, *extra),
            timeout=timeout,
            stop=self.stop if kill_on_stop else self.force,
            on_line=lambda line: log.debug("%s| %s", step, line),
        )

    def _crawl(self, db: Database, now: datetime, period: str | None) -> StepOutcome:
        schedule = self.settings.schedule
        try:
            sources = [s.id for s in load_sources(self.paths.sources).enabled()]
        except ConfigError as exc:
            return StepOutcome("failed", str(exc))
        lock = crawl_lock(self.paths.db)
        try:
            lock.acquire(wait=schedule.lock_wait)
        except LockBusy as exc:
            return StepOutcome("skipped", f"another crawl is running: {exc}")
        try:
            before = last_source_run_id(db)
            result = run_child(
                self.command("crawl"),
                timeout=schedule.crawl_timeout,
                stop=self.stop,
                keep_fds=[lock.fd] if lock.fd is not None else [],
                env={**os.environ, CRAWL_LOCK_HELD: "1"},
                on_line=lambda line: log.debug("crawl| %s", line),
            )
            if result.timed_out:
                record_timeouts(db, sources, before, schedule.crawl_timeout, now)
        finally:
            lock.release()
        runs = source_runs_since(db, before)
        for run in runs:
            _log_run(run)
        failed = sum(1 for run in runs if run["status"] != "ok")
        summary = f"{len(runs)} sources, {failed} failed or empty"
        if result.stopped:
            return StepOutcome("interrupted", f"crawl stopped by shutdown; {summary}")
        if result.timed_out or result.returncode not in (0, 1):
            crawl_status = describe_result(result, schedule.crawl_timeout)
        else:  # exit 1: some source failed, the others were stored
            crawl_status = "ok"
        match = self._step("match", timeout=schedule.step_timeout, kill_on_stop=False)
        match_status = "ok" if match.ok else describe_result(match, schedule.step_timeout)
        run_health_check(db, self.paths, self.settings, sources, now=self.now())
        status = "ok" if crawl_status == match_status == "ok" else "failed"
        return StepOutcome(status, f"crawl {crawl_status} ({summary}); match {match_status}")

    def _digest_build(self, db: Database, now: datetime, period: str | None) -> StepOutcome:
        assert period
        if delivery_counts(db, "digest", period).get("sent"):
            return StepOutcome("skipped", f"digests of {period} already sent", period)
        if job_done_for_period(db, "digest-build", period):
            return StepOutcome("skipped", f"digest of {period} already built", period)
        return self._monthly_step("digest-build", period)

    def _digest_send(self, db: Database, now: datetime, period: str | None) -> StepOutcome:
        assert period
        decision = digest_send_decision(
            db, period, now, send_day=self.settings.schedule.digest_send_day
        )
        if decision.action in ("wait", "done"):
            return StepOutcome("skipped", decision.reason, period)
        if decision.action == "send":
            # Rebuild first: messages not yet sent pick up the coordinator's latest reviews.
            build = self._monthly_step("digest-build", period)
            if build.status != "ok":
                build.detail = f"rebuild before sending: {build.detail}"
                return build
        outcome = self._monthly_step("digest-send", period)
        counts = delivery_counts(db, "digest", period)
        tally = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none built"
        outcome.detail = f"{decision.reason}; {outcome.detail}; digests of {period}: {tally}"
        return outcome

    def _newsletter_build(self, db: Database, now: datetime, period: str | None) -> StepOutcome:
        assert period
        if job_done_for_period(db, "newsletter-build", period):
            return StepOutcome("skipped", f"newsletter of {period} already built", period)
        outcome = self._monthly_step("newsletter-build", period)
        if outcome.status != "ok" or not self.settings.schedule.newsletter_send:
            return outcome
        # The deliveries ledger makes this safe to repeat: each address gets it once.
        sent = self._monthly_step("newsletter-send", period)
        sent.detail = f"built; send {sent.detail}"
        return sent

    def _monthly_step(self, step: str, period: str) -> StepOutcome:
        timeout = self.settings.schedule.step_timeout
        result = self._step(step, "--period", period, timeout=timeout, kill_on_stop=False)
        if result.stopped:
            return StepOutcome("interrupted", "stopped by shutdown", period)
        return StepOutcome(
            "ok" if result.ok else "failed",
            "ok" if result.ok else describe_result(result, timeout),
            period,
        )


def _log_run(run: dict[str, Any]) -> None:
    level = "info" if run["status"] == "ok" else "warning"
    getattr(log, level)(
        "crawl %s: items=%s new=%s changed=%s gone=%s requests=%s not_modified=%s%s",
        run["status"], run["items"], run["new"], run["changed"], run["gone"], run["requests"],
        run["not_modified"], f" error={run['error']}" if run["error"] else "",
        extra={"source": run["source"]},
    )  # fmt: skip


# ---- the thin APScheduler wiring ------------------------------------------------------------


def _shutdown(scheduler: BlockingScheduler) -> None:
    """Stop the scheduler from outside its loop; a signal may come before it has started."""
    while True:
        try:
            scheduler.shutdown(wait=False)
            return
        except SchedulerNotRunningError:
            time.sleep(0.05)


def take_scheduler_lock(db_path: str | Path) -> FileLock:
    """One scheduler per database; raise LockBusy naming the other one."""
    try:
        return scheduler_lock(db_path).acquire()
    except LockBusy as exc:
        raise LockBusy(f"another `utlys schedule` runs on {db_path}: {exc}") from None


def serve(runner: Runner, lock: FileLock | None = None) -> int:
    """Run in the foreground until SIGTERM or SIGINT; return the exit status (0).

    `lock` is the scheduler lock when the caller already holds it (taken here otherwise).
    """
    schedule = runner.settings.schedule
    lock = lock or take_scheduler_lock(runner.paths.db)
    try:
        scheduler = BlockingScheduler(
            timezone=schedule.tz,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={
                # A job delayed by another one (a long crawl) still runs, once.
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": None,
            },
        )
        now = runner.now()
        missed = runner.startup(now)
        for order, job in enumerate(JOBS):
            kwargs: dict[str, Any] = {}
            if job in missed:  # caught up now, in JOBS order: crawl before the digest
                kwargs["next_run_time"] = now + timedelta(milliseconds=order)
            scheduler.add_job(
                runner.run, schedule.trigger(job), args=[job], id=job, name=job, **kwargs
            )

        def on_signal(signum: int, frame: object) -> None:
            if runner.stop.is_set():
                log.warning("second %s: abandoning the current step", signal.Signals(signum).name)
                runner.force.set()
                return
            log.info("%s received: stopping", signal.Signals(signum).name)
            runner.stop.set()
            threading.Thread(target=_shutdown, args=(scheduler,), daemon=True).start()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        for job, fire in next_fire_times(schedule, now).items():
            log.info("%s: next run %s", job, fire.isoformat() if fire else "never")
        log.info("scheduler started (pid %d, db %s)", os.getpid(), runner.paths.db)
        scheduler.start()
        with runner.busy:  # the step in progress finishes (or its crawl is killed) first
            pass
        log.info("scheduler stopped")
        return 0
    finally:
        lock.release()


def run_schedule(
    paths: Paths, *, snapshot: str | None = None, echo: Callable[[str], Any] = print
) -> int:
    """`utlys schedule`: check everything, take the lock, then serve until stopped.

    The settings are read before the lock is taken and nothing runs on a half-valid
    configuration. With `snapshot` (month1 / month2), the bundled offline snapshot is served on
    127.0.0.1 and the sources are aimed at it (`<db>.sources.yaml`).
    """
    settings = load_ops_settings(paths.settings)
    lock = take_scheduler_lock(paths.db)  # before anything else is written, even derived files
    try:
        if snapshot is None:
            return _serve_checked(paths, settings, lock)
        from crawler.dev.snapserver import serve_snapshot, write_schedule_sources

        with serve_snapshot(snapshot) as server:
            dest = Path(f"{paths.db}.sources.yaml")
            load_sources(paths.sources)
            derived = write_schedule_sources(server.base_url, paths.sources, dest)
            echo(f"serving the {snapshot} snapshot at {server.base_url}; sources: {derived}")
            aimed = Paths(paths.db, derived, paths.needs, paths.settings)
            return _serve_checked(aimed, settings, lock)
    finally:
        lock.release()


def _serve_checked(paths: Paths, settings: OpsSettings, lock: FileLock) -> int:
    from crawler.config.needs import check_against_sources, load_needs
    from crawler.config.settings import load_settings
    from digest.options import digest_options
    from digest.transport import transport_from_settings

    # Everything the month-end jobs will read is checked now, not when they first fire.
    check_against_sources(load_needs(paths.needs), load_sources(paths.sources))
    digest_options(load_settings(settings.path), where=str(settings.path))
    transport_from_settings(settings.smtp, outbox=None, where=str(settings.path))
    log_settings = settings.logging
    setup_logging(
        log_settings.file or default_log_path(paths.db),
        level=log_settings.level,
        max_bytes=log_settings.max_bytes,
        backups=log_settings.backups,
    )
    return serve(Runner(paths, settings), lock)
