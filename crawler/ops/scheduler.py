"""`utlys schedule`: crawl, match and send on cron times, unattended, for months.

The decisions are plain functions of the database and a `now` (what fired last, what was missed
while the machine was off, whether the month's digest may be sent), so they are tested with a
controllable clock; APScheduler only wakes the `Runner` at the cron times.

Rules that make restarts safe:

- Every job run is written to `job_runs` before it starts and when it ends. On start, a run left
  `running` by a killed scheduler becomes `interrupted`, and a job whose latest cron time passed
  after its latest finished run was missed: it runs ONCE now, however many times it was missed
  (APScheduler's memory forgets everything at a restart, so the database decides).
- Jobs run one at a time (a single worker thread): a digest is never built during a crawl.
- A crawl holds `<db>.crawl.lock` (an OS lock, passed to the crawl's process): two crawls never
  overlap, also not a manual one, or one left behind by a killed scheduler. A second scheduler on
  the same database refuses to start (`<db>.schedule.lock`).
- Whether a period's digest was sent is decided by the `deliveries` table, never by memory.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from sqlite_utils import Database

from crawler.config import DEFAULT_SOURCES, ConfigError, load_sources
from crawler.config.settings import OpsSettings, ScheduleSettings
from crawler.ops.childproc import ChildResult, run_child
from crawler.ops.health import check_health, send_alerts
from crawler.ops.locks import CRAWL_LOCK_HELD, FileLock, LockBusy, crawl_lock, scheduler_lock
from crawler.ops.logs import get_logger
from crawler.store import now_iso, open_db, record_run, write_transaction

JOBS = ("crawl", "digest-build", "digest-send", "newsletter-build")
MONTHLY = {"digest-build", "digest-send", "newsletter-build"}
DONE = ("ok", "failed", "skipped", "registered")  # a run that answered its cron time
# Look-back windows for the latest cron time before now: the smallest that holds one fire time
# bounds the walk (a per-minute cron walks an hour, a monthly one a month).
WINDOWS = [timedelta(hours=1), timedelta(days=1), timedelta(days=32), timedelta(days=400)]

log = get_logger("scheduler")


# ---- decisions: plain functions of the database and a clock -------------------------------


def previous_fire_time(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The latest time at or before `now` at which `trigger` fired (None within 400 days)."""
    for window in WINDOWS:
        fire = trigger.get_next_fire_time(None, now - window)
        if fire is None or fire > now:
            continue
        while True:
            following = trigger.get_next_fire_time(fire, fire)
            if following is None or following > now:
                return fire
            fire = following
    return None


def next_fire_times(schedule: ScheduleSettings, now: datetime) -> dict[str, datetime | None]:
    return {job: schedule.trigger(job).get_next_fire_time(None, now) for job in JOBS}


def period_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


def last_done(db: Database, job: str) -> datetime | None:
    """The cron time the job last answered (finished one way or another, or was registered)."""
    rows = db.execute_returning_dicts(
        f"select scheduled_for from job_runs where job = ? and status in ({_marks(DONE)})",
        [job, *DONE],
    )
    times = [parse_time(row["scheduled_for"]) for row in rows if row["scheduled_for"]]
    return max(times, default=None)


def missed_jobs(db: Database, schedule: ScheduleSettings, now: datetime) -> list[str]:
    """Jobs whose latest cron time before `now` came after their latest finished run.

    A job with no row at all was never scheduled here (a fresh install) and missed nothing.
    """
    missed = []
    for job in JOBS:
        fire = previous_fire_time(schedule.trigger(job), now)
        done = last_done(db, job)
        if fire is not None and done is not None and fire > done:
            missed.append(job)
    return missed


def job_done_for_period(db: Database, job: str, period: str) -> bool:
    row = db.execute(
        "select count(*) from job_runs where job = ? and period = ? and status = 'ok'",
        [job, period],
    ).fetchone()
    return bool(row[0])


def delivery_counts(db: Database, kind: str, period: str) -> dict[str, int]:
    return {
        row["status"]: row["n"]
        for row in db.execute_returning_dicts(
            "select status, count(*) as n from deliveries where kind = ? and period = ?"
            " group by status",
            [kind, period],
        )
    }


def digest_built_at(db: Database, period: str) -> datetime | None:
    """When the period's digest was first built: by the scheduler, or by hand (deliveries)."""
    times = [
        parse_time(row["finished"])
        for row in db.execute_returning_dicts(
            "select finished from job_runs where job = 'digest-build' and period = ?"
            " and status = 'ok'",
            [period],
        )
        if row["finished"]
    ]
    times += [
        parse_time(row["created_at"])
        for row in db.execute_returning_dicts(
            "select created_at from deliveries where kind = 'digest' and period = ?", [period]
        )
        if row["created_at"]
    ]
    return min(times, default=None)


