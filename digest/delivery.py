"""The deliveries ledger: every message is recorded before it is sent, and sent exactly once.

States of a delivery (one row per kind, period, municipality and recipient):

    built ──claim──> sending ──server accepted──> sent
      ^                 │
      │                 ├── refused (5xx) ──> failed   (the server's answer in ``error``)
      └─────────────────┴── refused (4xx) or nothing handed over: back to built, tried next run

A row is claimed (``built`` -> ``sending``, committed) just before the message goes to the
transport and marked ``sent`` right after. If the process dies in between, the row stays
``sending``: the server may or may not have the message, so it is *held* and reported, never
re-sent blindly; ``release()`` lets the coordinator decide (resend, or mark it sent).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from sqlite_utils import Database

from crawler.store import now_iso, write_transaction
from digest.message import message_text
from digest.subscribers import is_active
from digest.transport import (
    DeliveryRefused,
    DeliveryUncertain,
    Transport,
    TransportError,
    TransportUnavailable,
)

log = logging.getLogger(__name__)


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
    kind: str
    period: str
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
            row = {
                "kind": out.kind,
                "period": out.period,
                "municipality": out.municipality,
                "recipient": out.recipient.lower(),
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
            key = (row["kind"], row["period"], row["municipality"], row["recipient"])
            if key not in wanted:
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


def parse_stored(text: str) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(text.encode("ascii"))  # type: ignore[return-value]


def send_deliveries(
    db: Database,
    transport: Transport,
    *,
    kind: str,
    period: str,
    retry_failed: bool = False,
    still_subscribed: Callable[[str, str], bool] | None = None,
) -> SendReport:
    """Send every ``built`` message of a kind and period, each exactly once.

    ``still_subscribed(municipality, recipient)`` (by default: the subscribers table) is asked
    just before each message: an address that unsubscribed after the build is not mailed (the
    delivery is marked failed with the reason). A server that cannot be reached stops the run;
    what was not sent stays ``built``.
    """
    report = SendReport(kind=kind, period=period)
    if still_subscribed is None:

        def still_subscribed(municipality: str, recipient: str) -> bool:
            return is_active(db, municipality, recipient)

    if retry_failed:
        with write_transaction(db):
            db.execute(
                "update deliveries set status = 'built' where kind = ? and period = ?"
                " and status = 'failed'",
                [kind, period],
            )
    rows = db.execute_returning_dicts(
        "select id, municipality, recipient, message, status, subject, error from deliveries"
        " where kind = ? and period = ? and status in ('built', 'sending') order by id",
        [kind, period],
    )
    try:
        for row in rows:
            if row["status"] == "sending":
                report.held.append(_held(row))
                continue
            if not still_subscribed(row["municipality"], row["recipient"]):
                _finish(db, row["id"], "failed", error="unsubscribed after build; not sent")
                report.unsubscribed.append(row["recipient"])
                continue
            msg = parse_stored(row["message"])
            if not _claim(db, row["id"]):
                continue  # another sender took it
            try:
                _send_one(db, transport, row["id"], msg)
            except DeliveryRefused as exc:
                if exc.permanent:
                    _finish(db, row["id"], "failed", error=str(exc))
                    report.failed.append((row["recipient"], str(exc)))
                else:
                    _finish(db, row["id"], "built", error=str(exc))
                    report.deferred.append((row["recipient"], str(exc)))
                log.warning("%s refused: %s", row["recipient"], exc)
            except TransportUnavailable as exc:
                _finish(db, row["id"], "built", error=str(exc))
                report.stopped = str(exc)
                log.error("stopped: %s", exc)
                break
            except DeliveryUncertain as exc:
                _note(db, row["id"], str(exc))  # stays `sending`: held
                report.held.append(_held({**row, "error": str(exc)}))
                log.error("%s uncertain: %s", row["recipient"], exc)
            except TransportError as exc:
                _note(db, row["id"], str(exc))
                report.held.append(_held({**row, "error": str(exc)}))
            else:
                _finish(db, row["id"], "sent", sent_at=now_iso())
                report.sent.append(row["recipient"])
                log.info("sent %s to %s", kind, row["recipient"])
    except BaseException:
        # Interrupted: drop the connection instead of a polite QUIT that could wait for a
        # server still busy with the interrupted command.
        getattr(transport, "abort", transport.close)()
        raise
    transport.close()
    return report


def _send_one(db: Database, transport: Transport, delivery_id: int, msg: EmailMessage) -> None:
    """Hand one claimed message to the transport. If the process is interrupted (Ctrl-C,
    SIGTERM) before anything of the message was handed over, or the transport is idempotent,
    the delivery goes back to ``built``; otherwise it stays ``sending``: held."""
    try:
        transport.send(msg)
    except (KeyboardInterrupt, SystemExit):
        if getattr(transport, "idempotent", False) or not getattr(transport, "in_doubt", True):
            _finish(db, delivery_id, "built", error="interrupted before it was handed over")
        raise


def _claim(db: Database, delivery_id: int) -> bool:
    with write_transaction(db):
        cursor = db.execute(
            "update deliveries set status = 'sending' where id = ? and status = 'built'",
            [delivery_id],
        )
        return cursor.rowcount == 1


def _finish(
    db: Database,
    delivery_id: int,
    status: str,
    *,
    error: str | None = None,
    sent_at: str | None = None,
) -> None:
    with write_transaction(db):
        db.execute(
            "update deliveries set status = ?, error = ?, sent_at = coalesce(?, sent_at)"
            " where id = ?",
            [status, error, sent_at, delivery_id],
        )


def _note(db: Database, delivery_id: int, error: str) -> None:
    with write_transaction(db):
        db.execute("update deliveries set error = ? where id = ?", [error, delivery_id])


def _held(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "recipient": row["recipient"],
        "subject": row["subject"],
        "error": row.get("error"),
    }


def held(db: Database, *, kind: str | None = None, period: str | None = None) -> list[dict]:
    """Deliveries left in ``sending``: possibly delivered, waiting for the coordinator."""
    where, params = ["status = 'sending'"], []
    if kind:
        where.append("kind = ?")
        params.append(kind)
    if period:
        where.append("period = ?")
        params.append(period)
    return [
        _held(row)
        for row in db.execute_returning_dicts(
            "select id, recipient, subject, error from deliveries where "
            + " and ".join(where)
            + " order by id",
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
                db.execute(
                    "update deliveries set status = 'sent', sent_at = ?,"
                    " error = 'marked sent by the coordinator' where id = ?",
                    [now_iso(), delivery_id],
                )


def summary(db: Database, *, kind: str, period: str) -> dict[str, int]:
    rows = db.execute_returning_dicts(
        "select status, count(*) as n from deliveries where kind = ? and period = ?"
        " group by status",
        [kind, period],
    )
    return {row["status"]: row["n"] for row in rows}
