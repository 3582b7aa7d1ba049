"""Is each source still being read? Judged from its sequence of runs, told to the coordinator
once per change.

A single failed night is noise (a funder's server restarts); three in a row is a broken source.
A listing that yields nothing, or far less than usual, is the quieter failure: the crawl
"worked" but the page changed shape. The verdict is a pure function of the runs (`assess`), so
the rules are tested from plain sequences; `check_health` stores the state per source and sends
ONE alert when a source turns unhealthy and ONE when it recovers, never one per crawl.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlite_utils import Database

from crawler.config.settings import HealthSettings
from crawler.normalize import header_safe
from crawler.ops.logs import get_logger
from crawler.store import write_transaction

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
    rows = db.execute_returning_dicts(
        "select * from source_runs where source = ? order by id desc limit ?", [source, limit]
    )
    return list(reversed(rows))


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
    is written (status `built`) in the same transaction as the state, so a crash between the two
    can neither lose the alert nor send it twice; `send_alerts` delivers it.
    """
    stamp = now.isoformat(timespec="seconds")
    transitions = []
    for source in sources:
        verdict = assess(recent_runs(db, source, settings), settings)
        with write_transaction(db):
            stored = next(
                iter(
                    db.execute_returning_dicts(
                        "select * from source_health where source = ?", [source]
                    )
                ),
                None,
            )
            if verdict.healthy is None:
                if stored is not None:
                    db.execute(
                        "update source_health set checked_at = ? where source = ?",
                        [stamp, source],
                    )
                continue
            was = None if stored is None else bool(stored["healthy"])
            if was == verdict.healthy:
                db.execute(
                    "update source_health set reason = ?, checked_at = ? where source = ?",
                    [verdict.detail, stamp, source],
                )
                continue
            db["source_health"].upsert(
                {
                    "source": source,
                    "healthy": int(verdict.healthy),
                    "reason": verdict.detail,
                    "since": stamp,
                    "checked_at": stamp,
                },
                pk="source",
            )
            if was is None and verdict.healthy:
                continue  # first sight of a working source: nothing to tell
            alert_id = None
            if recipient:
                alert_id = (
                    db["health_alerts"]
                    .insert(
                        {
                            "source": source,
                            "transition": "recovered" if verdict.healthy else "unhealthy",
                            "reason": verdict.detail_sv,
                            "recipient": recipient,
                            "status": "built",
                            "created_at": stamp,
                        }
                    )
                    .last_pk
                )
        if verdict.healthy:
            log.info("health: recovered: %s", verdict.detail, extra={"source": source})
        else:
            log.warning("health: unhealthy: %s", verdict.detail, extra={"source": source})
        transitions.append(Transition(source, verdict.healthy, verdict, alert_id))
    return transitions


def alert_message(alert: dict[str, Any], *, sender: str, funder: str | None) -> EmailMessage:
    """The alert email, in Swedish: the coordinator reads it, and it says what to do."""
    source = alert["source"]
    name = f"{funder} ({source})" if funder else source
    msg = EmailMessage()
    if alert["transition"] == "unhealthy":
        subject = f"utlys: källan {name} behöver tittas på"
        body = (
            f"Hej!\n\nKällan {name} läses inte längre som den ska: {alert['reason']}.\n\n"
            "Utlysningar från den här källan kan saknas i sammanställningar och utskick tills "
            "felet är åtgärdat. Kontrollera att webbsidan finns kvar och ser ut som förut, "
            "och kör sedan\n\n"
            f"    utlys status\n    utlys crawl --only {source}\n\n"
            "Du får ett nytt meddelande när källan fungerar igen (inte ett varje dag).\n"
        )
    else:
        subject = f"utlys: källan {name} fungerar igen"
        body = (
            f"Hej!\n\nKällan {name} läses som vanligt igen: {alert['reason']}.\n\n"
            "Inget mer behöver göras.\n"
        )
    msg["Subject"] = header_safe(subject)
    # From and To come from settings or the environment, but a header value must still be one
    # line without encoded-words (CVE-2024-6923), as every other header we write.
    msg["From"] = header_safe(sender)
    msg["To"] = header_safe(alert["recipient"])
    msg["Date"] = format_datetime(datetime.fromisoformat(alert["created_at"]))
    # Deterministic, so a resend after a crash is recognisably the same message.
    domain = parseaddr(str(msg["From"]))[1].rpartition("@")[2] or "utlys.local"
    msg["Message-ID"] = f"<utlys-health-{alert['id']}-{source}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body + "\n-- \nutlys, bevakning av utlysningar\n")
    return msg


def send_alerts(
    db: Database,
    transport: Any,
    *,
    sender: str,
    now: datetime,
    funders: dict[str, str] | None = None,
) -> dict[str, int]:
    """Send every alert not yet sent, exactly once each.

    Same ledger rules as the digests: marked `sending` before it is handed over and `sent` after
    the server accepts it; a server that could not be reached leaves it `built` for the next
    check; one left in `sending` by a crash may have arrived, so it is never resent blindly
    (`utlys status` shows it).
    """
    from digest.transport import DeliveryRefused, DeliveryUncertain, TransportUnavailable

    counts = {"sent": 0, "failed": 0, "later": 0}
    pending = db.execute_returning_dicts(
        "select * from health_alerts where status = 'built' order by id"
    )
    for alert in pending:
        msg = alert_message(alert, sender=sender, funder=(funders or {}).get(alert["source"]))
        with write_transaction(db):
            claimed = db.execute(
                "update health_alerts set status = 'sending' where id = ? and status = 'built'",
                [alert["id"]],
            ).rowcount
        if claimed != 1:
            continue  # another check (the scheduler, `utlys health`) took it meanwhile
        try:
            transport.send(msg)
        except TransportUnavailable as exc:
            _mark(db, alert["id"], "built", str(exc))
            counts["later"] += 1
            log.warning("alert not sent, will retry: %s", exc, extra={"source": alert["source"]})
            break  # the server is unreachable: the next ones would fail the same way
        except DeliveryRefused as exc:
            _mark(db, alert["id"], "failed" if exc.permanent else "built", str(exc))
            counts["failed" if exc.permanent else "later"] += 1
            log.error("alert refused: %s", exc, extra={"source": alert["source"]})
        except DeliveryUncertain as exc:
            _mark(db, alert["id"], "sending", str(exc))
            log.error("alert may or may not be sent: %s", exc, extra={"source": alert["source"]})
        else:
            with write_transaction(db):
                db.execute(
                    "update health_alerts set status = 'sent', sent_at = ?, error = null"
                    " where id = ?",
                    [now.isoformat(timespec="seconds"), alert["id"]],
                )
            counts["sent"] += 1
            log.info(
                "alert sent to %s: %s",
                alert["recipient"],
                alert["transition"],
                extra={"source": alert["source"]},
            )
    return counts


def _mark(db: Database, alert_id: int, status: str, error: str) -> None:
    with write_transaction(db):
        db.execute(
            "update health_alerts set status = ?, error = ? where id = ?",
            [status, error, alert_id],
        )
