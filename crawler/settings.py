"""config/settings.yaml: how this installation runs (mail transport, digest options, schedule,
source health). Each area validates its own section; this module only reads the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from crawler.config import REPO_ROOT, ConfigError

DEFAULT_SETTINGS = REPO_ROOT / "config" / "settings.yaml"
SECTIONS = {"digest", "smtp", "schedule", "health", "logging"}


def load_settings(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Return the sections of the settings file; a missing file means all defaults."""
    path = Path(path) if path else DEFAULT_SETTINGS
    if not path.exists():
        return {name: {} for name in SECTIONS}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark else ""
        raise ConfigError(f"{path}:{where} not valid YAML") from None
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
