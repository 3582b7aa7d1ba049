"""Long steps (digest build, newsletter build) show a "bygger 2/3 …" line on a terminal, and
nothing when stderr is not one. The terminal is a real pseudo-terminal; the commands run in
their own process on a real database."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import REPO_ROOT
from crawler.store import open_db, save_calls
from tests.digest.conftest import add_match, make_call

NEEDS = """
coordinator: {name: Karin Lind, email: samordnare@vaxjo.example.se, organisation: Projektenhet}
needs:
  - {id: unga, title: Unga som varken arbetar eller studerar}
municipalities:
  - name: Växjö
    county: Kronoberg
    needs: [unga]
    subscribers: [{email: utlysningar@vaxjo.example.se}]
  - name: Alvesta
    county: Kronoberg
    needs: [unga]
    subscribers: [{email: utlysningar@alvesta.example.se}]
  - name: Ljungby
    county: Kronoberg
    needs: [unga]
newsletter:
  - {email: styrgrupp@vaxjo.example.se}
  - {email: styrgrupp@alvesta.example.se}
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    db = open_db(tmp_path / "utlys.db")
    save_calls(db, "esf", [make_call(1), make_call(2)], seen_at="2026-11-16T06:00:00+00:00")
    for name in ("Växjö", "Alvesta"):
        add_match(db, "esf:1", name, "approved")
    db.close()
    (tmp_path / "needs.yaml").write_text(NEEDS, encoding="utf-8")
    settings = f"digest: {{}}\nsmtp: {{outbox: {tmp_path / 'outbox'}}}\n"
    (tmp_path / "settings.yaml").write_text(settings, encoding="utf-8")
    return {name: str(tmp_path / name) for name in ("utlys.db", "needs.yaml", "settings.yaml")}


def command(files: dict[str, str], *words: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *words, "--db", files["utlys.db"],
            "--needs", files["needs.yaml"], "--settings", files["settings.yaml"],
            "--period", "2026-11", "--today", "2026-11-23"]  # fmt: skip


def run_with_terminal_stderr(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal and stdout on a pipe; (exit code, stdout, stderr)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the child is done
            break
        if not chunk:
            break
        seen += chunk
    out, _ = child.communicate(timeout=60)
    os.close(leader)
    return child.returncode, out.decode("utf-8"), seen.decode("utf-8")


def test_digest_build_shows_a_counted_line_per_municipality_on_a_terminal(files, tmp_path):
    code, out, err = run_with_terminal_stderr(command(files, "digest", "build"), tmp_path)
    assert code == 0, out + err
    steps = [part.removeprefix("\x1b[K").strip() for part in err.split("\r") if part.strip()]
    assert steps == ["bygger 1/3 Växjö", "bygger 2/3 Alvesta", "bygger 3/3 Ljungby"]
    assert "bygger" not in out  # the report on stdout is untouched


def test_newsletter_build_shows_a_counted_line_per_recipient_on_a_terminal(files, tmp_path):
    args = command(files, "newsletter", "build")
    code, out, err = run_with_terminal_stderr([*args, "--out", str(tmp_path / "nl")], tmp_path)
    assert code == 0, out + err
    steps = [part.removeprefix("\x1b[K").strip() for part in err.split("\r") if part.strip()]
    assert steps == [
        "bygger månadsbrev 1/2 styrgrupp@vaxjo.example.se",
        "bygger månadsbrev 2/2 styrgrupp@alvesta.example.se",
    ]


def test_no_progress_when_stderr_is_not_a_terminal(files, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        command(files, "digest", "build"), cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "bygger" not in result.stdout
