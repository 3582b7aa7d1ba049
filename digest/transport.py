"""Handing a finished message to the world: an SMTP server, or an outbox folder of .eml files.

Transports know nothing about digests or the deliveries ledger. What they must get exactly right
is *what happened* to a message, because the ledger decides on it whether a message may be sent
again:

- ``send()`` returns: the server accepted the message (or the .eml file is written).
- ``DeliveryRefused``: the server answered "no" (the answer is on the exception), to the envelope
  or to the message itself at the end of DATA; nothing was accepted for the refused recipients.
  ``permanent`` is False for a 4xx answer: trying later may help.
- ``TransportUnavailable``: nothing was handed over (no connection, TLS or login failed); the
  message may safely be sent later.
- ``DeliveryUncertain``: the connection broke while the message itself was being transferred;
  the server may have accepted it. Never retry such a message blindly.

SMTP is driven command by command (MAIL, RCPT, DATA) instead of ``smtplib.send_message()`` so the
phase in which something failed is known, which is what separates "refused" from "uncertain".
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
import tempfile
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Any, Protocol

from digest.message import message_bytes
from digest.options import SmtpOptions, is_local, smtp_options
from digest.options import sender_from_settings as sender_from_settings  # the old place

__all__ = [
    "DeliveryRefused",
    "DeliveryUncertain",
    "OutboxTransport",
    "SmtpTransport",
    "Transport",
    "TransportError",
    "TransportUnavailable",
    "envelope",
    "message_bytes",
    "open_transport",
    "sender_from_settings",
    "transport_from_settings",
]


class TransportError(Exception):
    """Something went wrong handing a message over; the text carries the server's answer."""


class DeliveryRefused(TransportError):
    """The server refused the message (for some or all recipients) with an SMTP answer."""

    def __init__(
        self, code: int, answer: str, *, refused: dict[str, tuple[int, str]] | None = None
    ) -> None:
        self.code = code
        self.answer = answer
        self.refused = refused or {}
        super().__init__(f"{code} {answer}")

    @property
    def permanent(self) -> bool:
        """4xx answers are temporary (greylisting, a full mailbox): trying later may work."""
        return not 400 <= self.code < 500


class TransportUnavailable(TransportError):
    """No message was handed over: connecting, TLS or login failed."""


class DeliveryUncertain(TransportError):
    """The connection failed while the message was transferred: it may have been accepted."""


class Transport(Protocol):
    """What every transport offers; ``close()`` ends a connection kept open between messages.

    Optional attributes the deliveries ledger uses when the process is interrupted inside
    ``send()``: ``in_doubt`` (False while nothing of the current message has been handed
    over, so it may simply be sent again) and ``idempotent`` (sending the same message twice
    has the effect of sending it once, as with the outbox's files named by Message-ID).
    """

    def send(self, msg: EmailMessage) -> None: ...

    def close(self) -> None: ...


def envelope(msg: EmailMessage) -> tuple[str, list[str]]:
    """Envelope sender and recipients from the headers (Sender or From; To, Cc and Bcc)."""
    sender = parseaddr(str(msg.get("Sender") or msg.get("From") or ""))[1]
    fields = [str(v) for name in ("To", "Cc", "Bcc") for v in msg.get_all(name, [])]
    recipients = [addr for _, addr in getaddresses(fields) if addr]
    if not sender:
        raise ValueError("the message has no From address")
    if not recipients:
        raise ValueError("the message has no recipient")
    return sender, list(dict.fromkeys(recipients))


class OutboxTransport:
    """Writes each message as ``<folder>/<name from Message-ID>.eml``.

    The file name comes from the Message-ID, so sending the same message again replaces its file
    instead of adding a second one; the write goes through a temporary file and a rename, so a
    crash never leaves half a message behind.
    """

    idempotent = True  # the same Message-ID replaces its own file
    in_doubt = False

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, msg: EmailMessage) -> None:
        envelope(msg)  # the same message must be sendable over SMTP later
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{eml_name(msg)}.eml"
            data = message_bytes(msg)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise TransportUnavailable(f"cannot write to outbox {self.folder}: {exc}") from exc

    def close(self) -> None:
        pass

    def __enter__(self) -> OutboxTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"outbox folder {self.folder}"


def eml_name(msg: EmailMessage) -> str:
    """A file name from the Message-ID: its local part, reduced to safe characters."""
    message_id = str(msg.get("Message-ID") or "").strip().strip("<>")
    local = message_id.split("@", 1)[0]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", local).strip("._")
    if not name:
        raise ValueError("the message has no Message-ID")
    return name[:150]


