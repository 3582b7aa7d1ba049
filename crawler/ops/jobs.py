"""The scheduler's decisions: plain functions of the database and a `now`, tested with a
controllable clock (crawler.ops.scheduler only wires them to APScheduler and child processes).

- Which job was missed: a job whose latest cron time before now came after its latest finished
  run (``job_runs``) was missed while the scheduler was not running, and runs ONCE at start,
  however many times it was missed (APScheduler's memory forgets everything at a restart, so the
  database decides). A job with no row at all was never scheduled here and missed nothing.
- Which month a monthly job is for: the month of the cron time it answers.
- Whether a month's digest may be sent: decided by the ``deliveries`` ledger and the review state
  of the matches, never by memory.
- Which command runs each step, what a step's end means, which sources a killed crawl leaves
  without a run, and who gets the health alerts of the check that follows every crawl (the
  check is here too, and `utlys health` runs it by hand).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from sqlite_utils import Database

from crawler.config import ConfigError, default_file, load_sources
from crawler.config.settings import OpsSettings, ScheduleSettings, load_ops_settings
from crawler.ops.childproc import ChildResult
from crawler.ops.health import assess, check_health, fill_verdict, recent_runs, send_alerts
from crawler.ops.logs import get_logger
from crawler.store import now_iso, open_db, record_run
from crawler.store.job_runs import job_fire_times, job_ok_for_period
from crawler.store.queries import delivery_created_times, pending_match_times, source_runs_since
from digest.ledger import summary

JOBS = ("crawl", "digest-build", "digest-send", "newsletter-build")
MONTHLY = {"digest-build", "digest-send", "newsletter-build"}
DONE = ("ok", "failed", "skipped", "registered")  # a run that answered its cron time
# Look-back windows for the latest cron time before now: the smallest that holds one fire time
# bounds the walk (a per-minute cron walks an hour, a monthly one a month).
WINDOWS = [timedelta(hours=1), timedelta(days=1), timedelta(days=32), timedelta(days=400)]

log = get_logger("scheduler")


@dataclass
class Paths:
    """The files a scheduled job works on; None means the default file."""

    db: Path
    sources: Path | None = None
    needs: Path | None = None
    settings: Path | None = None


def parse_stamp(text: str) -> datetime:
    """A time stamp as the store writes it (ISO 8601); one without an offset is UTC, as
    crawler.store.now_iso writes them."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


# ---- cron times ----------------------------------------------------------------------------


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
    """The month (YYYY-MM) a monthly job that answers the cron time `moment` is for."""
    return moment.strftime("%Y-%m")


# ---- what ran, what was missed -------------------------------------------------------------


def last_done(db: Database, job: str) -> datetime | None:
    """The cron time the job last answered (finished one way or another, or was registered)."""
    return max((parse_stamp(text) for text in job_fire_times(db, job, DONE)), default=None)


def missed_jobs(db: Database, schedule: ScheduleSettings, now: datetime) -> list[str]:
    """Jobs whose latest cron time before `now` came after their latest finished run."""
    missed = []
    for job in JOBS:
        fire = previous_fire_time(schedule.trigger(job), now)
        done = last_done(db, job)
        if fire is not None and done is not None and fire > done:
            missed.append(job)
    return missed


def never_scheduled(db: Database) -> list[str]:
    """Jobs with no answered run at all: a first start registers them, so that from then on
    a missed run is caught up."""
    return [job for job in JOBS if last_done(db, job) is None]


def job_done_for_period(db: Database, job: str, period: str) -> bool:
    return bool(job_ok_for_period(db, job, period))


# ---- may the month's digest be sent? -------------------------------------------------------


def delivery_counts(db: Database, kind: str, period: str) -> dict[str, int]:
    return summary(db, kind=kind, period=period)


def digest_built_at(db: Database, period: str) -> datetime | None:
    """When the period's digest was first built: by the scheduler, or by hand (deliveries)."""
    stamps = [s for s in job_ok_for_period(db, "digest-build", period) if s]
    stamps += delivery_created_times(db, "digest", period)
    return min((parse_stamp(s) for s in stamps), default=None)


