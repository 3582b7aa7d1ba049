"""Turning rendered text and HTML into a MIME message, and deadlines into an iCalendar file.

The iCalendar writer here is the only one: the digest's and the newsletter's attachments and
``utlys export --format ics`` all use it, so one call is one event (the same UID, the same
Swedish text) in every calendar it reaches.

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
from email import policy
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr
from io import BytesIO

from icalendar import Calendar, Event

from crawler.model import Call
from crawler.normalize import header_safe, safe_url
from digest import swedish


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
    attachments. ``unsubscribe`` (a mailto: or http(s): URL) becomes List-Unsubscribe; an http(s)
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
        if unsubscribe.startswith(("https:", "http:")):  # http: the app on this machine
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


@dataclass(frozen=True)
class Deadline:
    """One call's deadline, as it becomes one calendar event."""

    call_id: str
    title: str
    funder: str | None
    deadline: str | None  # ISO date; a call without one gets no event
    deadline_time: str | None = None
    url: str | None = None
    status: str | None = None
    budget_sek: int | None = None
    details: tuple[str, ...] = ()  # further lines of the description ("Matchar: Växjö")

    @classmethod
    def of(cls, call: Call, url: str | None, details: Iterable[str] = ()) -> Deadline:
        """The event of a call; ``url`` is its checked link (``safe_url``)."""
        return cls(
            call_id=call.id,
            title=call.title,
            funder=call.funder,
            deadline=call.deadline,
            deadline_time=call.deadline_time,
            url=url,
            status=call.status,
            budget_sek=call.budget_sek,
            details=tuple(details),
        )


def event_uid(call_id: str) -> str:
    """From the call id alone, so a calendar that imports a newer file (next month's digest, a
    new export) updates the event instead of adding a second one."""
    return f"{hashlib.sha256(call_id.encode()).hexdigest()[:24]}-deadline@utlys"


def deadline_summary(item: Deadline) -> str:
    """``Sista ansökningsdag kl. 16.00: <title>``: the time of day, when known, is in the text."""
    when = swedish.time_text(item.deadline_time)
    return f"Sista ansökningsdag{' ' + when if when else ''}: {header_safe(item.title)}"


def calendar_ics(events: Iterable[Deadline], *, name: str, today: date) -> tuple[bytes, int]:
    """An iCalendar file with one all-day event per deadline, and how many events it holds.

    All-day events read the same in Outlook, Google and Apple calendars without time-zone
    definitions. DTSTAMP is the start of ``today`` (UTC), so a message rebuilt the same day is
    byte-identical. A call listed twice gets one event.
    """
    cal = Calendar()
    cal.add("prodid", "-//utlys//Utlysningar//SV")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", header_safe(name))
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
    seen: set[str] = set()
    for item in events:
        day = swedish.as_date(item.deadline) if item.deadline else None
        if day is None or item.call_id in seen:
            continue
        seen.add(item.call_id)
        event = Event()
        event.add("uid", event_uid(item.call_id))
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", deadline_summary(item))
        lines = [f"Finansiär: {header_safe(item.funder)}"] if item.funder else []
        if item.status:
            lines.append(f"Status: {swedish.status_text(item.status)}")
        if item.budget_sek:
            lines.append(f"Utlyst belopp: {swedish.kronor(item.budget_sek)}")
        lines.extend(header_safe(line) for line in item.details)
        url = safe_url(item.url)  # callers pass checked links; an unchecked one must not get in
        if url:
            lines.append(url)
            event.add("url", url)
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        cal.add_component(event)
    return cal.to_ical(), len(seen)


def deadlines_ics(events: Iterable[Deadline], *, name: str, today: date) -> bytes | None:
    """The calendar attachment of a mail, or None when no call has a deadline."""
    data, count = calendar_ics(events, name=name, today=today)
    return data if count else None


def ics_attachment(data: bytes, filename: str) -> Attachment:
    return Attachment(
        filename=filename,
        maintype="text",
        subtype="calendar",
        data=data,
        params=(("charset", "utf-8"), ("method", "PUBLISH")),
    )


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as it goes on the wire and into an .eml file: CRLF line ends, as smtplib does.

    Headers are folded at RFC 5322's 998-character limit instead of 78: the email package turns
    an unfoldable long URL (List-Unsubscribe) into encoded-words at 78, which mail clients then
    cannot use. Bodies are encoded when they are set, so this does not touch them.
    """
    buffer = BytesIO()
    generator_policy = msg.policy.clone(linesep="\r\n", max_line_length=998)
    BytesGenerator(buffer, policy=generator_policy).flatten(msg)
    return buffer.getvalue()


def message_text(msg: EmailMessage) -> str:
    """The whole message as stored in ``deliveries.message`` (ASCII; CRLF line ends)."""
    return message_bytes(msg).decode("ascii")


def parse_stored(text: str) -> EmailMessage:
    """A message back from ``deliveries.message``, to be sent exactly as it was built."""
    return BytesParser(policy=policy.default).parsebytes(text.encode("ascii"))  # type: ignore[return-value]
