"""The send ledger (table ``deliveries``): every message of every kind (digest, newsletter,
alert) is recorded before it is sent, and sent exactly once.

States of a delivery (one row per kind, period, audience and recipient):

    built ──claim──> sending ──server accepted──> sent
      ^                 │
      │                 ├── refused (5xx) ──> failed   (the server's answer in ``error``)
      └─────────────────┴── refused (4xx) or nothing handed over: deferred, back to built

A row is claimed (``built`` -> ``sending``, committed) just before the message goes to the
transport and marked ``sent`` right after. If the process dies in between, the row stays
``sending``: the server may or may not have the message, so it is *held* and reported, never
re-sent blindly; ``release()`` lets the coordinator decide (resend, or mark it sent).

Digests and the newsletter are rendered when built (``record``). An alert is recorded with its
facts only, with the health state that caused it, and written just before it is sent
(``record_facts``, ``write``); its period is the time of the transition, its audience the source.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from sqlite_utils import Database

from crawler.store import now_iso, write_transaction
from digest.message import message_text, parse_stored
from digest.subscribers import is_active
from digest.transport import (
    DeliveryRefused,
    DeliveryUncertain,
    Transport,
    TransportError,
    TransportUnavailable,
)

log = logging.getLogger(__name__)
KEY = ("kind", "period", "municipality", "recipient")  # one delivery per key (unique index)


@dataclass
class Outgoing:
    """One rendered message for one recipient, before it is recorded."""

    kind: str
    period: str
    municipality: str
    recipient: str
    message: EmailMessage
    items: list[dict[str, Any]] | None = None

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


@dataclass
class SendReport:
    """What one send did; ``ok`` is False when anything was not delivered."""

    kind: str
    period: str | None  # None: every period (alerts)
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (recipient, server's answer)
    deferred: list[tuple[str, str]] = field(default_factory=list)  # 4xx: tried again next run
    held: list[dict[str, Any]] = field(default_factory=list)  # left in `sending`
    unsubscribed: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the run stopped early (server unreachable)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.deferred or self.held or self.stopped)


def record(db: Database, outgoing: Iterable[Outgoing], *, kind: str, period: str) -> dict:
    """Store rendered messages as ``built``; returns counts per outcome.

    Building again for a period replaces a ``built`` message (the content may have changed)
    under the same Message-ID, and never touches one that is ``sending``, ``sent`` or
    ``failed``. Built messages of the kind and period that are no longer wanted (the
    municipality has nothing new any more, the address unsubscribed) are deleted: ``build``
    defines what would be sent now.
    """
    outgoing = list(outgoing)
    if any((o.kind, o.period) != (kind, period) for o in outgoing):
        raise ValueError(f"record: every message must be of {kind} {period}")
    counts = {"new": 0, "rebuilt": 0, "kept": 0, "dropped": 0}
    with write_transaction(db):
        wanted: set[tuple[str, str, str, str]] = set()
        for out in outgoing:
            key = (out.kind, out.period, out.municipality, out.recipient.lower())
            wanted.add(key)
            existing = _find(db, *key)
            row = dict(zip(KEY, key, strict=True)) | {
                "subject": out.subject,
                "message": message_text(out.message),
                "message_id": str(out.message["Message-ID"]),
                "status": "built",
                "created_at": now_iso(),
                "items": None if out.items is None else json.dumps(out.items, ensure_ascii=False),
                "error": None,
            }
            if existing is None:
                db["deliveries"].insert(row)
                counts["new"] += 1
            elif existing["status"] == "built":
                db["deliveries"].update(existing["id"], row)
                counts["rebuilt"] += 1
            else:
                counts["kept"] += 1
        for row in db.execute_returning_dicts(
            "select id, kind, period, municipality, recipient from deliveries"
            " where kind = ? and period = ? and status = 'built'",
            [kind, period],
        ):
            if tuple(row[k] for k in KEY) not in wanted:
                db.execute("delete from deliveries where id = ?", [row["id"]])
                counts["dropped"] += 1
    return counts


def _find(db: Database, kind: str, period: str, municipality: str, recipient: str) -> dict | None:
    rows = db.execute_returning_dicts(
        "select * from deliveries where kind = ? and period = ? and municipality = ?"
        " and recipient = ?",  # stored in lower case; a plain compare can use the key's index
        [kind, period, municipality, recipient.lower()],
    )
    return rows[0] if rows else None


def record_facts(
    db: Database,
    *,
    kind: str,
    period: str,
    audience: str,
    recipient: str,
    facts: dict[str, Any],
    created_at: str,
) -> int:
    """Record a delivery whose message is written later (``write``); returns its id."""
    row = {"kind": kind, "period": period, "municipality": audience, "status": "built"}
    row |= {"recipient": recipient.lower(), "created_at": created_at}
    with write_transaction(db):
        return db["deliveries"].insert(row | {"items": json.dumps(facts)}).last_pk


def unwritten(db: Database, *, kind: str) -> list[dict[str, Any]]:
    """Built deliveries still without a message, oldest first, their facts under ``facts``."""
    rows = [r for r in pending(db, kind=kind) if r["status"] == "built" and not r["message"]]
    return [{**row, "facts": json.loads(row["items"] or "{}")} for row in rows]


def write(db: Database, delivery_id: int, msg: EmailMessage) -> bool:
    """Store the message of a built delivery that has none yet; False if another took it."""
    values = [message_text(msg), str(msg["Subject"]), str(msg["Message-ID"]), delivery_id]
    with write_transaction(db):
        cursor = db.execute(
            "update deliveries set message = ?, subject = ?, message_id = ?"
            " where id = ? and status = 'built' and message is null",
            values,
        )
        return cursor.rowcount == 1


def pending(db: Database, *, kind: str, period: str | None = None) -> list[dict[str, Any]]:
    """Deliveries not yet done: ``built`` (to send) and ``sending`` (held), oldest first."""
    where, params = _where(kind, period)
    return db.execute_returning_dicts(
        f"select * from deliveries where {where} and status in ('built', 'sending') order by id",
        params,
    )


def claim(db: Database, delivery_id: int) -> bool:
    """``built`` -> ``sending`` before the message is handed over; False if another took it."""
    with write_transaction(db):
        cursor = db.execute(
            "update deliveries set status = 'sending' where id = ? and status = 'built'",
            [delivery_id],
        )
        return cursor.rowcount == 1


def mark_sent(db: Database, delivery_id: int, *, at: str | None = None) -> None:
    _finish(db, delivery_id, "sent", None, sent_at=at or now_iso())


def mark_failed(db: Database, delivery_id: int, error: str) -> None:
    _finish(db, delivery_id, "failed", error)


def mark_deferred(db: Database, delivery_id: int, error: str) -> None:
    """Not handed over, or refused for now (4xx): sent again by the next send."""
    _finish(db, delivery_id, "built", error)


def mark_held(db: Database, delivery_id: int, error: str) -> None:
    """May have been accepted: stays ``sending`` with the reason, for the coordinator."""
    with write_transaction(db):
        db.execute("update deliveries set error = ? where id = ?", [error, delivery_id])


def _finish(
    db: Database, delivery_id: int, status: str, error: str | None, sent_at: str | None = None
) -> None:
    with write_transaction(db):
        db.execute(
            "update deliveries set status = ?, error = ?, sent_at = coalesce(?, sent_at)"
            " where id = ?",
            [status, error, sent_at, delivery_id],
        )


def send_pending(
    db: Database,
    transport: Transport,
    *,
    kind: str,
    period: str | None = None,
    retry_failed: bool = False,
    still_subscribed: Callable[[str, str], bool] | None = None,
    sent_at: str | None = None,
) -> SendReport:
    """Send every ``built`` message of a kind (and period, if given), each exactly once.

    ``still_subscribed(audience, recipient)`` (by default: the subscribers table) is asked
    just before each message: an address that unsubscribed after the build is not mailed (the
    delivery is marked failed with the reason). A server that cannot be reached stops the run;
    what was not sent stays ``built``. ``sent_at`` overrides the time recorded as sent.
    """
    report = SendReport(kind=kind, period=period)
    if still_subscribed is None:

        def still_subscribed(municipality: str, recipient: str) -> bool:
            return is_active(db, municipality, recipient)

    if retry_failed:
        where, params = _where(kind, period)
        with write_transaction(db):
            db.execute(
                f"update deliveries set status = 'built' where {where} and status = 'failed'",
                params,
            )
    try:
        for row in pending(db, kind=kind, period=period):
            if row["status"] == "sending":
                report.held.append(_held(row))
                continue
            if row["message"] is None:
                continue  # not written yet (an alert): its sender writes it first
            if not still_subscribed(row["municipality"], row["recipient"]):
                mark_failed(db, row["id"], "unsubscribed after build; not sent")
                report.unsubscribed.append(row["recipient"])
                continue
            msg = parse_stored(row["message"])
            if not claim(db, row["id"]):
                continue  # another sender took it
            outcome = _send_one(db, transport, row, msg, report)
            if outcome == "sent":
                mark_sent(db, row["id"], at=sent_at)
                report.sent.append(row["recipient"])
                log.info("sent %s to %s", kind, row["recipient"])
            elif outcome == "stop":
                break
    except BaseException:
        # Interrupted: drop the connection instead of a polite QUIT that could wait for a
        # server still busy with the interrupted command.
        getattr(transport, "abort", transport.close)()
        raise
    transport.close()
    return report


send_deliveries = send_pending  # the old name


def _send_one(
    db: Database, transport: Transport, row: dict, msg: EmailMessage, report: SendReport
) -> str:
    """Hand one claimed message to the transport; "sent", or "booked" when the outcome (failed,
    deferred, held) is booked here, or "stop" when the server cannot be reached.

    If the process is interrupted (Ctrl-C, SIGTERM) before anything of the message was handed
    over, or the transport is idempotent, the delivery goes back to ``built``; otherwise it stays
    ``sending``: held."""
    delivery_id, recipient = row["id"], row["recipient"]
    try:
        transport.send(msg)
    except (KeyboardInterrupt, SystemExit):
        if getattr(transport, "idempotent", False) or not getattr(transport, "in_doubt", True):
            mark_deferred(db, delivery_id, "interrupted before it was handed over")
        raise
    except DeliveryRefused as exc:
        if exc.permanent:
            mark_failed(db, delivery_id, str(exc))
            report.failed.append((recipient, str(exc)))
        else:
            mark_deferred(db, delivery_id, str(exc))
            report.deferred.append((recipient, str(exc)))
        log.warning("%s refused: %s", recipient, exc)
    except TransportUnavailable as exc:
        mark_deferred(db, delivery_id, str(exc))
        report.stopped = str(exc)
        log.error("stopped: %s", exc)
        return "stop"
    except TransportError as exc:  # DeliveryUncertain, or anything else half-done: held
        mark_held(db, delivery_id, str(exc))
        report.held.append(_held({**row, "error": str(exc)}))
        level = logging.ERROR if isinstance(exc, DeliveryUncertain) else logging.WARNING
        log.log(level, "%s uncertain: %s", recipient, exc)
    else:
        return "sent"
    return "booked"


def _where(kind: str | None, period: str | None) -> tuple[str, list[str]]:
    where, params = ["1"], []
    for column, value in (("kind", kind), ("period", period)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    return " and ".join(where), params


def _held(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row.get(key) for key in ("id", "recipient", "subject", "error")}


def held(db: Database, *, kind: str | None = None, period: str | None = None) -> list[dict]:
    """Deliveries left in ``sending``: possibly delivered, waiting for the coordinator."""
    where, params = _where(kind, period)
    return [
        _held(row)
        for row in db.execute_returning_dicts(
            "select id, recipient, subject, error from deliveries"
            f" where {where} and status = 'sending' order by id",
            params,
        )
    ]


def release(db: Database, ids: Iterable[int], *, resend: bool) -> None:
    """The coordinator's decision on held deliveries: ``resend`` puts them back to ``built``
    (sent again by the next ``send``), otherwise they are marked ``sent`` (the recipient has
    it). Only held deliveries can be released; an unknown or not-held id changes nothing."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return
    with write_transaction(db):
        rows = {
            row["id"]: row["status"]
            for row in db.execute_returning_dicts(
                f"select id, status from deliveries where id in ({', '.join('?' for _ in ids)})",
                ids,
            )
        }
        for delivery_id in ids:
            if delivery_id not in rows:
                raise ValueError(f"no delivery with id {delivery_id}")
            if rows[delivery_id] != "sending":
                raise ValueError(
                    f"delivery {delivery_id} is {rows[delivery_id]}, not held (sending)"
                )
        for delivery_id in ids:
            if resend:
                db.execute("update deliveries set status = 'built' where id = ?", [delivery_id])
            else:
                _finish(db, delivery_id, "sent", "marked sent by the coordinator", now_iso())


def summary(db: Database, *, kind: str, period: str | None = None) -> dict[str, int]:
    """How many deliveries of a kind (and period) are in each state."""
    where, params = _where(kind, period)
    rows = db.execute_returning_dicts(
        f"select status, count(*) as n from deliveries where {where} group by status", params
    )
    return {row["status"]: row["n"] for row in rows}


def sent_history(db: Database, kind: str, audience: str, *, before: str) -> list[dict]:
    """The audience's sent deliveries of earlier periods, oldest first: when each was built
    (``created_at``) and what it told (``items``, decoded; None when not kept)."""
    rows = db.execute_returning_dicts(
        "select created_at, items from deliveries where kind = ? and status = 'sent'"
        " and municipality = ? collate nocase and period < ? order by period, id",
        [kind, audience, before],
    )
    return [{**row, "items": json.loads(row["items"]) if row["items"] else None} for row in rows]
