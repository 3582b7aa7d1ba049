"""The crawl area's commands through click's CliRunner: real crawls, a real database, and one-line
errors for bad input."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.dev.snapserver import serve_directory, serve_snapshot
from crawler.model import Call, call_id
from crawler.store import open_db, save_calls
from tests.crawl.conftest import closed_port, write_sources

LISTING = "/esf/utlysningar/"


def esf_entry(source_id: str, base_url: str) -> dict:
    return {
        "id": source_id,
        "funder": "Svenska ESF-rådet",
        "spider": "esf",
        "start_urls": [base_url + LISTING],
    }


def make_call(n: int, **fields) -> Call:
    url = f"https://www.esf.se/utlysningar/{n}/"
    values = dict(
        id=call_id("esf", url=url),
        source="esf",
        funder="Svenska ESF-rådet",
        title=f"Utlysning {n}",
        url=url,
        status="open",
        deadline=f"2026-12-{n:02d}",
        regions=["Småland och Öarna"],
    )
    values.update(fields)
    return Call(**values)


@pytest.fixture
def stored_db(tmp_path):
    """A database with five calls of known text, one of them gone."""
    path = tmp_path / "utlys.db"
    db = open_db(path)
    calls = [
        make_call(1, title="Långtidsarbetslösa och peer support", summary="Stöd för arbetslösa."),
        make_call(2, title="Unga från 13 år", status="planned", summary='Förebyggande "tidigt"'),
        make_call(3, title="Grön omställning", status="closed", summary="Industri AND klimat"),
        make_call(4, title="Bredband på landsbygden", source="tv", id="tv:4", deadline=None),
        make_call(5, title="Nedlagd utlysning"),
    ]
    save_calls(db, "esf", [c for c in calls if c.source == "esf"], seen_at="2026-10-15T06:00")
    save_calls(db, "tv", [calls[3]], seen_at="2026-10-15T06:00")
    save_calls(db, "esf", calls[:3], seen_at="2026-11-15T06:00")  # call 5 missed once...
    save_calls(db, "esf", calls[:3], seen_at="2026-11-16T06:00")  # ...and again: gone
    db.close()
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_crawl_prints_one_line_per_source_and_exits_0(tmp_path):
    with serve_snapshot("month1") as server:
        sources = write_sources(tmp_path / "s.yaml", [esf_entry("esf", server.base_url)])
        result = run("crawl", "--db", str(tmp_path / "u.db"), "--sources", str(sources),
                     "--today", "2026-10-15")  # fmt: skip
    assert result.exit_code == 0, result.output
    header, line = result.stdout.strip().splitlines()
    assert header.split()[:8] == [
        "SOURCE", "STATUS", "ITEMS", "NEW", "CHANGED", "GONE", "REQUESTS", "304s"
    ]  # fmt: skip
    assert line.split()[:6] == ["esf", "ok", "9", "9", "0", "0"]


def test_crawl_exits_1_when_a_source_failed_but_stores_the_others(tmp_path):
    with serve_snapshot("month1") as server:
        entries = [
            esf_entry("esf", server.base_url),
            esf_entry("esf-dead", f"http://127.0.0.1:{closed_port()}"),
        ]
        sources = write_sources(tmp_path / "s.yaml", entries)
        result = CliRunner().invoke(
            cli, ["crawl", "--db", str(tmp_path / "u.db"), "--sources", str(sources)]
        )
    assert result.exit_code == 1
    lines = {line.split()[0]: line for line in result.stdout.strip().splitlines()[1:]}
    assert lines["esf"].split()[1] == "ok"
    assert lines["esf-dead"].split()[1] == "failed"
    assert "connection refused 127.0.0.1:" in lines["esf-dead"]
    assert open_db(tmp_path / "u.db")["calls"].count == 9


def test_crawl_only_takes_repeated_and_comma_separated_ids(tmp_path):
    with serve_snapshot("month1") as server:
        entries = [esf_entry(i, server.base_url) for i in ("a", "b", "c")]
        sources = write_sources(tmp_path / "s.yaml", entries)
        result = run("crawl", "--db", str(tmp_path / "u.db"), "--sources", str(sources),
                     "--only", "a,c", "--only", "a")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.strip().splitlines()[1:]] == ["a", "c"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--only", "nope"], "no source with id 'nope'"),
        (["--today", "15 oktober"], "Invalid value for '--today'"),
    ],
)
def test_crawl_bad_arguments_are_one_line_errors(tmp_path, args, message):
    sources = write_sources(tmp_path / "s.yaml", [esf_entry("esf", "http://127.0.0.1:9")])
    result = CliRunner().invoke(
        cli, ["crawl", "--db", str(tmp_path / "u.db"), "--sources", str(sources), *args]
    )
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "u.db").exists() or open_db(tmp_path / "u.db")["calls"].count == 0


BAD_CONFIGS = [
    ("sources:\n  - id: esf\n    funder: X\n    spider: esf\n", "field 'start_urls': missing"),
    (
        "sources:\n  - {id: esf, funder: X, spider: nope, start_urls: [http://x.se/]}\n",
        "field 'spider': unknown spider 'nope'",
    ),
    (
        "sources:\n  - {id: esf, funder: X, spider: esf, start_urls: ['file:///etc/passwd']}\n",
        "is not an http(s) URL",
    ),
    ("sources: [\n", "line"),
]


@pytest.mark.parametrize("command", [["crawl"], ["sources", "check"], ["sources", "list"]])
@pytest.mark.parametrize("text, message", BAD_CONFIGS)
def test_a_bad_sources_file_is_a_one_line_error_naming_the_file(tmp_path, command, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    args = [*command, "--sources", str(path)]
    if command == ["crawl"]:
        args += ["--db", str(tmp_path / "u.db")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}")
    assert message in lines[0]
    assert not (tmp_path / "u.db").exists()  # nothing ran


def test_calls_table_lists_live_calls_by_deadline(stored_db):
    result = run("calls", "--db", str(stored_db))
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].split() == ["STATUS", "DEADLINE", "SOURCE", "TITLE"]
    titles = [line.split(None, 3)[3] for line in lines[1:-1]]
    assert titles == [
        "Långtidsarbetslösa och peer support",
        "Unga från 13 år",
        "Grön omställning",
        "Bredband på landsbygden",
    ]
    assert lines[-1] == "4 call(s)"


def test_calls_all_includes_gone_calls_marked_gone(stored_db):
    result = run("calls", "--db", str(stored_db), "--all")
    gone = [line for line in result.output.splitlines() if "Nedlagd utlysning" in line]
    assert gone and gone[0].split()[0] == "gone"


def test_calls_filters_by_status_and_source(stored_db):
    planned = json.loads(run("calls", "--db", str(stored_db), "--status", "planned",
                             "--format", "json").output)  # fmt: skip
    assert [c["title"] for c in planned] == ["Unga från 13 år"]
    tv = json.loads(
        run("calls", "--db", str(stored_db), "--source", "tv", "--format", "json").output
    )
    assert [c["id"] for c in tv] == ["tv:4"]


def test_calls_json_has_lists_as_lists(stored_db):
    calls = json.loads(run("calls", "--db", str(stored_db), "--format", "json").output)
    first = calls[0]
    assert first["regions"] == ["Småland och Öarna"] and first["gone"] is False
    assert {"first_seen", "last_seen", "deadline", "status"} <= set(first)


def test_calls_csv_has_a_header_and_one_row_per_call(stored_db):
    output = run("calls", "--db", str(stored_db), "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert len(rows) == 4
    assert rows[0]["regions"] == "Småland och Öarna"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("arbetslös", {"Långtidsarbetslösa och peer support"}),  # prefix of arbetslösa
        ("peer support", {"Långtidsarbetslösa och peer support"}),
        ('"tidigt', {"Unga från 13 år"}),  # an unbalanced quote is plain text
        ("AND", {"Grön omställning"}),  # FTS operators are plain words
        ("klimat OR bredband", set()),  # ... so OR does not widen the search
        ("NEAR(", set()),
        ("*", set()),
    ],
)
def test_calls_search_quotes_user_text_for_full_text_search(stored_db, text, expected):
    result = run("calls", "--db", str(stored_db), "--search", text, "--format", "json")
    assert result.exit_code == 0, result.output
    assert {c["title"] for c in json.loads(result.output)} == expected


def test_calls_search_can_find_gone_calls_with_all(stored_db):
    result = run(
        "calls", "--db", str(stored_db), "--search", "nedlagd", "--all", "--format", "json"
    )
    assert [c["title"] for c in json.loads(result.output)] == ["Nedlagd utlysning"]


def test_calls_without_a_database_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["calls", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == f"Error: {tmp_path / 'none.db'}: no such database (run `utlys crawl` first)"
    )
    assert not (tmp_path / "none.db").exists()


def test_calls_on_a_file_that_is_not_a_database_is_a_one_line_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just text, not SQLite " * 100, encoding="utf-8")
    result = CliRunner().invoke(cli, ["calls", "--db", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: database: ") and len(result.output.splitlines()) == 1


def test_sources_list_shows_every_source(tmp_path):
    sources = write_sources(
        tmp_path / "s.yaml",
        [
            esf_entry("esf", "https://www.esf.se"),
            {**esf_entry("old", "https://x.se"), "enabled": False},
        ],
    )
    lines = run("sources", "list", "--sources", str(sources)).output.strip().splitlines()
    assert lines[0].split()[:3] == ["ID", "SPIDER", "ENABLED"]
    assert lines[1].split()[:3] == ["esf", "esf", "yes"]
    assert lines[2].split()[:3] == ["old", "esf", "no"]


def test_sources_list_reads_the_default_config():
    result = run("sources", "list")
    assert result.exit_code == 0
    assert {line.split()[0] for line in result.output.splitlines()[1:]} >= {"esf", "amif"}


def test_sources_check_tells_which_sources_answered(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<p>ok</p>", encoding="utf-8")
    with serve_directory(tmp_path / "site") as server:
        server.add_fault("/broken/", "500")
        sources = write_sources(
            tmp_path / "s.yaml",
            [
                {**esf_entry("up", server.base_url), "start_urls": [server.url("/")]},
                {**esf_entry("broken", server.base_url), "start_urls": [server.url("/broken/")]},
                esf_entry("down", f"http://127.0.0.1:{closed_port()}"),
            ],
        )
        result = run("sources", "check", "--sources", str(sources), "--timeout", "2")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0] == f"{sources}: valid, 3 sources (3 enabled)"
    answers = {line.split()[0]: line for line in lines[2:]}
    assert "answered HTTP 200" in answers["up"]
    assert "error: HTTP 500" in answers["broken"]
    assert "error:" in answers["down"] and "refused" in answers["down"].lower()


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


AREA_COMMANDS = [("crawl",), ("calls",), ("sources",), ("sources", "list"),
                 ("sources", "check"), ("demo",)]  # fmt: skip


@pytest.mark.parametrize("path", AREA_COMMANDS, ids=" ".join)
def test_every_command_of_the_area_has_help_text(path):
    commands = dict(all_commands(cli))
    command = commands[path]
    assert command.help and command.help.strip()
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{' '.join(path)} {param.opts[0]} has no help"
    result = run(*path, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_a_manual_crawl_refuses_to_race_a_running_crawl(tmp_path):
    from crawler.ops.locks import crawl_lock

    db_path = tmp_path / "utlys.db"
    with crawl_lock(db_path):
        result = CliRunner().invoke(cli, ["crawl", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "another crawl is running" in result.output
    assert not db_path.exists()  # nothing was crawled or written
