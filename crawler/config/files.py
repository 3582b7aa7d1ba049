"""Where the hand-edited files live, how they are read, and the one kind of error they give.

Every file a person edits (sources, needs, settings, the vocabulary) goes through `read_yaml`, so
a missing file, a file that is not UTF-8 and a YAML syntax error read the same everywhere: one
line naming the file and, where YAML knows it, the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCES = REPO_ROOT / "config" / "sources.yaml"
DEFAULT_NEEDS = REPO_ROOT / "config" / "needs.yaml"
DEFAULT_SETTINGS = REPO_ROOT / "config" / "settings.yaml"


class ConfigError(ValueError):
    """A config mistake, already phrased as the one line the user should see."""


def read_yaml(path: str | Path) -> Any:
    """The parsed file, or ConfigError naming the file (and the line of a syntax error)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}:{where} {problem}") from None
