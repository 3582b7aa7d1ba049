"""Building the month's digests: content -> templates -> messages -> the deliveries ledger.

Building sends nothing. It shows what ``send`` would send, and it can run any number of times:
messages already sent are never rebuilt, and a municipality with nothing new gets no mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from sqlite_utils import Database

from crawler.config.needs import Inventory, Subscriber
from digest import ledger, swedish
from digest.content import DigestContent, digest_content
from digest.ledger import Outgoing
from digest.message import (
    Attachment,
    Deadline,
    build_message,
    deadlines_ics,
    ics_attachment,
    make_message_id,
    slug,
)
from digest.options import DigestOptions, mail_options, sender_from_settings, smtp_section
from digest.render import render_pair
from digest.subscribers import recipients

# progress(done, total, what): called as each item of a long step begins.
Progress = Callable[[int, int, str], None]

log = logging.getLogger(__name__)

GMAIL_CLIPS_AT = 100_000  # bytes of HTML; Gmail shows "[Meddelandet har klippts]" past ~102 kB
MANAGE_TEXT = (
    "Vill ni ändra vilka behov ni bevakas för, eller lägga till eller ta bort mottagare? "
    "Svara på det här mejlet eller kontakta samordnaren."
)


@dataclass
class BuildReport:
    kind: str
    period: str
    built: list[tuple[str, str, str]] = field(default_factory=list)  # (audience, to, subject)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (audience, why)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.kind} {self.period}: {len(self.built)} message(s) ready to send"]
        for audience, to, subject in self.built:
            out.append(f"  would send to {to} ({audience}): {subject}")
        for audience, why in self.skipped:
            out.append(f"  skipped {audience}: {why}")
        if self.counts.get("kept"):
            out.append(f"  {self.counts['kept']} already sent or held, left untouched")
        if self.counts.get("dropped"):
            out.append(f"  {self.counts['dropped']} earlier built message(s) no longer wanted")
        out.extend(f"  warning: {w}" for w in self.warnings)
        return out


def compose(
    *,
    kind: str,
    period: str,
    audience: str,
    recipient: Subscriber,
    subject: str,
    html: str,
    text: str,
    sender: tuple[str | None, str],
    reply_to: str | None,
    unsubscribe: str | None,
    attachments: list[Attachment],
    when: datetime,
) -> EmailMessage:
    list_name = "Månadsbrev" if audience == "*" else f"Utlysningar {audience}"
    domain = sender[1].rpartition("@")[2] or "utlys.invalid"
    return build_message(
        sender=sender,
        to=(recipient.email, recipient.name),
        subject=subject,
        text=text,
        html=html,
        message_id=make_message_id(
            kind, period, audience if audience != "*" else "alla", recipient.email, domain
        ),
        when=when,
        reply_to=reply_to,
        list_id=f"{list_name} <{kind}.{slug(audience if audience != '*' else 'alla')}.{domain}>",
        unsubscribe=unsubscribe,
        attachments=attachments,
    )


def sender_of(settings: dict[str, Any], inventory: Inventory) -> tuple[str | None, str]:
    """(display name, address) of the From: ``smtp.from`` when set, else the coordinator's
    address under the organisation's name."""
    smtp = smtp_section(settings)
    coordinator = inventory.coordinator
    if smtp.get("from") or coordinator is None:
        name, email = parseaddr(sender_from_settings(smtp, None))
        return (name or None, email)
    return (coordinator.organisation, coordinator.email)


def digest_subject(municipality: str, period: str) -> str:
    return f"Utlysningar för {municipality} – {swedish.month_name(period)}"


def preheader(content: DigestContent) -> str:
    parts = []
    if content.new:
        parts.append(swedish.count(len(content.new), "ny utlysning", "nya utlysningar") + " för er")
    if content.changed:
        parts.append(swedish.count(len(content.changed), "ändrad utlysning", "ändrade utlysningar"))
    if content.closing:
        parts.append(f"{len(content.closing)} med sista ansökningsdag inom {content.closing_days}")
        parts[-1] += " dagar"
    return (", ".join(parts) + ".") if parts else ""


def render_digest(
    content: DigestContent,
    *,
    inventory: Inventory,
    recipient: str,
    unsubscribe: str | None,
    pending_shown: bool,
) -> tuple[str, str]:
    """HTML and text of one municipality's digest for one recipient (the footer names them)."""
    coordinator = inventory.coordinator
    return render_pair(
        "digest",
        d=content,
        title=digest_subject(content.municipality, content.period),
        kicker=coordinator.organisation if coordinator else "Utlysningar",
        preheader=preheader(content),
        organisation=coordinator.organisation if coordinator else "samordnaren",
        coordinator=coordinator,
        manage_text=MANAGE_TEXT,
        recipient=recipient,
        audience=f" för {content.municipality}",
        unsubscribe_url=unsubscribe,
        pending_shown=pending_shown and any(i.unreviewed for i in content.matched),
    )


