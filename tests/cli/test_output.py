"""One --format for every listing command, CSV through the one spreadsheet-safe writer, one
--today reader and one error mapper."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.cli.options import FORMATS
from crawler.model import Call
from crawler.store import open_db, save_calls

# The commands that list rows; each takes the one --format.
LISTINGS = [
    ("calls",),
    ("crawl",),
    ("sources", "list"),
    ("sources", "check"),
    ("review", "list"),
    ("subscribers", "list"),
    ("digest", "status"),
    ("status",),
    ("health",),
]


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def option(command: click.Command, name: str) -> click.Option | None:
    return next((p for p in command.params if name in getattr(p, "opts", [])), None)


def test_every_listing_command_takes_the_one_format_option():
    found = dict(commands(cli))
    for path in LISTINGS:
        fmt = option(found[path], "--format")
        assert fmt is not None, path
        assert tuple(fmt.type.choices) == FORMATS and fmt.default == "table", path


def test_every_today_option_is_the_one_reader():
    todays = [option(c, "--today") for _, c in commands(cli)]
    todays = [t for t in todays if t is not None]
    assert len(todays) >= 5
    assert len({(type(t.type), t.help) for t in todays}) == 1


@pytest.fixture
def stored(db_path):
    db = open_db(db_path)
    calls = [
        Call(id="esf:1", source="esf", funder="ESF", title='=HYPERLINK("http://x","klicka")',
             url="https://www.esf.se/1", regions=["Kronoberg", "Kalmar"]),
        Call(id="esf:2", source="esf", funder="ESF", title="Vanlig utlysning",
             url="https://www.esf.se/2"),
    ]  # fmt: skip
    save_calls(db, "esf", calls)
    db.close()
    return db_path


def test_calls_csv_is_spreadsheet_safe(stored):
    result = CliRunner().invoke(cli, ["calls", "--db", str(stored), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(result.output))}
    assert rows["esf:1"]["title"] == '\'=HYPERLINK("http://x","klicka")'
    assert rows["esf:1"]["regions"] == "Kronoberg; Kalmar"
    assert rows["esf:2"]["title"] == "Vanlig utlysning"


def test_sources_list_as_json_and_csv(tmp_path):
    for fmt in ("json", "csv"):
        result = CliRunner().invoke(cli, ["sources", "list", "--format", fmt])
        assert result.exit_code == 0, result.output
        ids = (
            [row["id"] for row in json.loads(result.output)]
            if fmt == "json"
            else [row["id"] for row in csv.DictReader(io.StringIO(result.output))]
        )
        assert {"esf", "amif"} <= set(ids)


def test_review_list_as_json_is_every_field(stored):
    result = CliRunner().invoke(cli, ["review", "list", "--db", str(stored), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "approve", "1"], "no such database (run `utlys crawl` first)"),
        (["digest", "status", "--period", "2026-11"], "no such database"),
        (["db", "check"], "no such database"),
    ],
)
def test_expected_errors_are_one_line_from_every_command(tmp_path, args, message):
    result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 1 and result.output.startswith("Error: ")
    assert message in result.output
    assert not (tmp_path / "none.db").exists()


def test_a_bug_is_not_hidden_as_a_one_line_error(monkeypatch, db_path):
    import crawler.cli.crawl as cli_crawl

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(cli_crawl, "query_calls", broken)
    open_db(db_path).close()
    result = CliRunner().invoke(cli, ["calls", "--db", str(db_path)])
    assert isinstance(result.exception, KeyError)
