"""Health alerts to the coordinator: one email when a source turns unhealthy and one when it
recovers, through the same ledger and transport as the digests.

``crawler.ops.health`` decides *that* an alert is due and records it (``record_alert``) in the
same transaction as the source's new state, so a crash between the two can neither lose the
alert nor send it twice. The message is written when the alert is first sent: From and the
funder's name come from the settings of the process that sends it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlite_utils import Database

from crawler.normalize import header_safe
from digest import ledger
from digest.ledger import SendReport
from digest.transport import Transport

KIND = "alert"
log = logging.getLogger("utlys.health")


def record_alert(
    db: Database,
    *,
    source: str,
    transition: str,
    reason: str,
    recipient: str,
    at: str,
    period: str | None = None,
) -> int:
    """Record an alert (``unhealthy``, ``degraded`` or ``recovered``, the reason in Swedish) to
    be sent; its delivery id. Call it inside the transaction that stores the source's state.
    ``period`` (default: ``at``) keys it in the ledger: two alerts of one source at one check
    (it recovered from failing and turned out degraded) need two keys."""
    return ledger.record_facts(
        db,
        kind=KIND,
        period=period or at,
        audience=source,
        recipient=recipient,
        facts={"transition": transition, "reason": reason},
        created_at=at,
    )


def alert_message(alert: dict[str, Any], *, sender: str, funder: str | None) -> EmailMessage:
    """The alert email, in Swedish: the coordinator reads it, and it says what to do.

    ``alert`` holds the delivery's id, source, transition, reason, recipient and created_at.
    """
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
    elif alert["transition"] == "degraded":
        subject = f"utlys: källan {name} verkar ha ändrat sina sidor"
        body = (
            f"Hej!\n\nKällan {name} verkar ha ändrat sina sidor: {alert['reason']}.\n\n"
            "Utlysningarna hämtas fortfarande, men uppgifterna ovan saknas, så matchningar och "
            "utskick kan bli fel. Titta på källans sidor och jämför med vad utlys läste:\n\n"
            f"    utlys sources check --stored\n    utlys sources record {source}\n\n"
            "Du får ett nytt meddelande när uppgifterna läses igen (inte ett varje dag).\n"
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
    msg["Message-ID"] = f"<utlys-health-{alert['id']}-{header_safe(source)}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    # Quoted-printable, as every message the ledger stores: the stored text is plain ASCII.
    footer = "\n-- \nutlys, bevakning av utlysningar\n"
    msg.set_content(body + footer, charset="utf-8", cte="quoted-printable")
    return msg


def send_alerts(
    db: Database,
    transport: Transport,
    *,
    sender: str,
    now: datetime,
    funders: dict[str, str] | None = None,
) -> SendReport:
    """Send every alert not yet sent, exactly once each (the ledger's rules: a 4xx answer or an
    unreachable server leaves it for the next check, a 5xx fails it with the server's answer,
    one left ``sending`` by a crash is held, never resent blindly); ``report.ok`` is False when
    anything was not delivered."""
    for row in ledger.unwritten(db, kind=KIND):
        alert = {**row["facts"], "id": row["id"], "source": row["municipality"]}
        alert |= {"recipient": row["recipient"], "created_at": row["created_at"]}
        funder = (funders or {}).get(alert["source"])
        ledger.write(db, row["id"], alert_message(alert, sender=sender, funder=funder))
    report = ledger.send_pending(
        db,
        transport,
        kind=KIND,
        still_subscribed=lambda source, recipient: True,  # the coordinator is always told
        sent_at=now.isoformat(timespec="seconds"),
    )
    for recipient, error in report.failed + report.deferred:
        log.error("alert to %s not sent: %s", recipient, error)
    if report.stopped:
        log.warning("alerts not sent, will retry: %s", report.stopped)
    return report
