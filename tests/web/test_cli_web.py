"""`utlys web` through the CLI runner: it refuses to start without a password, binds 127.0.0.1
unless told otherwise, and `utlys web set-password` writes an owner-only hash that logs in.

Serving would block the test, so ``crawler.web.serve`` is replaced by a recorder: the one part
of the command not run for real."""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

import crawler.web
from crawler.cli import cli
from crawler.web import create_app
from crawler.web.password import password_path

from .conftest import log_in

NEW = "kronobergs-lösen-2026"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(
        crawler.web, "serve", lambda app, host, port: calls.append({"host": host, "port": port})
    )
    return calls


@pytest.fixture
def no_env_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UTLYS_WEB_PASSWORD")


def _web(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["web", *args], input=input)


def test_web_without_a_password_refuses_to_start_and_says_how(db_path, served, no_env_password):
    result = _web("--db", str(db_path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: no password for the web app: set UTLYS_WEB_PASSWORD or run"
        f" `utlys web set-password --db {db_path}`"
    ]
    assert served == []


def test_a_too_short_password_in_the_environment_is_refused(db_path, served, monkeypatch):
    monkeypatch.setenv("UTLYS_WEB_PASSWORD", "kort")
    result = _web("--db", str(db_path))
    assert result.exit_code == 1
    assert "shorter than 8 characters" in result.output
    assert served == []


def test_web_with_a_password_serves_on_127_0_0_1_unless_told_otherwise(db_path, served):
    assert _web("--db", str(db_path)).exit_code == 0
    assert _web("--db", str(db_path), "--host", "0.0.0.0", "--port", "9000").exit_code == 0
    assert served == [{"host": "127.0.0.1", "port": 8080}, {"host": "0.0.0.0", "port": 9000}]


def test_set_password_writes_an_owner_only_hash_that_logs_in(
    db_path, needs_file, served, no_env_password
):
    result = _web("set-password", "--db", str(db_path), input=f"{NEW}\n{NEW}\n")
    assert result.exit_code == 0, result.output
    path = password_path(db_path)
    assert f"wrote {path}" in result.output
    assert NEW not in result.output  # the prompt hides what is typed
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = path.read_text(encoding="ascii")
    assert stored.startswith("scrypt:") and NEW not in stored
    assert sorted(p.name for p in path.parent.iterdir() if ".webpass" in p.name) == [path.name]

    app = create_app(db_path, needs_path=needs_file)
    assert log_in(app.test_client(), "fel-lösenord-1").status_code == 401
    client = app.test_client()
    assert log_in(client, NEW).status_code == 303
    assert client.get("/granska").status_code == 200
    assert _web("--db", str(db_path)).exit_code == 0  # now it starts
    assert served == [{"host": "127.0.0.1", "port": 8080}]


def test_set_password_twice_replaces_the_old_one(db_path, needs_file, no_env_password):
    _web("set-password", "--db", str(db_path), input=f"{NEW}\n{NEW}\n")
    other = "ett-helt-annat-lösen"
    assert _web("set-password", "--db", str(db_path), input=f"{other}\n{other}\n").exit_code == 0
    app = create_app(db_path, needs_path=needs_file)
    assert log_in(app.test_client(), NEW).status_code == 401
    assert log_in(app.test_client(), other).status_code == 303


def test_set_password_refuses_a_short_or_mistyped_password_and_writes_nothing(
    db_path, no_env_password
):
    short = _web("set-password", "--db", str(db_path), input="kort\nkort\n")
    assert short.exit_code == 1
    assert short.output.splitlines()[-1] == ("Error: the password must have at least 8 characters")
    mistyped = _web("set-password", "--db", str(db_path), input=f"{NEW}\n{NEW}x\n")
    assert mistyped.exit_code != 0
    assert not password_path(db_path).exists()


def test_set_password_needs_an_existing_database(tmp_path, no_env_password):
    missing = tmp_path / "utlys.db"
    result = _web("set-password", "--db", str(missing), input=f"{NEW}\n{NEW}\n")
    assert result.exit_code == 1
    assert not password_path(missing).exists()


def test_set_password_says_when_the_environment_wins(db_path):
    result = _web("set-password", "--db", str(db_path), input=f"{NEW}\n{NEW}\n")
    assert result.exit_code == 0
    assert "UTLYS_WEB_PASSWORD is set and is used instead" in result.output
