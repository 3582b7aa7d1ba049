"""Loading and validating config/sources.yaml.

The coordinator edits this file by hand, so every mistake must come back as one line naming the
file, the source and the field, and nothing may run on a half-valid config.
"""

from __future__ import annotations

import pkgutil
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.config.files import ConfigError, default_file, read_yaml

REQUIRED_KEYS = {"id", "funder", "spider", "start_urls"}
OPTIONAL_KEYS = {"enabled", "programme", "regions", "options", "news_urls", "note"}
TOP_KEYS = {"sources", "crawler"}
CRAWLER_KEYS = {"user_agent", "contact", "download_delay", "timeout", "max_page_bytes"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Source:
    id: str
    funder: str
    spider: str
    start_urls: tuple[str, ...]
    enabled: bool = True
    programme: str | None = None
    regions: tuple[str, ...] = ()
    news_urls: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class CrawlerSettings:
    """How we present ourselves to funders' servers (their admins should know whom to call)."""

    contact: str = "projektenhet@example.se"
    user_agent: str = "utlys/0.1 (+https://github.com/utlys/utlys; {contact})"
    download_delay: float = 1.0
    timeout: float = 30.0
    max_page_bytes: int = 5_000_000

    @property
    def agent(self) -> str:
        return self.user_agent.format(contact=self.contact)


@dataclass(frozen=True)
class SourcesConfig:
    path: Path
    sources: tuple[Source, ...]
    crawler: CrawlerSettings

    def get(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise ConfigError(f"{self.path}: no source with id {source_id!r}")

    def enabled(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]


def known_spiders() -> set[str]:
    """Spider kinds are the public modules of the ``spiders`` package (bases start with ``_``)."""
    import spiders

    return {m.name for m in pkgutil.iter_modules(spiders.__path__) if not m.name.startswith("_")}


def is_http_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def load_sources(path: str | Path | None = None) -> SourcesConfig:
    """Read and validate the sources file; raise ConfigError with a one-line message."""
    path = Path(path) if path else default_file("sources.yaml")
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        raise ConfigError(f"{path}: expected a mapping with a 'sources' list")
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key {sorted(unknown)[0]!r}")
    crawler = _crawler_settings(path, raw.get("crawler") or {})
    spiders = known_spiders()
    seen: set[str] = set()
    sources = []
    for index, entry in enumerate(raw["sources"], start=1):
        source = _source(path, index, entry, spiders)
        if source.id in seen:
            raise ConfigError(f"{path}: source {source.id}: field 'id': duplicate id")
        seen.add(source.id)
        sources.append(source)
    return SourcesConfig(path=path, sources=tuple(sources), crawler=crawler)


def _crawler_settings(path: Path, raw: Any) -> CrawlerSettings:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: crawler: expected a mapping")
    unknown = set(raw) - CRAWLER_KEYS
    if unknown:
        raise ConfigError(f"{path}: crawler: unknown field {sorted(unknown)[0]!r}")

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: crawler: field {key!r}: {problem}")

    for key in ("contact", "user_agent"):
        if key in raw and not isinstance(raw[key], str):
            raise fail(key, "must be a text")
    try:
        _ = CrawlerSettings(**raw).agent  # formats the user agent: a bad placeholder fails here
    except (KeyError, IndexError, ValueError) as exc:
        raise fail("user_agent", f"unknown placeholder {exc}; only {{contact}} is known") from None
    if "download_delay" in raw:
        delay = raw["download_delay"]
        if isinstance(delay, bool) or not isinstance(delay, int | float):
            raise fail("download_delay", "must be a number of seconds")
        if delay < 0:
            raise fail("download_delay", "must be 0 or more")
    if "timeout" in raw:
        timeout = raw["timeout"]
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise fail("timeout", "must be a number of seconds")
        if timeout <= 0:
            raise fail("timeout", "must be more than 0")
    if "max_page_bytes" in raw:
        size = raw["max_page_bytes"]
        if isinstance(size, bool) or not isinstance(size, int):
            raise fail("max_page_bytes", "must be a whole number of bytes, such as 5000000")
        if size <= 0:
            raise fail("max_page_bytes", "must be more than 0")
    return CrawlerSettings(**raw)


def _source(path: Path, index: int, entry: Any, spiders: set[str]) -> Source:
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: source #{index}: expected a mapping")
    name = entry.get("id") if isinstance(entry.get("id"), str) else f"#{index}"

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: source {name}: field {key!r}: {problem}")

    for key in sorted(REQUIRED_KEYS - set(entry)):
        raise fail(key, "missing")
    for key in sorted(set(entry) - REQUIRED_KEYS - OPTIONAL_KEYS):
        raise fail(key, "unknown field")
    if not isinstance(entry["id"], str) or not SLUG.match(entry["id"]):
        raise fail("id", "must be a lower-case slug such as 'sf-varend'")
    if not isinstance(entry["funder"], str) or not entry["funder"].strip():
        raise fail("funder", "must be a non-empty text")
    if entry["spider"] not in spiders:
        raise fail(
            "spider", f"unknown spider {entry['spider']!r} (known: {', '.join(sorted(spiders))})"
        )
    urls = {}
    for key in ("start_urls", "news_urls"):
        value = entry.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise fail(key, "must be a list of URLs")
        for url in value:
            if not is_http_url(url):
                raise fail(key, f"{url!r} is not an http(s) URL")
        urls[key] = tuple(u.strip() for u in value)
    if not urls["start_urls"]:
        raise fail("start_urls", "needs at least one URL")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise fail("enabled", "must be true or false")
    regions = entry.get("regions", [])
    if isinstance(regions, str):
        regions = [regions]
    if not isinstance(regions, list):
        raise fail("regions", "must be a list")
    options = entry.get("options", {})
    if not isinstance(options, dict):
        raise fail("options", "must be a mapping")
    return Source(
        id=entry["id"],
        funder=entry["funder"].strip(),
        spider=entry["spider"],
        start_urls=urls["start_urls"],
        news_urls=urls["news_urls"],
        enabled=enabled,
        programme=entry.get("programme"),
        regions=tuple(str(r) for r in regions),
        options=options,
    )