def preview_digest(
    db: Database,
    inventory: Inventory,
    municipality: str,
    period: str,
    *,
    options: DigestOptions,
    today: date,
) -> tuple[DigestContent, str, str]:
    """One municipality's digest as it would be sent, for `utlys digest preview` and the web
    app's Utskick page (one code path, so both show the same HTML); the footer names a preview
    recipient instead of one address."""
    content = digest_content(
        db,
        municipality,
        period,
        today=today,
        include_pending=options.include_pending,
        closing_days=options.closing_days,
        other_limit=options.other_limit,
    )
    coordinator = inventory.coordinator
    html, text = render_digest(
        content,
        inventory=inventory,
        recipient="förhandsvisning",
        unsubscribe=options.unsubscribe_link(
            municipality,
            "forhandsvisning@example.invalid",
            coordinator.email if coordinator else None,
        ),
        pending_shown=options.include_pending,
    )
    return content, html, text  # fmt: skip


def build_digests(
    db: Database,
    inventory: Inventory,
    period: str,
    *,
    settings: dict[str, Any],
    today: date,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Render every municipality's digest for the period into ``deliveries`` (status built).
    ``progress(done, total, name)`` hears of each municipality as it is done (a terminal shows
    it: hundreds of digests take a while)."""
    swedish.parse_period(period)
    options = mail_options(settings, db)
    sender = sender_of(settings, inventory)
    when = now or datetime.now(UTC)
    report = BuildReport(kind="digest", period=period)
    outgoing: list[Outgoing] = []
    for done, municipality in enumerate(inventory.municipalities, start=1):
        name = municipality.name
        if progress:
            progress(done, len(inventory.municipalities), name)
        content = digest_content(
            db,
            name,
            period,
            today=today,
            include_pending=options.include_pending,
            closing_days=options.closing_days,
            other_limit=options.other_limit,
        )
        if content.is_empty:
            report.skipped.append((name, "nothing new (no mail)"))
            log.info("digest %s %s: skipped, nothing new", period, name)
            continue
        subs = recipients(db, inventory, name)
        if not subs:
            report.skipped.append((name, "no active subscribers"))
            log.info("digest %s %s: skipped, no subscribers", period, name)
            continue
        messages = _digest_messages(content, subs, inventory, options, sender, when)
        size = max(len(m.message.get_body(("html",)).get_content().encode()) for m in messages)
        if size > GMAIL_CLIPS_AT:
            report.warnings.append(
                f"{name}: the HTML is {size // 1000} kB; Gmail clips mail over 102 kB "
                "(review fewer matches, or lower digest.other_limit)"
            )
        outgoing.extend(messages)
    report.counts = ledger.record(db, outgoing, kind="digest", period=period)
    report.built = only_built(db, outgoing, "digest", period)
    return report


def only_built(db: Database, outgoing: list[Outgoing], kind: str, period: str) -> list[tuple]:
    """The messages this build left ready to send: one already sent (or held) is kept as it
    was by the ledger, so a report must not call it built."""
    ready = {
        (row["municipality"], row["recipient"])
        for row in ledger.pending(db, kind=kind, period=period)
        if row["status"] == "built"
    }
    return [
        (out.municipality, out.recipient, out.subject)
        for out in outgoing
        if (out.municipality, out.recipient.lower()) in ready
    ]


def _digest_messages(
    content: DigestContent,
    subs: list[Subscriber],
    inventory: Inventory,
    options: DigestOptions,
    sender: tuple[str | None, str],
    when: datetime,
) -> list[Outgoing]:
    coordinator = inventory.coordinator
    ics = deadlines_ics(
        (Deadline.of(i.call, i.url) for i in content.matched),
        name=f"Utlysningar {content.municipality}",
        today=content.today,
    )
    attachments = [ics_attachment(ics, f"utlysningar-{content.period}.ics")] if ics else []
    items = content.snapshot()
    out = []
    for sub in subs:
        link = options.unsubscribe_link(
            content.municipality, sub.email, coordinator.email if coordinator else None
        )
        html, text = render_digest(
            content,
            inventory=inventory,
            recipient=sub.email,
            unsubscribe=link,
            pending_shown=options.include_pending,
        )
        msg = compose(
            kind="digest",
            period=content.period,
            audience=content.municipality,
            recipient=sub,
            subject=digest_subject(content.municipality, content.period),
            html=html,
            text=text,
            sender=sender,
            reply_to=coordinator.email if coordinator else None,
            unsubscribe=link,
            attachments=attachments,
            when=when,
        )
        out.append(Outgoing("digest", content.period, content.municipality, sub.email, msg, items))
    return out
