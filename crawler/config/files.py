"""Where the hand-edited files live, how they are read, and the one kind of error they give.

Every file a person edits (sources, needs, settings, the vocabulary) goes through `read_yaml`, so
a missing file, a file that is not UTF-8 and a YAML syntax error read the same everywhere: one
line naming the file and, where YAML knows it, the line.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
# The shipped configuration (in the checkout a link to config/, in a wheel a copy of it).
PACKAGED = Path(__file__).resolve().parent / "defaults"
DEFAULT_SOURCES = PACKAGED / "sources.yaml"
DEFAULT_NEEDS = PACKAGED / "needs.yaml"
DEFAULT_SETTINGS = PACKAGED / "settings.yaml"
CONFIG_FILES = ("sources.yaml", "needs.yaml", "settings.yaml")
ENV_CONFIG_DIR = "UTLYS_CONFIG_DIR"


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


def config_dir() -> Path:
    """The folder the configuration files are read from: ``UTLYS_CONFIG_DIR`` (what
    ``--config-dir`` sets), else ``./config`` when it holds a sources file, else the shipped
    defaults. Read at each call, so the option works whatever was imported first."""
    named = os.environ.get(ENV_CONFIG_DIR)
    if named:
        path = Path(named).expanduser()
        if not path.is_dir():
            raise ConfigError(f"{path}: config folder not found ({ENV_CONFIG_DIR} / --config-dir)")
        return path
    local = Path("config")
    if (local / "sources.yaml").is_file():
        return local.resolve()
    return PACKAGED


def default_file(name: str) -> Path:
    """A configuration file in the folder `config_dir` finds."""
    return config_dir() / name


def write_config_dir(target: str | Path) -> list[Path]:
    """Copy the shipped, commented configuration into ``target`` to start from (`utlys init`);
    an existing file is never overwritten, and then nothing is written."""
    target = Path(target)
    existing = [target / name for name in CONFIG_FILES if (target / name).exists()]
    if existing:
        raise ConfigError(f"{existing[0]}: already exists; nothing was written")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CONFIG_FILES:
        written.append(Path(shutil.copyfile(PACKAGED / name, target / name)))
    return written
