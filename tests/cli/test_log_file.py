"""Every command, not only `schedule`, logs to the rotating file when given one: `utlys
--log-file PATH` or env UTLYS_LOG_FILE. Real commands through click on real files."""

from __future__ import annotations

import logging
import os

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.dev.snapserver import serve_snapshot
from crawler.ops.logs import ENV_LOG_FILE
from tests.crawl.conftest import write_sources


@pytest.fixture(autouse=True)
def no_log_file_in_env():
    """The option sets UTLYS_LOG_FILE for child processes; undo that after each test."""
    os.environ.pop(ENV_LOG_FILE, None)
    yield
    os.environ.pop(ENV_LOG_FILE, None)


def test_a_crawl_writes_its_start_each_source_and_its_end_to_the_log_file(tmp_path):
    log = tmp_path / "utlys.log"
    with serve_snapshot("month1") as server:
        entry = {"id": "esf", "funder": "Svenska ESF-rådet", "spider": "esf",
                 "start_urls": [server.base_url + "/esf/utlysningar/"]}  # fmt: skip
        sources = write_sources(tmp_path / "s.yaml", [entry])
        result = CliRunner().invoke(
            cli,
            ["--log-file", str(log), "crawl", "--db", str(tmp_path / "u.db"),
             "--sources", str(sources), "--today", "2026-10-15"],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3, lines
    typed = f"utlys --log-file {log} crawl --db {tmp_path / 'u.db'} --sources {sources}"
    assert lines[0].endswith(f" - utlys.cli: {typed} --today 2026-10-15: started")
    assert " esf utlys.crawl: [1/1] esf  ok  9 calls (9 new, 0 changed, 0 gone)" in lines[1]
    assert lines[2].endswith(": done") and " INFO " in lines[2]
    assert "utlys.cli" not in result.output  # the terminal gets the output, not the log


def test_a_failing_command_logs_its_one_line_error_from_the_environment_variable(tmp_path):
    log = tmp_path / "utlys.log"
    result = CliRunner().invoke(
        cli,
        ["calls", "--db", str(tmp_path / "missing.db")],
        env={ENV_LOG_FILE: str(log)},
    )
    assert result.exit_code == 1
    (start, end) = log.read_text(encoding="utf-8").splitlines()
    assert start.endswith(f"utlys calls --db {tmp_path / 'missing.db'}: started")
    assert " ERROR " in end and end.endswith(result.output.strip().removeprefix("Error: "))


def test_without_a_log_file_nothing_is_written_and_logging_is_left_as_it_was(tmp_path):
    result = CliRunner().invoke(cli, ["calls", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1
    assert list(tmp_path.iterdir()) == []
    assert logging.getLogger("utlys").handlers == []


def test_the_log_file_in_a_missing_folder_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["--log-file", str(tmp_path / "nope" / "u.log"), "calls"])
    assert result.exit_code == 2
    assert "no such folder for the log file" in result.output
    assert not (tmp_path / "nope").exists()
