"""Is each source still being read? Judged from its sequence of runs, told to the coordinator
once per change.

A single failed night is noise (a funder's server restarts); three in a row is a broken source.
A listing that yields nothing, or far less than usual, is the quieter failure: the crawl
"worked" but the page changed shape. The verdict is a pure function of the runs (`assess`), so
the rules are tested from plain sequences; `check_health` stores the state per source and
records ONE alert when a source turns unhealthy and ONE when it recovers, never one per crawl.
The alerts are sent through the digests' send ledger (`digest.alerts.send_alerts`, also
importable from here).

The quietest failure of all is a spider that finds every call but no longer reads one of its
fields, because the funder changed the page: a source is *degraded* when the share of its
calls with a field (crawler.store.fill_rates.FIELDS) falls sharply against its own history
(`assess_fill`). That state is kept apart from healthy / unhealthy (`fill_health`), and told
the same way: one alert when it starts, one when the field is read again.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from crawler.config.settings import HealthSettings
from crawler.ops.logs import get_logger
from crawler.store import fill_rates as fills
from crawler.store import health as store
from crawler.store import write_transaction
from digest.alerts import alert_message, record_alert, send_alerts

__all__ = [
    "Assessment",
    "Transition",
    "alert_message",
    "assess",
    "assess_fill",
    "fill_verdict",
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


USUAL_FILL_MIN = 0.6
"""A field counts as one the spider reads only when it was on at least 60 % of the calls in
the usual run: fields that only some calls have (budgets, regions of national funders) would
otherwise raise an alarm at every normal fluctuation."""

FILL_DROP_RATIO = 1 / 3
"""...and it has dropped when the last run has it on under a third of that usual share: a
changed page layout takes a field to nothing or nearly, while funders' own variation (a month
of calls without budgets) seldom goes below half."""

FILL_HISTORY = 5
"""The usual share is the median of the last up-to-5 good runs, so one odd run sets no
baseline and a real change in what a funder publishes is not compared with last year."""

FILL_MIN_CALLS = 3
"""Runs with fewer calls say little about shares (one call without a deadline is 0 %): they
neither set the baseline nor are judged."""

FILL_LOOKBACK = 100
"""How many of a source's latest runs with counts are read: the degraded runs themselves never
become the baseline, so a source left degraded for weeks stays degraded (until its good runs
fall out of this window)."""

FIELD_SV = {
    "title": "rubriker",
    "status": "status",
    "dates": "sista ansökningsdagar eller öppningsdatum",
    "regions": "regioner",
    "budget": "belopp",
    "summary": "sammanfattningar",
}


@dataclass(frozen=True)
class FillAssessment:
    """`degraded` is None when the last run cannot be judged (it failed, had too few calls, or
    the source has no good run to compare with): the stored state then stands."""

    degraded: bool | None
    fields: tuple[str, ...]
    detail: str  # English, for the CLI and logs
    detail_sv: str  # Swedish, for the coordinator's alert email
    shares: dict[str, float] = field(default_factory=dict)  # of the last run, per field


def assess_fill(history: Sequence[dict[str, Any]]) -> FillAssessment:
    """Judge a source's field counts, oldest run first (each with `status` and `fill`)."""
    good = [r for r in history if r["status"] == "ok" and r["fill"]["calls"] >= FILL_MIN_CALLS]
    if not history or not good or good[-1] is not history[-1]:
        return FillAssessment(None, (), "fields not judged", "")
    baseline: list[dict[str, int]] = []
    for run in good[:-1]:
        if not _dropped(run["fill"], baseline[-FILL_HISTORY:]):
            baseline.append(run["fill"])
    if not baseline:
        return FillAssessment(None, (), "fields not judged (no earlier run to compare)", "")
    last = good[-1]["fill"]
    shares = {name: last[name] / last["calls"] for name in fills.FIELDS}
    dropped = _dropped(last, baseline[-FILL_HISTORY:])
    if not dropped:
        read = ", ".join(f"{name} {_percent(share, '')}" for name, share in shares.items())
        return FillAssessment(False, (), f"fields read: {read}", "", shares)
    english = "; ".join(f"{n} on {_percent(now, '')} of calls (usually {_percent(usual, '')})"
                        for n, now, usual in dropped)  # fmt: skip
    swedish = "; ".join(_dropped_sv(n, now, usual) for n, now, usual in dropped)
    return FillAssessment(
        True,
        tuple(n for n, _, _ in dropped),
        f"degraded, the site may have changed its pages: {english} in the last run",
        swedish,
        shares,
    )


def _dropped(
    fill: dict[str, int], baseline: Sequence[dict[str, int]]
) -> list[tuple[str, float, float]]:
    """The fields whose share fell sharply against the baseline: (field, now, usual)."""
    if not baseline:
        return []
    result = []
    for name in fills.FIELDS:
        usual = statistics.median(run[name] / run["calls"] for run in baseline)
        now = fill[name] / fill["calls"]
        if usual >= USUAL_FILL_MIN and now < usual * FILL_DROP_RATIO:
            result.append((name, now, usual))
    return result


def _percent(share: float, sep: str = " ") -> str:
    """Swedish writes "90 %", English "90%"."""
    return f"{round(share * 100)}{sep}%"


def _dropped_sv(name: str, now: float, usual: float) -> str:
    noun = FIELD_SV[name]
    if now == 0:
        told = ("ingen " if name == "status" else "inga ") + noun
    else:
        told = f"{noun} bara på {_percent(now)} av utlysningarna"
    return f"{told} i senaste körningen (förut {_percent(usual)})"


def fill_verdict(db: Database, source: str) -> FillAssessment:
    """`assess_fill` of the source's stored counts."""
    return assess_fill(fills.fill_history(db, source, FILL_LOOKBACK))


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
        degraded = _check_fill(db, source, stamp, recipient)
        if degraded is not None:
            transitions.append(degraded)
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


def _check_fill(db: Database, source: str, stamp: str, recipient: str | None) -> Transition | None:
    """The degraded check of one source, kept as `check_health` keeps health: the state per
    source, one alert (``degraded`` / ``recovered``) per change, none for a first good sight."""
    verdict = fill_verdict(db, source)
    if verdict.degraded is None:
        return None
    with write_transaction(db):
        stored = fills.fill_health(db, source)
        if stored is not None and bool(stored["degraded"]) == verdict.degraded:
            fills.fill_health_confirmed(db, source, verdict.fields, verdict.detail, stamp)
            return None
        fills.fill_health_changed(db, source, verdict.fields, verdict.detail, stamp)
        if stored is None and not verdict.degraded:
            return None
        if verdict.degraded:
            reason = verdict.detail_sv
        else:
            reason = "; ".join(
                f"{FIELD_SV[name]} finns på {_percent(verdict.shares[name])} av utlysningarna"
                for name in stored["fields"]
            )
        alert_id = None
        if recipient:
            alert_id = record_alert(
                db,
                source=source,
                transition="degraded" if verdict.degraded else "recovered",
                reason=reason,
                recipient=recipient,
                at=stamp,
                period=f"{stamp} fält",  # apart from a health alert of the same check
            )
    if verdict.degraded:
        log.warning("health: %s", verdict.detail, extra={"source": source})
    else:
        log.info("health: fields read again: %s", verdict.detail, extra={"source": source})
    healthy = not verdict.degraded
    kind = "degraded" if verdict.degraded else "ok"
    return Transition(source, healthy, Assessment(healthy, kind, verdict.detail, reason), alert_id)
