"""Is each source still being read? Judged from its sequence of runs, told to the coordinator
once per change.

A single failed night is noise (a funder's server restarts); three in a row is a broken source.
A listing that yields nothing, or far less than usual, is the quieter failure: the crawl
"worked" but the page changed shape. The verdict is a pure function of the runs (`assess`), so
the rules are tested from plain sequences; `check_health` stores the state per source and
records ONE alert when a source turns unhealthy and ONE when it recovers, never one per crawl.
The alerts are sent through the digests' send ledger (`digest.alerts.send_alerts`, also
importable from here).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from crawler.config.settings import HealthSettings
from crawler.ops.logs import get_logger
from crawler.store import health as store
from crawler.store import write_transaction
from digest.alerts import alert_message, record_alert, send_alerts

__all__ = [
    "Assessment",
    "Transition",
    "alert_message",
    "assess",
    "check_health",
    "recent_runs",
    "send_alerts",
]

log = get_logger("health")


@dataclass(frozen=True)
class Assessment:
    """`healthy` is None when the runs give no verdict (no runs, or a failure streak still
    shorter than the limit): the stored state then stands."""

    healthy: bool | None
    kind: str  # ok / failing / empty / shrunk / no-runs / never-yielded
    detail: str  # English, for the CLI and logs
    detail_sv: str  # Swedish, for the coordinator's alert email


def assess(runs: Sequence[dict[str, Any]], settings: HealthSettings) -> Assessment:
    """Judge a source from its runs, oldest first (each a `source_runs` row)."""
    if not runs:
        return Assessment(None, "no-runs", "never crawled", "har aldrig hämtats")
    last = runs[-1]
    streak = 0
    for run in reversed(runs):
        if run["status"] != "failed":
            break
        streak += 1
    limit = settings.failures_in_a_row
    error = " ".join(str(last.get("error") or "").split())
    if streak >= limit:
        return Assessment(
            False,
            "failing",
            f"failed {streak} times in a row: {error or 'no error recorded'}",
            f"har misslyckats {streak} gånger i rad: {error or 'inget felmeddelande'}",
        )
    if streak:
        return Assessment(
            None,
            "failing",
            f"last run failed ({streak} of {limit} before an alert): {error}",
            f"senaste hämtningen misslyckades ({streak} av {limit}): {error}",
        )
    earlier_best = max((run.get("items") or 0 for run in runs[:-1]), default=0)
    items = last.get("items") or 0
    if last["status"] == "empty" or items == 0:
        if earlier_best > 0:
            return Assessment(
                False,
                "empty",
                f"found no calls (used to find up to {earlier_best})",
                f"hittade inga utlysningar (brukade hitta upp till {earlier_best})",
            )
        return Assessment(None, "never-yielded", "has never found a call", "har aldrig gett något")
    usual = [run.get("items") or 0 for run in runs[:-1] if run["status"] == "ok"]
    usual = [n for n in usual if n > 0][-settings.history :]
    if len(usual) >= settings.min_history:
        median = statistics.median(usual)
        if items < settings.shrink_ratio * median:
            return Assessment(
                False,
                "shrunk",
                f"listing shrank to {items} calls (usually {median:g})",
                f"listan krympte till {items} utlysningar (brukar vara {median:g})",
            )
    return Assessment(True, "ok", f"ok ({items} calls)", f"fungerar ({items} utlysningar)")


def recent_runs(db: Database, source: str, settings: HealthSettings) -> list[dict[str, Any]]:
    """Enough of a source's latest runs for `assess`, oldest first."""
    # The longest look-back any rule needs: the failure streak, or the usual size plus the
    # failed and empty runs that may lie between the ok ones.
    limit = max(settings.failures_in_a_row, settings.history) * 4 + 1
    return store.recent_runs(db, source, limit)


@dataclass(frozen=True)
class Transition:
    source: str
    healthy: bool
    assessment: Assessment
    alert_id: int | None


def check_health(
    db: Database,
    sources: Iterable[str],
    settings: HealthSettings,
    *,
    now: datetime,
    recipient: str | None,
) -> list[Transition]:
    """Assess every source, store its state, and record one alert per change of state.

    A source seen for the first time that is already unhealthy is a change too (from "unknown"),
    so a source broken from day one is reported; one that starts healthy is not news. The alert
    is recorded in the send ledger (status `built`) in the same transaction as the state, so a
    crash between the two can neither lose the alert nor send it twice; `send_alerts` delivers
    it.
    """
    stamp = now.isoformat(timespec="seconds")
    transitions = []
    for source in sources:
        verdict = assess(recent_runs(db, source, settings), settings)
        with write_transaction(db):
            stored = store.source_health(db, source)
            if verdict.healthy is None:
                if stored is not None:
                    store.health_checked(db, source, stamp)
                continue
            was = None if stored is None else bool(stored["healthy"])
            if was == verdict.healthy:
                store.health_confirmed(db, source, verdict.detail, stamp)
                continue
            store.health_changed(db, source, verdict.healthy, verdict.detail, stamp)
            if was is None and verdict.healthy:
                continue  # first sight of a working source: nothing to tell
            alert_id = None
            if recipient:
                alert_id = record_alert(
                    db,
                    source=source,
                    transition="recovered" if verdict.healthy else "unhealthy",
                    reason=verdict.detail_sv,
                    recipient=recipient,
                    at=stamp,
                )
        if verdict.healthy:
            log.info("health: recovered: %s", verdict.detail, extra={"source": source})
        else:
            log.warning("health: unhealthy: %s", verdict.detail, extra={"source": source})
        transitions.append(Transition(source, verdict.healthy, verdict, alert_id))
    return transitions
