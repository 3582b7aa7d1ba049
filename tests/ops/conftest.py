"""Fixtures of the operations tests: a real SQLite file, settings files written per test, a
scheduler Runner on a controllable clock with stand-in step commands, and a real SMTP server
on 127.0.0.1."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from crawler.config.settings import load_ops_settings
from crawler.ops.scheduler import Paths, Runner
from crawler.store import open_db, record_run

STOCKHOLM = ZoneInfo("Europe/Stockholm")
STANDIN = Path(__file__).with_name("standin.py")


def at(text: str) -> datetime:
    """A Stockholm time from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    runner: Runner
    clock: Clock
    marker: Path
    db_path: Path

    def ran(self) -> list[str]:
        """The steps the stand-in ran, e.g. ["crawl -", "build 2026-11"]."""
        if not self.marker.exists():
            return []
        return self.marker.read_text(encoding="utf-8").splitlines()

    def job_runs(self, job: str | None = None) -> list[dict[str, Any]]:
        db = open_db(self.db_path)
        try:
            sql = "select * from job_runs" + (" where job = ?" if job else "") + " order by id"
            return db.execute_returning_dicts(sql, [job] if job else [])
        finally:
            db.close()


@pytest.fixture
def harness(tmp_path: Path, db_path: Path, write_settings) -> Callable[..., Harness]:
    """A Runner whose steps are the stand-in script and whose clock the test sets."""

    def make(schedule: dict[str, Any] | None = None, **sections: Any) -> Harness:
        settings_path = write_settings(
            schedule={"lock_wait": 0, **(schedule or {})},
            health={"alert_to": "samordnare@example.se", "outbox": str(tmp_path / "alerts")},
            **sections,
        )
        marker = tmp_path / "ran.txt"
        base = [sys.executable, str(STANDIN), str(marker), str(db_path)]
        commands = {
            "crawl": [*base, "crawl"],
            "match": [*base, "match"],
            "digest-build": [*base, "build"],
            "digest-send": [*base, "send"],
            "newsletter-build": [*base, "newsletter"],
            "newsletter-send": [*base, "newsletter-send"],
        }
        clock = Clock(at("2026-11-23 10:00"))
        runner = Runner(
            Paths(db_path, settings=settings_path),
            load_ops_settings(settings_path),
            clock=clock,
            commands=commands,
        )
        return Harness(runner, clock, marker, db_path)

    return make


def add_runs(db_path: Path, source: str, runs: list[tuple[str, int]], error: str = "") -> None:
    """Append runs (status, items) for a source, as the crawl would."""
    db = open_db(db_path)
    try:
        for status, items in runs:
            record_run(
                db,
                {
                    "source": source,
                    "started": "2026-11-20T05:00:00+00:00",
                    "finished": "2026-11-20T05:01:00+00:00",
                    "status": status,
                    "items": items,
                    "new": 0,
                    "changed": 0,
                    "gone": 0,
                    "error": error if status != "ok" else None,
                    "requests": 3,
                    "not_modified": 0,
                },
            )
    finally:
        db.close()


@dataclass
class Mailbox:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox() -> Mailbox:
    """A real aiosmtpd server on 127.0.0.1 collecting every message it accepts."""
    box = Mailbox(free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
