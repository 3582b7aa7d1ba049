"""Every command finds the same database: --db, else the environment variable UTLYS_DB."""

from click.testing import CliRunner

from crawler.cli import cli
from crawler.model import Call
from crawler.store import open_db, save_calls


def test_commands_read_the_database_named_by_utlys_db(tmp_path):
    path = tmp_path / "elsewhere.db"
    call = Call(id="esf:1", source="esf", funder="ESF", title="Peer support i Kronoberg", url="u")
    save_calls(open_db(path), "esf", [call])
    runner = CliRunner(env={"UTLYS_DB": str(path)})
    listed = runner.invoke(cli, ["calls", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert "Peer support i Kronoberg" in listed.output
    matched = runner.invoke(cli, ["match", "--today", "2026-11-16"])
    assert matched.exit_code == 0, matched.output
    assert open_db(path)["match_runs"].count == 1
