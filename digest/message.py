"""Turning rendered text and HTML into a MIME message, and deadlines into an .ics attachment.

Every header value passes through ``header_safe`` (one line, no encoded-words) even when it
looks like it comes from config: on Python 3.11.7 a newline or an encoded ``=0A`` in a header
value can inject headers (CVE-2024-6923). Bodies are quoted-printable, so the stored message is
plain ASCII and a resend is byte-identical.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from icalendar import Calendar, Event

from crawler.normalize import header_safe, safe_url
from digest.transport import message_bytes


@dataclass(frozen=True)
class Attachment:
    filename: str
    maintype: str
    subtype: str
    data: bytes
    params: tuple[tuple[str, str], ...] = ()


def slug(text: str) -> str:
    """``Växjö`` -> ``vaxjo``: for Message-IDs and file names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def make_message_id(kind: str, period: str, audience: str, recipient: str, domain: str) -> str:
    """Deterministic, so the same delivery always carries the same Message-ID: receiving
    systems and the coordinator can recognise a duplicate, and the outbox file name is stable."""
    digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:16]
    return f"<utlys.{slug(kind)}.{period}.{slug(audience)}.{digest}@{slug_domain(domain)}>"


def slug_domain(domain: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "", domain) or "utlys.invalid"


def address(email: str, name: str | None = None) -> Address:
    email = header_safe(email)
    local, _, domain = email.rpartition("@")
    if not local or not domain:
        raise ValueError(f"not an email address: {email!r}")
    return Address(display_name=header_safe(name), username=local, domain=domain)


def build_message(
    *,
    sender: str | tuple[str | None, str],
    to: tuple[str, str | None],
    subject: str,
    text: str,
    html: str,
    message_id: str,
    when: datetime,
    reply_to: str | None = None,
    list_id: str | None = None,
    unsubscribe: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMessage:
    """A multipart/alternative (text + HTML) message, in multipart/mixed when it has
    attachments. ``unsubscribe`` (a mailto: or https: URL) becomes List-Unsubscribe; an https
    URL also gets List-Unsubscribe-Post, so mail clients can unsubscribe with one click."""
    msg = EmailMessage()
    sender_name, sender_email = (
        parseaddr(header_safe(sender)) if isinstance(sender, str) else sender
    )
    msg["From"] = address(sender_email, sender_name or None)
    msg["To"] = address(*to)
    if reply_to:
        msg["Reply-To"] = address(reply_to)
    msg["Subject"] = header_safe(subject)
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = header_safe(message_id)
    msg["Content-Language"] = "sv"
    msg["Auto-Submitted"] = "auto-generated"
    if list_id:
        msg["List-Id"] = header_safe(list_id)
    if unsubscribe:
        msg["List-Unsubscribe"] = f"<{header_safe(unsubscribe)}>"
        if unsubscribe.startswith("https:"):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable, not base64: spam filters score mostly-ASCII text parts sent as base64
    # (SpamAssassin MIME_BASE64_TEXT), and QP keeps the stored message readable.
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for item in attachments:
        msg.add_attachment(
            item.data,
            maintype=item.maintype,
            subtype=item.subtype,
            filename=item.filename,
            params=dict(item.params),
        )
    return msg


def deadlines_ics(
    events: Iterable[tuple[str, str, str, str | None, str | None, str | None]],
    *,
    name: str,
    today: date,
) -> bytes | None:
    """An iCalendar file with one all-day event per deadline, or None when there is none.

    ``events`` holds (call id, title, funder, deadline, deadline time, url). All-day events
    read the same in Outlook, Google and Apple calendars without time-zone definitions; the
    time of day goes into the summary. UIDs come from the call id, so a calendar that imports
    next month's file updates the event instead of adding a second one.
    """
    cal = Calendar()
    cal.add("prodid", "-//utlys//Utlysningar//SV")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", header_safe(name))
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
    count = 0
    for call_id, title, funder, deadline, deadline_time, url in events:
        try:
            day = date.fromisoformat(deadline or "")
        except ValueError:
            continue
        event = Event()
        uid = hashlib.sha256(call_id.encode()).hexdigest()[:24]
        event.add("uid", f"{uid}-deadline@utlys")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        when = f" kl. {deadline_time[:5].replace(':', '.')}" if deadline_time else ""
        event.add("summary", f"Sista ansökningsdag{when}: {header_safe(title)}")
        description = header_safe(funder)
        url = safe_url(url)  # callers pass checked links; an unchecked one must not get in
        if url:
            description += f"\n{url}"
            event.add("url", url)
        event.add("description", description)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
        count += 1
    return cal.to_ical() if count else None


def ics_attachment(data: bytes, filename: str) -> Attachment:
    return Attachment(
        filename=filename,
        maintype="text",
        subtype="calendar",
        data=data,
        params=(("charset", "utf-8"), ("method", "PUBLISH")),
    )


def message_text(msg: EmailMessage) -> str:
    """The whole message as stored in ``deliveries.message`` (ASCII; CRLF line ends)."""
    return message_bytes(msg).decode("ascii")