class SmtpTransport:
    """Sends through one SMTP connection, opened on the first message and reused after.

    STARTTLS uses ``ssl.create_default_context()`` (certificates and host name verified), since
    smtplib verifies nothing unless told to. A login is refused over an unencrypted connection
    to anything but the local machine.
    """

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        starttls: bool = True,
        use_ssl: bool = False,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        cafile: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.starttls = starttls
        self.use_ssl = use_ssl
        self.user = user
        self.password = password
        self.timeout = timeout
        self.cafile = cafile
        self._smtp: smtplib.SMTP | None = None
        # True from the moment the message itself is transferred (DATA) until the next send():
        # an interruption in that window may leave a message the server accepted.
        self.in_doubt = False

    def __repr__(self) -> str:
        mode = "SSL" if self.use_ssl else "STARTTLS" if self.starttls else "plain"
        return f"SMTP server {self.host}:{self.port} ({mode})"

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile)

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        smtp: smtplib.SMTP | None = None
        try:
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            smtp.ehlo()
            if self.starttls and not self.use_ssl:
                if not smtp.has_extn("starttls"):
                    raise TransportUnavailable(
                        f"{self!r} does not offer STARTTLS; set smtp.starttls: false "
                        "(or UTLYS_SMTP_STARTTLS=0) if an unencrypted connection is intended"
                    )
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if self.user:
                if not (self.use_ssl or self.starttls or is_local(self.host)):
                    raise TransportUnavailable(
                        f"{self!r}: refusing to send the password over an unencrypted connection"
                    )
                smtp.login(self.user, self.password or "")
        except TransportUnavailable:
            _quietly_close(smtp)
            raise
        except (smtplib.SMTPException, OSError) as exc:
            _quietly_close(smtp)
            raise TransportUnavailable(f"{self!r}: {_describe(exc)}") from exc
        self._smtp = smtp
        return smtp

    idempotent = False

    def send(self, msg: EmailMessage) -> None:
        self.in_doubt = False
        sender, recipients = envelope(msg)
        data = message_bytes(msg)
        if self._smtp is not None and not self._alive():
            self._drop()  # the server closed an idle connection: open a new one
        smtp = self._connect()
        options: list[str] = []
        if not (sender + "".join(recipients)).isascii():
            if not smtp.has_extn("smtputf8"):
                raise DeliveryRefused(553, "the server does not accept non-ASCII addresses")
            options.append("SMTPUTF8")
        if smtp.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        try:
            code, answer = smtp.mail(sender, options)
            if code != 250:
                self._reset()
                raise DeliveryRefused(code, _text(answer))
            refused: dict[str, tuple[int, str]] = {}
            for rcpt in recipients:
                code, answer = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    refused[rcpt] = (code, _text(answer))
            if len(refused) == len(recipients):
                self._reset()
                code, answer = next(iter(refused.values()))
                raise DeliveryRefused(code, answer, refused=refused)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            # Nothing of the message was transferred yet: safe to try again later.
            self._drop()
            raise TransportUnavailable(f"{self!r}: {_describe(exc)}") from exc
        self.in_doubt = True
        try:
            # smtplib raises on a refused DATA command, but *returns* the answer to the
            # message itself: only a 250 there means the server took it.
            code, answer = smtp.data(data)
        except smtplib.SMTPDataError as exc:
            self.in_doubt = False  # the server answered no
            self._reset()
            raise DeliveryRefused(exc.smtp_code, _text(exc.smtp_error)) from exc
        except smtplib.SMTPResponseException as exc:
            self.in_doubt = False
            self._drop()
            raise DeliveryRefused(exc.smtp_code, _text(exc.smtp_error)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryUncertain(
                f"{self!r}: connection lost while sending the message, it may have been "
                f"accepted: {_describe(exc)}"
            ) from exc
        if code != 250:
            # 4xx: not now (greylisting, a full disk), try later; 5xx: refused for good. The
            # transaction is over either way; a 421 also closes the connection.
            self.in_doubt = False
            if code == 421:
                self._drop()
            else:
                self._reset()
            raise DeliveryRefused(code, _text(answer))
        if refused:
            # Accepted for some recipients only; the caller learns who was refused.
            code, answer = next(iter(refused.values()))
            raise DeliveryRefused(code, answer, refused=refused)

    def _alive(self) -> bool:
        try:
            return self._smtp is not None and self._smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def _reset(self) -> None:
        """Undo a refused transaction so the next message can use the same connection."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        _quietly_close(self._smtp)
        self._smtp = None

    def abort(self) -> None:
        """Close the socket at once, without QUIT (used when the process is interrupted)."""
        self._drop()

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        self._drop()

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_transport(options: SmtpOptions) -> OutboxTransport | SmtpTransport:
    """The transport the parsed ``smtp:`` options describe (nothing is connected yet)."""
    if not options.host:
        return OutboxTransport(options.outbox)
    return SmtpTransport(
        options.host,
        options.port,
        starttls=options.starttls,
        use_ssl=options.use_ssl,
        user=options.user,
        password=options.password,
        timeout=options.timeout,
        cafile=options.cafile,
    )


def transport_from_settings(
    smtp_settings: dict[str, Any], *, outbox: Path | None = None, where: str = "settings"
) -> OutboxTransport | SmtpTransport:
    """The transport this installation uses (see ``digest.options.smtp_options``); ConfigError
    with a one-line message naming ``where`` on a bad setting."""
    return open_transport(smtp_options(smtp_settings, outbox=outbox, where=where))


def _text(answer: bytes | str) -> str:
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace")
    return " ".join(answer.split())


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, socket.timeout):
        return "timed out"
    return " ".join(str(exc).split()) or type(exc).__name__


def _quietly_close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.close()
    except OSError:
        pass
