"""config/settings.yaml: how this installation runs (mail transport, digest options, schedule,
source health, logging).

The file is read here once; each area validates its own section. The `schedule:`, `health:` and
`logging:` sections are validated here too: the scheduler runs unattended for months, so a typo
must stop it at start with one line naming the file, the section and the field, not surface weeks
later when a monthly job first fires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from crawler.config.files import ConfigError, default_file, read_yaml

_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+")
SECTIONS = {"digest", "smtp", "schedule", "health", "logging", "web"}


def load_settings(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Return the sections of the settings file.

    Only the default file may be absent (all defaults then): a file named on purpose that is
    not there is a typo, and running on the defaults instead would mail from, or write to,
    places nobody chose (issue #12.2)."""
    default = default_file("settings.yaml")
    path = Path(path) if path else default
    if not path.exists():
        if path.absolute() != default.absolute():
            raise ConfigError(f"{path}: no such settings file")
        return {name: {} for name in SECTIONS}
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of sections")
    unknown = set(raw) - SECTIONS
    if unknown:
        raise ConfigError(f"{path}: unknown section {sorted(unknown)[0]!r}")
    sections: dict[str, dict[str, Any]] = {}
    for name in SECTIONS:
        value = raw.get(name) or {}
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: section {name!r}: expected a mapping")
        sections[name] = value
    return sections


DAY_NAMES = "mon, tue, wed, thu, fri, sat, sun"


@dataclass(frozen=True)
class ScheduleSettings:
    timezone: str = "Europe/Stockholm"
    # Crawl every source, then match, then check source health.
    crawl: str = "0 6 * * *"
    # The first weekday of the month: APScheduler requires day AND weekday to match (unlike
    # classic cron, which takes either), and the first weekday always falls on the 1st-3rd.
    digest_build: str = "0 7 1-3 * mon-fri"
    # When it fires, the digest is sent if every match it was built from has been reviewed,
    # or, reviewed or not, from `digest_send_day` of the month on.
    digest_send: str = "0 8 * * mon-fri"
    digest_send_day: int = 10
    newsletter_build: str = "0 9 last * *"
    # Also send the newsletter email right after building it (otherwise the coordinator
    # publishes it and runs `utlys newsletter send`).
    newsletter_send: bool = False
    crawl_timeout: int = 1800  # seconds before the crawl's process group is killed
    step_timeout: int = 900  # match, digest and newsletter commands
    lock_wait: int = 30  # seconds to wait for another crawl's lock before skipping

    @property
    def crons(self) -> dict[str, str]:
        return {
            "crawl": self.crawl,
            "digest-build": self.digest_build,
            "digest-send": self.digest_send,
            "newsletter-build": self.newsletter_build,
        }

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def trigger(self, job: str) -> CronTrigger:
        return CronTrigger.from_crontab(self.crons[job], timezone=self.tz)


@dataclass(frozen=True)
class HealthSettings:
    failures_in_a_row: int = 3
    shrink_ratio: float = 0.5
    # How many of the latest ok runs make up the "usual" listing size (their median).
    history: int = 5
    # At least this many earlier ok runs before a shrink is judged (one odd run is no baseline).
    min_history: int = 3
    alert_to: str | None = None  # default: the coordinator in needs.yaml
    alert_from: str | None = None  # default: the coordinator's address
    outbox: str | None = None  # outbox folder when mail goes to files (default: the digest's)


@dataclass(frozen=True)
class LogSettings:
    file: str | None = None  # default: <db>.log next to the database
    level: str = "INFO"
    max_bytes: int = 1_000_000
    backups: int = 5


@dataclass(frozen=True)
class OpsSettings:
    path: Path
    schedule: ScheduleSettings
    health: HealthSettings
    logging: LogSettings
    smtp: dict[str, Any]


def load_ops_settings(path: str | Path | None = None) -> OpsSettings:
    """Read and validate this area's sections; raise ConfigError with a one-line message."""
    path = Path(path) if path else default_file("settings.yaml")
    sections = load_settings(path)
    schedule = _section(path, "schedule", ScheduleSettings, sections["schedule"])
    for job, expr in schedule.crons.items():
        _check_cron(path, job.replace("-", "_"), expr, schedule.timezone)
    if not 1 <= schedule.digest_send_day <= 28:
        raise ConfigError(f"{path}: schedule: field 'digest_send_day': must be a day 1-28")
    for name in ("crawl_timeout", "step_timeout"):
        if getattr(schedule, name) <= 0:
            raise ConfigError(f"{path}: schedule: field {name!r}: must be a positive number")
    health = _section(path, "health", HealthSettings, sections["health"])
    if health.failures_in_a_row < 1:
        raise ConfigError(f"{path}: health: field 'failures_in_a_row': must be at least 1")
    if not 0 < health.shrink_ratio < 1:
        raise ConfigError(f"{path}: health: field 'shrink_ratio': must be between 0 and 1")
    if health.history < 1 or health.min_history < 1:
        raise ConfigError(f"{path}: health: field 'history': must be at least 1")
    if health.alert_to is not None and not _EMAIL.fullmatch(health.alert_to.strip()):
        raise ConfigError(
            f"{path}: health: field 'alert_to': {health.alert_to!r} is not an e-mail address"
        )
    log = _section(path, "logging", LogSettings, sections["logging"])
    if log.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"{path}: logging: field 'level': one of DEBUG, INFO, WARNING, ERROR")
    return OpsSettings(path, schedule, health, log, dict(sections.get("smtp") or {}))


def _section(path: Path, name: str, cls: type, raw: dict[str, Any]) -> Any:
    known = {f.name: f for f in fields(cls)}
    for key in raw:
        if key not in known:
            raise ConfigError(f"{path}: {name}: unknown field {key!r}")
    values = {}
    for key, value in raw.items():
        default = known[key].default
        if value is None and default is None:
            values[key] = None
            continue
        wanted = type(default) if default is not None else str
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, wanted) or isinstance(value, bool) != (wanted is bool):
            raise ConfigError(
                f"{path}: {name}: field {key!r}: expected {wanted.__name__}, got {value!r}"
            )
        values[key] = value
    return cls(**values)


def _check_cron(path: Path, field: str, expr: str, timezone: str) -> None:
    where = f"{path}: schedule: field {field!r}"
    parts = expr.split()
    if len(parts) == 5 and any(ch.isdigit() for ch in parts[4]):
        # APScheduler 3 numbers weekdays from Monday = 0, classic cron from Sunday = 0: a number
        # would silently fire on the wrong day, so only names are accepted.
        raise ConfigError(f"{where}: write days of the week as names ({DAY_NAMES}), not numbers")
    try:
        CronTrigger.from_crontab(expr, timezone=ZoneInfo(timezone))
    except ZoneInfoNotFoundError:
        raise ConfigError(f"{path}: schedule: field 'timezone': unknown {timezone!r}") from None
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: not a valid cron expression {expr!r} ({exc})") from None
