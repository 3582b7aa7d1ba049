"""Fixtures shared by every area's tests. Keep this small: an area's own fixtures live in a
conftest.py inside its folder."""

from __future__ import annotations

from datetime import date

import pytest

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
