"""Fixtures of the digest tests: a real SMTP server on 127.0.0.1, a real SQLite file, and an
inventory of municipalities built in code (so the tests do not depend on config/needs.yaml)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from crawler.config.needs import Coordinator, Inventory, Municipality, Need, Subscriber
from crawler.model import Call
from crawler.store import open_db


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.data)


@dataclass
class Handler:
    """Collects every accepted envelope; refuses the addresses in ``refuse`` with 550; drops
    the connection (once) instead of answering the DATA of message number ``drop_after + 1``; and
    holds message number ``stall_at + 1`` (setting ``stalled``) until ``release`` is set, then
    accepts it. Each answer in ``data_answers`` is given, in turn, at the end of one DATA
    instead of accepting the message ("451 4.3.0 try later", "554 5.7.1 rejected")."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    drop_after: int | None = None
    stall_at: int | None = None
    stall_in: str = "DATA"  # or "RCPT": stall before the message itself is transferred
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    data_answers: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope: Envelope, address, rcpt_options):
        if self.stall_in == "RCPT":
            await self._stall()
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope):
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            self.drop_after = None  # once
            server.transport.close()
            return "421 closing"
        if self.stall_in == "DATA":
            await self._stall()
        if self.data_answers:
            return self.data_answers.pop(0)
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 Message accepted for delivery"

    async def _stall(self) -> None:
        if self.stall_at is not None and len(self.received) == self.stall_at:
            self.stall_at = None
            self.stalled.set()
            for _ in range(1200):
                if self.release.is_set():
                    break
                await asyncio.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real aiosmtpd server on 127.0.0.1; yields (handler, port)."""
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def db(tmp_path: Path):
    database = open_db(tmp_path / "utlys.db")
    yield database
    database.close()


TODAY = date(2026, 11, 23)
PERIOD = "2026-11"


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def inventory(tmp_path: Path) -> Inventory:
    return make_inventory(tmp_path / "needs.yaml")


def make_inventory(path: Path) -> Inventory:
    """Two municipalities with subscribers, one without any, a coordinator and a newsletter."""
    return Inventory(
        path=path,
        municipalities=(
            Municipality(
                name="Växjö",
                county="Kronoberg",
                needs=("unga",),
                subscribers=(
                    Subscriber("utlysningar@vaxjo.example.se", "Växjö kommun"),
                    Subscriber("chef@vaxjo.example.se", "Åsa Öberg"),
                ),
            ),
            Municipality(
                name="Älmhult",
                county="Kronoberg",
                needs=("unga",),
                subscribers=(Subscriber("post@almhult.example.se", None),),
            ),
            Municipality(name="Ljungby", county="Kronoberg", needs=("unga",), subscribers=()),
        ),
        needs=(Need(id="unga", title="Unga som varken arbetar eller studerar", description=""),),
        coordinator=Coordinator(
            name="Karin Lind",
            email="samordnare@vaxjo.example.se",
            organisation="Projektenhet Kronoberg",
            title="Projektsamordnare",
            phone="0470-41 00 00",
        ),
        newsletter=(Subscriber("styrgrupp@vaxjo.example.se", "ASK styrgrupp"),),
    )


def make_call(number: int, **fields) -> Call:
    values = {
        "id": f"esf:{number}",
        "source": "esf",
        "funder": "Svenska ESF-rådet",
        "title": f"Utlysning {number} för unga",
        "url": f"https://www.esf.se/utlysningar/{number}/",
        "status": "open",
        "deadline": "2026-12-15",
        "summary": "Stöd till insatser för unga som står långt från arbetsmarknaden.",
        "budget_sek": 40_000_000,
        "regions": ["Småland och Öarna"],
    }
    values.update(fields)
    return Call(**values)


def add_match(
    db, call_id: str, municipality: str, review: str = "approved", note: str | None = None
) -> int:
    return (
        db["matches"]
        .insert(
            {
                "call_id": call_id,
                "municipality": municipality,
                "score": 2.5,
                "need_ids": json.dumps(["unga"]),
                "reasons": json.dumps(
                    ["träffar 'unga' i behovet Unga som varken arbetar eller studerar"],
                    ensure_ascii=False,
                ),
                "review": review,
                "note": note,
                "matched_at": "2026-11-20T06:00:00+00:00",
            }
        )
        .last_pk
    )