def pending_before(db: Database, moment: datetime) -> int:
    """Matches still awaiting review that existed when the digest was built."""
    rows = db.execute_returning_dicts(
        "select matched_at from matches where review = 'pending' or review is null"
    )
    return sum(
        1 for row in rows if not row["matched_at"] or parse_time(row["matched_at"]) <= moment
    )


@dataclass(frozen=True)
class SendDecision:
    action: str  # send / resume / wait / done
    reason: str


def digest_send_decision(
    db: Database, period: str, now: datetime, *, send_day: int
) -> SendDecision:
    """Send when every match the digest was built from is reviewed, or from `send_day` on.

    Once any digest of the period is `sent` the period is never rebuilt: only messages still
    `built` (an interrupted send) are sent, so no municipality gets the month twice. Until
    then every check may send: matches approved after the send day still go out that month.
    """
    counts = delivery_counts(db, "digest", period)
    if counts.get("sent"):
        if counts.get("built"):
            return SendDecision("resume", f"{counts['built']} digests of {period} left to send")
        return SendDecision("done", f"digests of {period} already sent ({counts['sent']})")
    built_at = digest_built_at(db, period)
    if built_at is None:
        return SendDecision("wait", f"the digest of {period} is not built yet")
    pending = pending_before(db, built_at)
    if pending and now.day < send_day:
        return SendDecision(
            "wait",
            f"{pending} matches not reviewed yet; sending on day {send_day} at the latest",
        )
    why = "send day reached" if pending else "all matches reviewed"
    return SendDecision("send", why)


# ---- the runner: one method per job, each step a child process ----------------------------


@dataclass
class Paths:
    db: Path
    sources: Path | None = None
    needs: Path | None = None
    settings: Path | None = None


@dataclass
class StepOutcome:
    status: str  # ok / failed / skipped / interrupted
    detail: str
    period: str | None = None


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
        utlys = [sys.executable, "-m", "crawler"]
        db = ["--db", str(self.paths.db)]
        needs = ["--needs", str(self.paths.needs)] if self.paths.needs else []
        settings = ["--settings", str(self.paths.settings)] if self.paths.settings else []
        sources = ["--sources", str(self.paths.sources or DEFAULT_SOURCES)]
        argv = {
            "crawl": ["crawl", *db, *sources],
            "match": ["match", *db, *needs],
            "digest-build": ["digest", "build", *db, *needs, *settings],
            "digest-send": ["digest", "send", *db, *settings],
            "newsletter-build": ["newsletter", "build", *db, *needs, *settings],
            "newsletter-send": ["newsletter", "send", *db, *settings],
        }[step]
        return [*utlys, *argv, *extra]

    # -- lifecycle --

    def startup(self, now: datetime | None = None) -> list[str]:
        """Close the books of a previous life and say which jobs were missed meanwhile."""
        now = now or self.now()
        stamp = now.isoformat(timespec="seconds")
        db = self.open()
        with write_transaction(db):
            stale = db.execute(
                "update job_runs set status = 'interrupted', finished = ?,"
                " detail = 'the scheduler stopped while this ran (pid ' || pid || ')'"
                " where status = 'running'",
                [stamp],
            ).rowcount
        if stale:
            log.warning("%d job run(s) of a previous scheduler were interrupted", stale)
        missed = missed_jobs(db, self.settings.schedule, now)
        with write_transaction(db):
            for job in JOBS:
                if last_done(db, job) is None:
                    db["job_runs"].insert(
                        {
                            "job": job,
                            "scheduled_for": stamp,
                            "started": stamp,
                            "finished": stamp,
                            "status": "registered",
                            "detail": "first start: from now on missed runs are caught up",
                            "pid": os.getpid(),
                        }
                    )
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
        with write_transaction(db):
            run_id = (
                db["job_runs"]
                .insert(
                    {
                        "job": job,
                        "period": period,
                        "scheduled_for": fire.isoformat(timespec="seconds"),
                        "started": now.isoformat(timespec="seconds"),
                        "status": "running",
                        "pid": os.getpid(),
                    }
                )
                .last_pk
            )
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
        with write_transaction(db):
            db.execute(
                "update job_runs set status = ?, detail = ?, finished = ? where id = ?",
                [outcome.status, outcome.detail, self.now().isoformat(timespec="seconds"), run_id],
            )
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
            before = _last_run_id(db)
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
        runs = _runs_since(db, before)
        for run in runs:
            _log_run(run)
        failed = sum(1 for run in runs if run["status"] != "ok")
        summary = f"{len(runs)} sources, {failed} failed or empty"
        if result.stopped:
            return StepOutcome("interrupted", f"crawl stopped by shutdown; {summary}")
        if result.timed_out or result.returncode not in (0, 1):
            crawl_status = _describe(result, schedule.crawl_timeout)
        else:  # exit 1: some source failed, the others were stored
            crawl_status = "ok"
        match = self._step("match", timeout=schedule.step_timeout, kill_on_stop=False)
        match_status = "ok" if match.ok else _describe(match, schedule.step_timeout)
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
            "ok" if result.ok else _describe(result, timeout),
            period,
        )