def pending_before(db: Database, moment: datetime) -> int:
    """Matches still awaiting review that existed when the digest was built."""
    return sum(1 for made in pending_match_times(db) if not made or parse_stamp(made) <= moment)


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


# ---- after a crawl -------------------------------------------------------------------------


def record_timeouts(
    db: Database, sources: Sequence[str], before: int, timeout: int, now: datetime
) -> list[str]:
    """A killed crawl leaves no run for the sources it had not finished: record them failed
    (they count towards the source's failure streak, as any crawl that did not get through)."""
    done = {run["source"] for run in source_runs_since(db, before)}
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


def alert_addresses(paths: Paths, settings: OpsSettings) -> tuple[str | None, str, dict[str, str]]:
    """(recipient, sender, funder names): `health.alert_to`, else the coordinator in needs.yaml."""
    from digest.options import sender_from_settings

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


@dataclass
class StepOutcome:
    """What a job run came to, as booked in ``job_runs``."""

    status: str  # ok / failed / skipped / interrupted
    detail: str
    period: str | None = None


def describe_result(result: ChildResult, timeout: float) -> str:
    """How a step that did not succeed ended, in one line for the job's detail."""
    if result.timed_out:
        return f"timed out after {timeout:g} s"
    if result.stopped:
        return "stopped by shutdown"
    tail = result.output[-1] if result.output else ""
    return f"exit {result.returncode}: {tail}".strip()


def step_argv(paths: Paths, step: str) -> list[str]:
    """The command that runs a step (`utlys ...` in a fresh Python, the scheduler's own)."""
    db = ["--db", str(paths.db)]
    needs = ["--needs", str(paths.needs)] if paths.needs else []
    settings = ["--settings", str(paths.settings)] if paths.settings else []
    # The sources file is named, so every step of a run reads the same one.
    sources = ["--sources", str(paths.sources or default_file("sources.yaml"))]
    argv = {
        "crawl": ["crawl", *db, *sources],
        "match": ["match", *db, *needs],
        "digest-build": ["digest", "build", *db, *needs, *settings],
        "digest-send": ["digest", "send", *db, *settings],
        "newsletter-build": ["newsletter", "build", *db, *needs, *settings],
        "newsletter-send": ["newsletter", "send", *db, *settings],
    }[step]
    return [sys.executable, "-m", "crawler", *argv]


# ---- the health check after each crawl (and `utlys health`) --------------------------------


def run_health_check(
    db: Database,
    paths: Paths,
    settings: OpsSettings,
    sources: Sequence[str],
    *,
    now: datetime,
    transport: Any = None,
    alerts: bool = True,
) -> list[Any]:
    """Check the sources' health and send the alerts due (`alerts`: record and send them);
    problems are logged, never raised (a broken mail server must not fail the crawl job)."""
    try:
        recipient, sender, funders = alert_addresses(paths, settings) if alerts else (None, "", {})
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


def health_now(paths: Paths, *, alerts: bool = True) -> list[dict[str, Any]]:
    """`utlys health`: judge every enabled source now, store the state, send the alerts due
    (unless not `alerts`); one entry per source: source, health (ok / UNHEALTHY / DEGRADED / -),
    detail."""
    settings = load_ops_settings(paths.settings)
    ids = [s.id for s in load_sources(paths.sources).enabled()]
    db = open_db(paths.db)
    try:
        now = datetime.now(settings.schedule.tz)
        run_health_check(db, paths, settings, ids, now=now, alerts=alerts)
        verdicts = {source: assess(recent_runs(db, source, settings.health), settings.health)
                    for source in ids}  # fmt: skip
        fills = {source: fill_verdict(db, source) for source in ids}
    finally:
        db.close()
    words = {True: "ok", False: "UNHEALTHY", None: "-"}
    rows = []
    for source, v in verdicts.items():
        health, detail = words[v.healthy], v.detail
        if v.healthy is not False and fills[source].degraded:  # failing is shown ahead
            health, detail = "DEGRADED", fills[source].detail
        rows.append({"source": source, "health": health, "detail": detail})
    return rows
