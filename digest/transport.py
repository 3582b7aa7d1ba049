"""Handing a finished message to the world: an SMTP server, or an outbox folder of .eml files.

Transports know nothing about digests or the deliveries ledger. What they must get exactly right
is *what happened* to a message, because the ledger decides on it whether a message may be sent
again:

- ``send()`` returns: the server accepted the message (or the .eml file is written).
- ``DeliveryRefused``: the server answered "no" (the answer is on the exception); nothing was
  accepted for the refused recipients. ``permanent`` says whether trying later may help (5xx/4xx).
- ``TransportUnavailable``: nothing was handed over (no connection, TLS or login failed); the
  message may safely be sent later.
- ``DeliveryUncertain``: the connection broke while the message itself was being transferred;
  the server may have accepted it. Never retry such a message blindly.

SMTP is driven command by command (MAIL, RCPT, DATA) instead of ``smtplib.send_message()`` so the
phase in which something failed is known, which is what separates "refused" from "uncertain".
"""

from __future__ import annotations

import ipaddress
import os
import re
import smtplib
import socket
import ssl
import tempfile
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

from crawler.config import ConfigError

DEFAULT_OUTBOX = Path("outbox")
SMTP_KEYS = {"host", "port", "starttls", "ssl", "user", "timeout", "cafile", "from", "outbox"}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


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
                if not (self.use_ssl or self.starttls or _is_local(self.host)):
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
            smtp.data(data)
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


def transport_from_settings(
    smtp_settings: dict[str, Any], *, outbox: Path | None = None, where: str = "settings"
) -> OutboxTransport | SmtpTransport:
    """The transport this installation uses.

    An explicit ``outbox`` folder wins (the command line's ``--outbox``, the demo); otherwise SMTP
    when a host is configured (``smtp.host`` or ``UTLYS_SMTP_HOST``), else the outbox folder of
    the settings (default ``outbox``). ``UTLYS_SMTP_HOST``, ``_PORT``, ``_USER`` and ``_STARTTLS``
    override the file, as deployments expect; the password only ever comes from
    ``UTLYS_SMTP_PASSWORD``. Raises ConfigError with a one-line message on a bad value, starting
    with ``where`` (the settings file's name).
    """
    try:
        return _transport(smtp_settings, outbox)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _transport(
    smtp_settings: dict[str, Any], outbox: Path | None
) -> OutboxTransport | SmtpTransport:
    settings = smtp_settings or {}
    if not isinstance(settings, dict):
        raise ValueError("section 'smtp': expected a mapping")
    if "password" in settings:
        raise ValueError("smtp: field 'password': secrets are read from UTLYS_SMTP_PASSWORD only")
    unknown = sorted(set(settings) - SMTP_KEYS)
    if unknown:
        raise ValueError(f"smtp: unknown field {unknown[0]!r}")
    if outbox is not None:
        return OutboxTransport(Path(outbox))
    env = os.environ
    host = env.get("UTLYS_SMTP_HOST") or _str_or_none(settings.get("host"), "host")
    if not host:
        return OutboxTransport(Path(settings.get("outbox") or DEFAULT_OUTBOX))
    host = host.strip()
    use_ssl = _bool(settings.get("ssl", False), "smtp: field 'ssl'")
    if env.get("UTLYS_SMTP_STARTTLS"):
        starttls = _bool(env["UTLYS_SMTP_STARTTLS"], "UTLYS_SMTP_STARTTLS")
    elif settings.get("starttls") is not None:
        starttls = _bool(settings["starttls"], "smtp: field 'starttls'")
    else:
        # Required by default; a server on this machine (a relay, a test server) may be plain.
        starttls = not _is_local(host)
    default_port = 465 if use_ssl else 587 if starttls else 25
    if env.get("UTLYS_SMTP_PORT"):
        port = _port(env["UTLYS_SMTP_PORT"], "UTLYS_SMTP_PORT")
    elif settings.get("port") is not None:
        port = _port(settings["port"], "smtp: field 'port'")
    else:
        port = default_port
    user = env.get("UTLYS_SMTP_USER") or _str_or_none(settings.get("user"), "user")
    password = env.get("UTLYS_SMTP_PASSWORD")
    if user and not password:
        raise ValueError(f"smtp: user {user!r} is set but UTLYS_SMTP_PASSWORD is not")
    timeout = settings.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError("smtp: field 'timeout': must be a number of seconds above 0")
    cafile = _str_or_none(settings.get("cafile"), "cafile")
    if cafile and not Path(cafile).is_file():
        raise ValueError(f"smtp: field 'cafile': no such file {cafile!r}")
    return SmtpTransport(
        host,
        port,
        starttls=starttls,
        use_ssl=use_ssl,
        user=user,
        password=password,
        timeout=float(timeout),
        cafile=cafile,
    )


def sender_from_settings(smtp_settings: dict[str, Any], fallback: str | None) -> str:
    """The From of every message: ``smtp.from`` (may carry a display name), else ``fallback``
    (the coordinator's address), else a local placeholder."""
    value = (smtp_settings or {}).get("from") or fallback or "utlys@localhost"
    return " ".join(str(value).split())


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{where}: expected true or false, got {value!r}")


def _port(value: Any, where: str) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        port = 0
    if isinstance(value, bool) or not 0 < port < 65536:
        raise ValueError(f"{where}: expected a port number, got {value!r}")
    return port


def _str_or_none(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"smtp: field {key!r}: expected a text")
    return value.strip() or None


def _is_local(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
