"""Fixtures shared by every area's tests. Keep this small: an area's own fixtures live in a
conftest.py inside its folder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler.dev.snapserver import SnapshotServer, serve_snapshot


@pytest.fixture
def today() -> date:
    """The project's fixed "today" (Europe/Stockholm), for code that takes the day as input."""
    return date(2026, 11, 23)


@pytest.fixture
def snapshot_server() -> SnapshotServer:
    """The bundled snapshot served on 127.0.0.1 (month 1; ``set_month("month2")`` to switch)."""
    with serve_snapshot("month1") as server:
        yield server


@pytest.fixture
def write_settings(tmp_path: Path) -> Callable[..., Path]:
    """Write a settings file with the given sections; returns its path."""

    def write(**sections: dict[str, Any]) -> Path:
        path = tmp_path / "settings.yaml"
        path.write_text(yaml.safe_dump(sections), encoding="utf-8")
        return path

    return write


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "utlys.db"
