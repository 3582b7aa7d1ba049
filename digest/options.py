"""The ``digest:`` and ``smtp:`` sections of config/settings.yaml, validated once with one-line
errors. Parsing only: the transport built from the ``smtp:`` options is in ``digest.transport``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database

from crawler.config import ConfigError
from crawler.config.needs import EMAIL
from crawler.normalize import safe_url
from crawler.store import db_file
from digest.unsubscribe import db_secret, unsubscribe_token, unsubscribe_url

CLOSING_DAYS = 45  # a matched call whose deadline is this near is reminded of
OTHER_LIMIT = 40  # at most this many "other new calls" in a digest

DIGEST_KEYS = {
    "include_pending",
    "closing_days",
    "other_limit",
    "unsubscribe_url",
    "unsubscribe_email",
    "newsletter_dir",
    "public_url",
}
PLACEHOLDERS = {"email", "municipality", "token"}


@dataclass(frozen=True)
class DigestOptions:
    include_pending: bool = False
    closing_days: int = CLOSING_DAYS
    other_limit: int = OTHER_LIMIT
    unsubscribe_url: str | None = None  # https template with {email}, {municipality}, {token}
    unsubscribe_email: str | None = None  # mailto: target when there is no unsubscribe page
    newsletter_dir: Path = Path("newsletter")
    public_url: str | None = None  # where the newsletter pages are published
    web_base_url: str | None = None  # settings web.base_url: where `utlys web` is reached
    secret: str | None = None  # signs the links (digest.unsubscribe.db_secret), set per database

    def unsubscribe_link(self, municipality: str, email: str, fallback: str | None) -> str | None:
        """The link in the footer and the List-Unsubscribe header of one recipient's mail: the
        configured https template, else the one-click page of `utlys web` at ``web.base_url``,
        else a mailto: to the coordinator with a ready subject."""
        if self.unsubscribe_url:
            token = unsubscribe_token(email, municipality, self.secret) if self.secret else ""
            return self.unsubscribe_url.format(
                email=quote(email, safe="@"),
                municipality=quote(municipality, safe=""),
                token=token,
            )
        if self.web_base_url and self.secret:
            return unsubscribe_url(self.web_base_url, email, municipality, self.secret)
        target = self.unsubscribe_email or fallback
        if not target:
            return None
        what = "nyhetsbrevet" if municipality == "*" else f"utlysningar för {municipality}"
        subject = quote(f"Avregistrera {email} från {what}")
        return f"mailto:{target}?subject={subject}"


def digest_options(settings: dict[str, Any] | None, *, where: str = "settings") -> DigestOptions:
    """Read the digest section out of the whole settings (from ``load_settings``) or out of the
    section itself; ConfigError naming the field on a bad value."""
    settings = settings or {}
    section = settings.get("digest", {}) if _is_full(settings) else settings
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: section 'digest': expected a mapping")
    unknown = sorted(set(section) - DIGEST_KEYS)
    if unknown:
        raise ConfigError(f"{where}: digest: unknown field {unknown[0]!r}")

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{where}: digest: field {key!r}: {problem}")

    include_pending = section.get("include_pending", False)
    if not isinstance(include_pending, bool):
        raise fail("include_pending", "expected true or false")
    numbers = {}
    for key, default in (
        ("closing_days", CLOSING_DAYS),
        ("other_limit", OTHER_LIMIT),
    ):
        value = section.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 366:
            raise fail(key, "expected a whole number from 0 to 366")
        numbers[key] = value
    url = section.get("unsubscribe_url")
    if url is not None:
        if not isinstance(url, str) or not url.startswith("https://"):
            raise fail("unsubscribe_url", "expected an https:// address")
        names = set(re.findall(r"{(\w*)}", url))
        if names - PLACEHOLDERS or "email" not in names:
            raise fail("unsubscribe_url", "use the placeholders {email}, {municipality}, {token}")
        sample = url.format(email="a@b.se", municipality="X", token="t")
        if safe_url(sample) is None:
            raise fail("unsubscribe_url", "not a valid https address")
    email = section.get("unsubscribe_email")
    if email is not None and (not isinstance(email, str) or not EMAIL.match(email)):
        raise fail("unsubscribe_email", f"bad email {email!r}")
    public = section.get("public_url")
    if public is not None and (not isinstance(public, str) or safe_url(public) is None):
        raise fail("public_url", "expected an http(s) address")
    web = (settings.get("web") or {}) if _is_full(settings) else {}
    base_url = web.get("base_url") if isinstance(web, dict) else None
    if base_url is not None and (not isinstance(base_url, str) or safe_url(base_url) is None):
        raise ConfigError(f"{where}: web: field 'base_url': expected an http(s) address")
    folder = section.get("newsletter_dir", "newsletter")
    if not isinstance(folder, str) or not folder.strip():
        raise fail("newsletter_dir", "expected a folder path")
    return DigestOptions(
        include_pending=include_pending,
        closing_days=numbers["closing_days"],
        other_limit=numbers["other_limit"],
        unsubscribe_url=url,
        unsubscribe_email=email,
        newsletter_dir=Path(folder),
        public_url=public.rstrip("/") if public else None,
        web_base_url=base_url.rstrip("/") if base_url else None,
    )


def mail_options(settings: dict[str, Any] | None, db: Database) -> DigestOptions:
    """The digest options for mail built from ``db``: its secret signs the unsubscribe links,
    the same secret `utlys web` on that database checks them with."""
    return replace(digest_options(settings), secret=db_secret(db_file(db)))


def smtp_section(settings: dict[str, Any] | None) -> dict[str, Any]:
    settings = settings or {}
    return settings.get("smtp", {}) if _is_full(settings) else {}


def _is_full(settings: dict[str, Any]) -> bool:
    return bool({"digest", "smtp", "schedule", "health", "logging", "web"} & set(settings))


DEFAULT_OUTBOX = Path("outbox")
SMTP_KEYS = {"host", "port", "starttls", "ssl", "user", "timeout", "cafile", "from", "outbox"}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class SmtpOptions:
    """Where mail goes: an SMTP server when ``host`` is set, else the ``outbox`` folder."""

    host: str | None = None
    outbox: Path = DEFAULT_OUTBOX
    port: int = 25
    starttls: bool = True
    use_ssl: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    cafile: str | None = None


def smtp_options(
    smtp_settings: dict[str, Any] | None, *, outbox: Path | None = None, where: str = "settings"
) -> SmtpOptions:
    """The mail settings of this installation.

    An explicit ``outbox`` folder wins (the command line's ``--outbox``, the demo); otherwise SMTP
    when a host is configured (``smtp.host`` or ``UTLYS_SMTP_HOST``), else the outbox folder of
    the settings (default ``outbox``). ``UTLYS_SMTP_HOST``, ``_PORT``, ``_USER`` and ``_STARTTLS``
    override the file, as deployments expect; the password only ever comes from
    ``UTLYS_SMTP_PASSWORD``. Raises ConfigError with a one-line message on a bad value, starting
    with ``where`` (the settings file's name).
    """
    try:
        return _smtp_options(smtp_settings, outbox)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _smtp_options(smtp_settings: dict[str, Any] | None, outbox: Path | None) -> SmtpOptions:
    settings = smtp_settings or {}
    if not isinstance(settings, dict):
        raise ValueError("section 'smtp': expected a mapping")
    if "password" in settings:
        raise ValueError("smtp: field 'password': secrets are read from UTLYS_SMTP_PASSWORD only")
    unknown = sorted(set(settings) - SMTP_KEYS)
    if unknown:
        raise ValueError(f"smtp: unknown field {unknown[0]!r}")
    if outbox is not None:
        return SmtpOptions(outbox=Path(outbox))
    env = os.environ
    host = env.get("UTLYS_SMTP_HOST") or _str_or_none(settings.get("host"), "host")
    if not host:
        return SmtpOptions(outbox=Path(settings.get("outbox") or DEFAULT_OUTBOX))
    host = host.strip()
    use_ssl = _bool(settings.get("ssl", False), "smtp: field 'ssl'")
    if env.get("UTLYS_SMTP_STARTTLS"):
        starttls = _bool(env["UTLYS_SMTP_STARTTLS"], "UTLYS_SMTP_STARTTLS")
    elif settings.get("starttls") is not None:
        starttls = _bool(settings["starttls"], "smtp: field 'starttls'")
    else:
        # Required by default; a server on this machine (a relay, a test server) may be plain.
        starttls = not is_local(host)
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
    return SmtpOptions(
        host=host,
        port=port,
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


def is_local(host: str) -> bool:
    """This machine: a relay or a test server here may be spoken to without TLS."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
