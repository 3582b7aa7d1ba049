"""The ``digest:`` section of config/settings.yaml, validated once with one-line errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from crawler.config import ConfigError
from crawler.config.needs import EMAIL
from crawler.normalize import safe_url
from digest import content
from digest.subscribers import unsubscribe_token

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
    closing_days: int = content.CLOSING_DAYS
    other_limit: int = content.OTHER_LIMIT
    unsubscribe_url: str | None = None  # https template with {email}, {municipality}, {token}
    unsubscribe_email: str | None = None  # mailto: target when there is no unsubscribe page
    newsletter_dir: Path = Path("newsletter")
    public_url: str | None = None  # where the newsletter pages are published

    def unsubscribe_link(self, municipality: str, email: str, fallback: str | None) -> str | None:
        """The link in the footer and the List-Unsubscribe header of one recipient's mail:
        the configured https page, else a mailto: to the coordinator with a ready subject."""
        if self.unsubscribe_url:
            return self.unsubscribe_url.format(
                email=quote(email, safe="@"),
                municipality=quote(municipality, safe=""),
                token=unsubscribe_token(municipality, email) or "",
            )
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
        ("closing_days", content.CLOSING_DAYS),
        ("other_limit", content.OTHER_LIMIT),
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
    )


def smtp_section(settings: dict[str, Any] | None) -> dict[str, Any]:
    settings = settings or {}
    return settings.get("smtp", {}) if _is_full(settings) else {}


def _is_full(settings: dict[str, Any]) -> bool:
    return bool({"digest", "smtp", "schedule", "health", "logging"} & set(settings))
