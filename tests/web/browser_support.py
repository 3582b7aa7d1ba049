"""What the real-browser test needs around Chromium: the demo's database served by waitress on
127.0.0.1, a real SMTP server, and a page that records console errors and CSP violations, so a
test can prove the coordinator's pages work in a browser and not only through the test client."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest

from crawler.dev.demo import DEMO_STEPS, DemoContext, run_demo
from crawler.web import create_app, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def require_chromium() -> None:
    """Skip without a browser, unless CI said one must be there (then it is a failure)."""
    if CHROMIUM.exists():
        return
    if os.environ.get("UTLYS_REQUIRE_BROWSER"):
        pytest.fail(f"UTLYS_REQUIRE_BROWSER is set but {CHROMIUM} is missing")
    pytest.skip(
        f"{CHROMIUM} is missing (set UTLYS_REQUIRE_BROWSER=1 to make this a failure)",
        allow_module_level=True,
    )


def demo_database(workdir: Path) -> tuple[Path, date]:
    """The demo's steps into ``workdir``; returns the database and the demo's "today"."""

    def remember_today(ctx: DemoContext) -> None:
        ctx.extra["today"] = ctx.server.manifest.months["month2"]

    result = run_demo(workdir, echo=lambda _line: None, steps=[*DEMO_STEPS, remember_today])
    return result.db_path, result.extra["today"]


def mail_settings(path: Path, port: int) -> Path:
    path.write_text(
        "digest:\n  include_pending: true\n"
        f"  newsletter_dir: {path.parent / 'manadsbrev'}\n"
        f"smtp:\n  host: 127.0.0.1\n  port: {port}\n  starttls: false\n  timeout: 5\n"
        "  from: utlys@vaxjo.example.se\n",
        encoding="utf-8",
    )
    return path


@contextmanager
def serving(db_path: Path, settings: Path, today: date) -> Iterator[tuple[str, Any]]:
    """The real app on 127.0.0.1 (any free port) in a thread; yields (base URL, app)."""
    app = create_app(db_path, settings_path=settings)
    app.config["TODAY"] = today
    server = make_server(app, "127.0.0.1", 0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", app
    finally:
        server.task_dispatcher.shutdown()
        server.close()
        thread.join(timeout=5)


def unsubscribe_link(eml: Path) -> str:
    """The http link of a message's List-Unsubscribe header, as a mail client reads it."""
    header = str(message_from_bytes(eml.read_bytes())["List-Unsubscribe"])
    for part in header.split(","):
        link = part.strip().strip("<>")
        if link.startswith("http"):
            return link
    raise AssertionError(f"{eml.name}: no http link in List-Unsubscribe: {header}")


@dataclass
class Watched:
    """Console errors and uncaught page errors seen by one browser context."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> Any:
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: {exc}"))
        return page

    def _console(self, page: Any, msg: Any) -> None:
        if msg.type != "error":
            return
        source = (msg.location or {}).get("url", "")
        # The status of the page itself (401 after a wrong password, 404 of a missing call) is
        # what the app means to answer, and /favicon.ico is asked for by the browser, not a page.
        if msg.text.startswith("Failed to load resource") and (
            source == page.url or source.endswith("/favicon.ico")
        ):
            return
        self.problems.append(f"{page.url}: {msg.text} ({source})")
