"""`utlys db backup`: a consistent, checked copy while another process writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

from click.testing import CliRunner

from crawler.cli import cli
from crawler.store import open_db


def test_backup_while_another_process_writes_is_consistent(db_path, tmp_path):
    open_db(db_path).close()
    writer_code = textwrap.dedent(
        f"""
        import sys
        from crawler.store import open_db, write_transaction
        db = open_db({str(db_path)!r})
        n = 0
        print("writing", flush=True)
        while True:
            with write_transaction(db):  # a batch of runs, as a crawl writes them
                for _ in range(50):
                    n += 1
                    db["source_runs"].insert({{"source": "esf", "status": "ok", "items": n}})
        """
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", writer_code], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        copies = []
        for n in range(5):
            target = tmp_path / f"copy{n}.db"
            result = CliRunner().invoke(cli, ["db", "backup", str(target), "--db", str(db_path)])
            assert result.exit_code == 0, result.output
            copies.append(target)
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
    counts = []
    for copy in copies:
        conn = sqlite3.connect(copy)
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
        count, top = conn.execute("select count(*), max(items) from source_runs").fetchone()
        conn.close()
        assert count % 50 == 0 and count == (top or 0)  # whole batches only
        counts.append(count)
    assert counts == sorted(counts) and counts[-1] > 0  # taken while the writer went on


def test_backup_into_a_folder_and_refusals(db_path, tmp_path):
    open_db(db_path).close()
    runner = CliRunner()
    folder = tmp_path / "backups"
    folder.mkdir()
    result = runner.invoke(cli, ["db", "backup", str(folder), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    [copy] = folder.glob("utlys-*.db")
    again = runner.invoke(cli, ["db", "backup", str(copy), "--db", str(db_path)])
    assert again.exit_code == 1 and "already exists (use --overwrite" in again.output
    assert (
        runner.invoke(
            cli, ["db", "backup", str(copy), "--db", str(db_path), "--overwrite"]
        ).exit_code
        == 0
    )
    itself = runner.invoke(cli, ["db", "backup", str(db_path), "--db", str(db_path)])
    assert itself.exit_code == 1 and "is the database itself" in itself.output
    missing = runner.invoke(cli, ["db", "backup", str(copy), "--db", str(tmp_path / "no.db")])
    assert missing.exit_code == 1 and "no such database" in missing.output
    assert list(folder.glob(".*partial*")) == []


def test_db_check_reports_a_damaged_file(db_path, tmp_path):
    open_db(db_path).close()
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "check", "--db", str(db_path)]).output.endswith(": ok\n")
    damaged = tmp_path / "damaged.db"
    data = bytearray(db_path.read_bytes())
    data[4096 * 2 : 4096 * 2 + 200] = b"\xff" * 200  # scribble over a page
    damaged.write_bytes(bytes(data))
    result = runner.invoke(cli, ["db", "check", "--db", str(damaged)])
    assert result.exit_code == 1 and "Traceback" not in result.output