def _last_run_id(db: Database) -> int:
    return db.execute("select coalesce(max(id), 0) from source_runs").fetchone()[0]


def _runs_since(db: Database, run_id: int) -> list[dict[str, Any]]:
    return db.execute_returning_dicts(
        "select * from source_runs where id > ? order by id", [run_id]
    )


def _log_run(run: dict[str, Any]) -> None:
    level = "info" if run["status"] == "ok" else "warning"
    getattr(log, level)(
        "crawl %s: items=%s new=%s changed=%s gone=%s requests=%s not_modified=%s%s",
        run["status"],
        run["items"],
        run["new"],
        run["changed"],
        run["gone"],
        run["requests"],
        run["not_modified"],
        f" error={run['error']}" if run["error"] else "",
        extra={"source": run["source"]},
    )


def record_timeouts(
    db: Database, sources: Sequence[str], before: int, timeout: int, now: datetime
) -> list[str]:
    """A killed crawl leaves no run for the sources it had not finished: record them failed
    (they count towards the source's failure streak, as any crawl that did not get through)."""
    done = {run["source"] for run in _runs_since(db, before)}
    missing = [source for source in sources if source not in done]
    for source in missing:
        record_run(
            db,
            {
                "source": source,
                "started": now.isoformat(timespec="seconds"),
                "finished": now_iso(),
                "status": "failed",
                "items": 0,
                "new": 0,
                "changed": 0,
                "gone": 0,
                "error": f"timed out after {timeout} s (crawl killed)",
                "requests": 0,
                "not_modified": 0,
            },
        )
    return missing


def run_health_check(
    db: Database,
    paths: Paths,
    settings: OpsSettings,
    sources: Sequence[str],
    *,
    now: datetime,
    transport: Any = None,
) -> list[Any]:
    """Check the sources' health and send the alerts due; problems are logged, never raised
    (a broken mail server must not fail the crawl job)."""
    try:
        recipient, sender, funders = alert_addresses(paths, settings)
        transitions = check_health(db, sources, settings.health, now=now, recipient=recipient)
        if recipient:
            own = transport is None
            if own:
                from digest.transport import transport_from_settings

                outbox = Path(settings.health.outbox) if settings.health.outbox else None
                transport = transport_from_settings(
                    settings.smtp, outbox=outbox, where=str(settings.path)
                )
            try:
                send_alerts(db, transport, sender=sender, now=now, funders=funders)
            finally:
                if own:
                    transport.close()
        return transitions
    except Exception as exc:
        log.error("health check failed: %s: %s", type(exc).__name__, exc)
        return []


def alert_addresses(paths: Paths, settings: OpsSettings) -> tuple[str | None, str, dict[str, str]]:
    """(recipient, sender, funder names): `health.alert_to`, else the coordinator in needs.yaml."""
    from digest.transport import sender_from_settings

    coordinator = None
    try:
        from crawler.config.needs import load_needs

        coordinator = load_needs(paths.needs).coordinator
    except ConfigError as exc:
        if not settings.health.alert_to:
            log.warning("no alert recipient: %s", exc)
    recipient = settings.health.alert_to or (coordinator.email if coordinator else None)
    fallback = settings.health.alert_from or (coordinator.email if coordinator else recipient)
    try:
        funders = {s.id: s.funder for s in load_sources(paths.sources).sources}
    except ConfigError:
        funders = {}
    return recipient, sender_from_settings(settings.smtp, fallback), funders


def _describe(result: ChildResult, timeout: float) -> str:
    if result.timed_out:
        return f"timed out after {timeout:g} s"
    if result.stopped:
        return "stopped by shutdown"
    tail = result.output[-1] if result.output else ""
    return f"exit {result.returncode}: {tail}".strip()


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def parse_time(text: str) -> datetime:
    """ISO time as stored by any area; a time without offset is UTC (storage.now_iso's)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


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
