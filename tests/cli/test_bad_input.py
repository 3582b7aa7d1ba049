"""Bad input as a newcomer meets it: every mistake is one line and a non-zero exit, and nothing
is created on the way (a read command never leaves an empty database behind)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.model import Call
from crawler.store import open_db, save_calls
from crawler.store.matches import store_matches


class Pair:
    def __init__(self, call_id: str, municipality: str) -> None:
        self.call_id, self.municipality, self.score = call_id, municipality, 1.0
        self.need_ids, self.reasons, self.filtered = ["a"], ["träffar"], None


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "utlys.db"
    db = open_db(path)
    call = Call(id="esf:1", source="esf", funder="ESF", title="Arbete", url="https://esf.se/1")
    save_calls(db, "esf", [call])
    store_matches(db, [Pair("esf:1", "Växjö")])
    db.close()
    return path


def one_line_error(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: ") and "Traceback" not in result.output, result.output
    return lines[-1]


@pytest.mark.parametrize(
    "command", [["crawl", "--only", "esf"], ["subscribers", "list"], ["health"], ["status"]]
)
def test_a_db_in_a_folder_that_does_not_exist_is_named_and_nothing_is_created(tmp_path, command):
    db = tmp_path / "nofolder" / "u.db"
    line = one_line_error([*command, "--db", str(db)])
    assert f"{tmp_path / 'nofolder'}: no such folder" in line
    assert not (tmp_path / "nofolder").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["review", "list"],
        ["export", "--format", "csv"],
        ["export", "--format", "json", "--what", "matches"],
    ],
)
def test_an_unknown_municipality_is_an_error_not_an_empty_list(db_path, command):
    line = one_line_error([*command, "--db", str(db_path), "--municipality", "Narnia"])
    assert "no municipality 'Narnia'" in line and "Växjö" in line


def test_a_known_municipality_in_another_case_still_lists(db_path):
    result = CliRunner().invoke(
        cli, ["review", "list", "--db", str(db_path), "--municipality", "växjö"]
    )
    assert result.exit_code == 0 and "Växjö" in result.output
