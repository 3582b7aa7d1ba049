"""`utlys status`: what a coordinator needs to know in one screen, all of it read from the
database (not from a scheduler's memory), so it tells the truth whether or not the scheduler
runs, and also after a crash.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from crawler.config import SourcesConfig, load_sources
from crawler.config.settings import OpsSettings, load_ops_settings
from crawler.ops.health import assess, fill_verdict, recent_runs
from crawler.ops.jobs import JOBS, next_fire_times
from crawler.ops.locks import crawl_lock, is_locked, scheduler_lock
from crawler.store.fill_rates import fill_health, fill_history
from crawler.store.health import source_health
from crawler.store.job_runs import last_job_run
from crawler.store.queries import (
    last_sent_period,
    last_source_run,
    new_calls_in_month,
    open_existing_db,
    sources_with_runs,
)
from digest.ledger import summary


def source_status(
    db: Database, config: SourcesConfig | None, settings: OpsSettings, *, today: date
) -> list[dict[str, Any]]:
    """One entry per configured source, then any source that has runs but left the config."""
    configured = list(config.sources) if config else []
    ids = [s.id for s in configured]
    ids += [source for source in sources_with_runs(db) if source not in ids]
    enabled = {s.id: s.enabled for s in configured}
    month = today.strftime("%Y-%m")
    result = []
    for source in ids:
        last = last_source_run(db, source)
        last_ok = last_source_run(db, source, status="ok")
        new_this_month = new_calls_in_month(db, source, month)
        stored = source_health(db, source)
        verdict = assess(recent_runs(db, source, settings.health), settings.health)
        health = _health_word(verdict.healthy, verdict.kind, stored)
        detail = verdict.detail
        degraded = _degraded_fields(db, source)
        if degraded and health == "ok":  # a failing source is told as failing first
            health, detail = "degraded", degraded[1]
        result.append(
            {
                "source": source,
                "in_config": source in enabled,
                "enabled": enabled.get(source, False),
                "last_run": last["started"] if last else None,
                "last_status": last["status"] if last else None,
                "last_success": (last_ok["finished"] or last_ok["started"]) if last_ok else None,
                "items": last["items"] if last else None,
                "new_this_month": new_this_month,
                "health": health,
                "health_detail": detail,
                "degraded_fields": list(degraded[0]) if degraded else [],
                "health_since": stored["since"] if stored else None,
                "error": last["error"] if last and last["status"] != "ok" else None,
            }
        )
    return result


def _degraded_fields(db: Database, source: str) -> tuple[tuple[str, ...], str] | None:
    """The fields a degraded source no longer reads, and why; None when it is not degraded.
    Judged from the runs now, else (the last run could not be judged) as last stored."""
    verdict = fill_verdict(db, source)
    if verdict.degraded is not None:
        return (verdict.fields, verdict.detail) if verdict.degraded else None
    stored = fill_health(db, source)
    if stored and stored["degraded"]:
        return tuple(stored["fields"]), stored["reason"]
    return None


def _health_word(healthy: bool | None, kind: str, stored: dict[str, Any] | None) -> str:
    if healthy is True:
        return "ok"
    if healthy is False:
        return "unhealthy"
    if stored is not None and not stored["healthy"]:
        return "unhealthy"
    return {"failing": "failing", "never-yielded": "no calls yet"}.get(kind, "unknown")


def job_status(db: Database, settings: OpsSettings, *, now: datetime) -> list[dict[str, Any]]:
    upcoming = next_fire_times(settings.schedule, now)
    jobs = []
    for job in JOBS:
        last = last_job_run(db, job)
        fire = upcoming[job]
        jobs.append(
            {
                "job": job,
                "cron": settings.schedule.crons[job],
                "next_run": fire.isoformat(timespec="minutes") if fire else None,
                "last_run": last["started"] if last else None,
                "last_status": last["status"] if last else None,
                "last_period": last["period"] if last else None,
                "last_detail": last["detail"] if last else None,
            }
        )
    return sorted(jobs, key=lambda j: j["next_run"] or "9999")


def delivery_status(db: Database) -> dict[str, Any]:
    """The last digest and newsletter sent, and messages that need the coordinator."""
    result: dict[str, Any] = {}
    for kind in ("digest", "newsletter"):
        last = last_sent_period(db, kind)
        waiting = summary(db, kind=kind)
        result[kind] = {
            "last_period": last["period"] if last else None,
            "last_sent_at": last["sent_at"] if last else None,
            "messages": last["messages"] if last else 0,
            "unsent": waiting.get("built", 0),
            "held": waiting.get("sending", 0),
            "failed": waiting.get("failed", 0),
        }
    alerts = summary(db, kind="alert")
    result["alerts"] = {
        "sent": alerts.get("sent", 0),
        "unsent": alerts.get("built", 0),
        "held": alerts.get("sending", 0),
        "failed": alerts.get("failed", 0),
    }
    return result


def status_report(
    db: Database,
    db_path: str | Path,
    config: SourcesConfig | None,
    settings: OpsSettings,
    *,
    now: datetime,
) -> dict[str, Any]:
    today = now.astimezone(settings.schedule.tz).date()
    return {
        "generated_at": now.isoformat(timespec="seconds"),
        "database": str(db_path),
        "scheduler_running": is_locked(scheduler_lock(db_path).path),
        "crawl_running": is_locked(crawl_lock(db_path).path),
        "sources": source_status(db, config, settings, today=today),
        "jobs": job_status(db, settings, now=now),
        "deliveries": delivery_status(db),
    }


def status_now(
    db_path: Path, sources: Path | None, settings_path: Path | None, *, now: datetime | None
) -> tuple[dict[str, Any], OpsSettings]:
    """`utlys status`: the report of an existing database, as of `now` (default: now in the
    schedule's time zone; a time without offset is in that zone), and the settings it used."""
    settings = load_ops_settings(settings_path)
    config = load_sources(sources)
    db = open_existing_db(db_path)
    tz = settings.schedule.tz
    now = datetime.now(tz) if now is None else now if now.tzinfo else now.replace(tzinfo=tz)
    try:
        return status_report(db, db_path, config, settings, now=now), settings
    finally:
        db.close()


def stored_fill_rows(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per source, its last run with field counts: when, its status, calls parsed and how
    many had each field (`utlys sources check --stored`); {} for a source never counted."""
    rows: dict[str, dict[str, Any]] = {}
    for source in ids:
        history = fill_history(db, source, 1)
        if not history:
            rows[source] = {}
            continue
        last = history[-1]
        rows[source] = {"run": last["started"], "run_status": last["status"], **last["fill"]}
    return rows


def crawled_fill_rows(
    sources_path: Path | None, ids: list[str], *, today: date
) -> dict[str, dict[str, Any]]:
    """`stored_fill_rows` of a crawl made now into a throwaway database (the real one is not
    touched, so checking a spider never marks a call new or gone), with each run's error."""
    import tempfile

    from crawler.crawl.runner import run_crawl

    if not ids:
        return {}
    with tempfile.TemporaryDirectory(prefix="utlys-check-") as tmp:
        db_path = Path(tmp) / "check.db"
        reports = run_crawl(db_path, sources_path, only=ids, today=today)
        db = open_existing_db(db_path)
        try:
            rows = stored_fill_rows(db, ids)
        finally:
            db.close()
    for report in reports:
        rows[report.source]["error"] = report.error
    return rows
