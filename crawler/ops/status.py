"""`utlys status`: what a coordinator needs to know in one screen, all of it read from the
database (not from a scheduler's memory), so it tells the truth whether or not the scheduler
runs, and also after a crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from crawler.config import SourcesConfig
from crawler.config.settings import OpsSettings
from crawler.normalize import ellipsize
from crawler.ops.health import assess, recent_runs
from crawler.ops.locks import crawl_lock, is_locked, scheduler_lock
from crawler.ops.scheduler import JOBS, next_fire_times, parse_time


def source_status(
    db: Database, config: SourcesConfig | None, settings: OpsSettings, *, today: date
) -> list[dict[str, Any]]:
    """One entry per configured source, then any source that has runs but left the config."""
    configured = list(config.sources) if config else []
    ids = [s.id for s in configured]
    ids += [
        row["source"]
        for row in db.execute_returning_dicts(
            "select distinct source from source_runs order by source"
        )
        if row["source"] not in ids
    ]
    enabled = {s.id: s.enabled for s in configured}
    month = today.strftime("%Y-%m")
    result = []
    for source in ids:
        last = _one(
            db, "select * from source_runs where source = ? order by id desc limit 1", source
        )
        last_ok = _one(
            db,
            "select * from source_runs where source = ? and status = 'ok' order by id desc limit 1",
            source,
        )
        new_this_month = db.execute(
            "select count(*) from calls where source = ? and substr(first_seen, 1, 7) = ?",
            [source, month],
        ).fetchone()[0]
        stored = _one(db, "select * from source_health where source = ?", source)
        verdict = assess(recent_runs(db, source, settings.health), settings.health)
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
                "health": _health_word(verdict.healthy, verdict.kind, stored),
                "health_detail": verdict.detail,
                "health_since": stored["since"] if stored else None,
                "error": last["error"] if last and last["status"] != "ok" else None,
            }
        )
    return result


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
        last = _one(
            db,
            "select * from job_runs where job = ? and status != 'registered'"
            " order by id desc limit 1",
            job,
        )
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
        last = _one(
            db,
            "select period, max(sent_at) as sent_at from deliveries"
            " where kind = ? and status = 'sent' group by period order by sent_at desc limit 1",
            kind,
        )
        count = 0
        if last:
            count = db.execute(
                "select count(*) from deliveries where kind = ? and period = ? and status = 'sent'",
                [kind, last["period"]],
            ).fetchone()[0]
        waiting = {
            row["status"]: row["n"]
            for row in db.execute_returning_dicts(
                "select status, count(*) as n from deliveries where kind = ?"
                " and status in ('built', 'sending', 'failed') group by status",
                [kind],
            )
        }
        result[kind] = {
            "last_period": last["period"] if last else None,
            "last_sent_at": last["sent_at"] if last else None,
            "messages": count,
            "unsent": waiting.get("built", 0),
            "held": waiting.get("sending", 0),
            "failed": waiting.get("failed", 0),
        }
    alerts = {
        row["status"]: row["n"]
        for row in db.execute_returning_dicts(
            "select status, count(*) as n from health_alerts group by status"
        )
    }
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


def format_table(report: dict[str, Any], tz: ZoneInfo) -> str:
    """Plain columns for a terminal; the JSON format carries the full error texts."""
    lines = [
        f"utlys status of {report['database']} at {_local(report['generated_at'], tz)}",
        f"scheduler: {'running' if report['scheduler_running'] else 'not running'}"
        f"; crawl: {'running now' if report['crawl_running'] else 'idle'}",
        "",
    ]
    rows = [
        [
            s["source"] + ("" if s["enabled"] else " (off)"),
            _local(s["last_run"], tz),
            s["last_status"] or "-",
            _local(s["last_success"], tz),
            "-" if s["items"] is None else str(s["items"]),
            str(s["new_this_month"]),
            s["health"],
            ellipsize(s["error"] or (s["health_detail"] if s["health"] != "ok" else "")),
        ]
        for s in report["sources"]
    ]
    head = ["SOURCE", "LAST RUN", "STATUS", "LAST SUCCESS", "ITEMS", "NEW", "HEALTH", "ERROR"]
    lines += _columns([head, *rows])
    lines.append("")
    job_rows = [
        [
            j["job"],
            j["cron"],
            _local(j["next_run"], tz),
            _local(j["last_run"], tz),
            " ".join(x for x in (j["last_status"] or "-", j["last_period"] or "") if x),
            ellipsize(j["last_detail"] or ""),
        ]
        for j in report["jobs"]
    ]
    lines += _columns([["JOB", "CRON", "NEXT RUN", "LAST RUN", "LAST STATUS", "DETAIL"], *job_rows])
    lines.append("")
    for kind in ("digest", "newsletter"):
        d = report["deliveries"][kind]
        if d["last_period"]:
            text = f"{d['last_period']}, {d['messages']} messages, {_local(d['last_sent_at'], tz)}"
        else:
            text = "never"
        extra = ", ".join(f"{d[k]} {k}" for k in ("unsent", "held", "failed") if d[k])
        lines.append(f"last {kind} sent: {text}" + (f" ({extra})" if extra else ""))
    a = report["deliveries"]["alerts"]
    lines.append(
        f"health alerts: {a['sent']} sent"
        + "".join(f", {a[k]} {k}" for k in ("unsent", "held", "failed") if a[k])
    )
    return "\n".join(lines)


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _local(stamp: str | None, tz: ZoneInfo) -> str:
    if not stamp:
        return "-"
    try:
        return parse_time(stamp).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def _one(db: Database, sql: str, *params: Any) -> dict[str, Any] | None:
    rows = db.execute_returning_dicts(sql, list(params))
    return rows[0] if rows else None
