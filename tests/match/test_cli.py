"""`utlys match` end to end through click: the JSONL path without a database, and the database."""

from __future__ import annotations

import json

from click.testing import CliRunner

from crawler.cli import cli
from crawler.config import REPO_ROOT
from crawler.store import open_db, save_calls


def _write_calls(path, records):
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )


def test_jsonl_in_jsonl_out_without_a_database(tmp_path, needs_file):
    calls = tmp_path / "calls.jsonl"
    _write_calls(
        calls,
        [
            {"id": "c1", "title": "Långtidsarbetslösa i arbete", "regions": "Småland och Öarna"},
            {"id": "c2", "title": "Exportcheckar", "summary": "Stöd till export."},
            {"id": "c3", "title": "Psykisk ohälsa", "target_groups": "Vuxna", "status": "open"},
            {"id": "c4", "title": "Långtidsarbetslösa", "status": "closed"},
        ],
    )
    result = CliRunner().invoke(
        cli,
        ["match", "--calls", str(calls), "--needs", str(needs_file), "--format", "jsonl",
         "--db", str(tmp_path / "never.db")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert {(m["call_id"], m["municipality"]) for m in lines} == {
        ("c1", "Växjö"),
        ("c1", "Ljungby"),
        ("c3", "Växjö"),
    }
    assert all(set(m) == {"call_id", "municipality", "score", "need_ids", "reasons"} for m in lines)
    assert all(isinstance(m["score"], float) and m["reasons"] for m in lines)
    assert not (tmp_path / "never.db").exists()


def test_jsonl_output_file_and_text_format(tmp_path, needs_file):
    calls = tmp_path / "calls.jsonl"
    _write_calls(calls, [{"url": "https://esf.se/u/1", "source": "esf", "title": "Arbetslösa"}])
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["match", "--calls", str(calls), "--needs", str(needs_file), "--format", "jsonl",
              "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(out.read_text().splitlines()[0])["call_id"] == "esf:/u/1"
    text = runner.invoke(cli, ["match", "--calls", str(calls), "--needs", str(needs_file)])
    assert "Växjö: 1 matchade utlysningar" in text.output
    assert "i behovet Långtidsarbetslösa" in text.output


def test_bad_json_is_one_line_naming_file_and_line(tmp_path, needs_file):
    calls = tmp_path / "calls.jsonl"
    calls.write_text('{"title": "ok"}\n\n{"title": oops}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["match", "--calls", str(calls), "--needs", str(needs_file)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {calls} line 3: not valid JSON: Expecting value"
    ]


def test_record_that_is_not_an_object_is_an_error(tmp_path, needs_file):
    calls = tmp_path / "calls.jsonl"
    calls.write_text('["a list"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["match", "--calls", str(calls), "--needs", str(needs_file)])
    assert result.exit_code == 1
    assert f"{calls} line 1: expected a JSON object" in result.output


def test_bad_needs_file_is_a_one_line_error(tmp_path):
    needs = tmp_path / "needs.yaml"
    needs.write_text("municipalities: []\nneeds: [{id: a}]\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["match", "--needs", str(needs), "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {needs}: need a: field 'title': missing"


def test_database_run_prints_a_summary_per_municipality_and_stores(tmp_path, needs_file, make_call):
    path = tmp_path / "utlys.db"
    db = open_db(path)
    call = make_call("Långtidsarbetslösa", deadline="2027-02-01")
    save_calls(db, "esf", [call], seen_at="2026-11-01T00:00:00+00:00")
    runner = CliRunner()
    args = ["match", "--db", str(path), "--needs", str(needs_file), "--today", "2026-11-23"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Matched 1 calls: 3 matches (3 new" in result.output
    assert "  Växjö: 1 matches, 1 new" in result.output
    assert open_db(path)["matches"].count == 3
    again = runner.invoke(cli, args)
    assert "Matched 0 calls" in again.output
    closed = runner.invoke(cli, [*args[:-1], "2027-03-01", "--all"])
    assert "Matched 1 calls: 0 matches" in closed.output
    assert open_db(path)["matches"].count == 0


def test_bad_today_is_a_one_line_error(tmp_path, needs_file):
    result = CliRunner().invoke(
        cli,
        ["match", "--db", str(tmp_path / "u.db"), "--needs", str(needs_file), "--today", "igår"],
    )
    assert result.exit_code == 2  # a bad option value, like any other (the one --today reader)
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for '--today': 'igår' is not a date (YYYY-MM-DD)"
    )
    assert not (tmp_path / "u.db").exists()


def test_jsonl_run_checks_deadlines_only_when_asked(tmp_path, needs_file, monkeypatch):
    calls = tmp_path / "calls.jsonl"
    _write_calls(calls, [{"id": "c1", "title": "Långtidsarbetslösa", "deadline": "2025-01-31"}])
    monkeypatch.setenv("UTLYS_TODAY", "2026-11-23")
    args = ["match", "--calls", str(calls), "--needs", str(needs_file), "--format", "jsonl"]
    runner = CliRunner()
    assert len(runner.invoke(cli, args).output.splitlines()) == 3
    assert runner.invoke(cli, [*args, "--today", "2026-11-23"]).output == ""


def test_a_samordningsforbund_the_sources_do_not_know_is_a_one_line_error(tmp_path):
    needs = tmp_path / "needs.yaml"
    needs.write_text(
        "municipalities:\n  - {name: Växjö, needs: [a], samordningsforbund: [sf-nosuch]}\n"
        "needs:\n  - {id: a, title: Arbete}\n",
        encoding="utf-8",
    )
    calls = tmp_path / "calls.jsonl"
    calls.write_text("", encoding="utf-8")
    sources = REPO_ROOT / "config" / "sources.yaml"
    result = CliRunner().invoke(
        cli,
        ["match", "--calls", str(calls), "--needs", str(needs), "--sources", str(sources)],
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {needs}: municipality Växjö: field 'samordningsforbund': 'sf-nosuch' is not a"
        f" source id in {sources}"
    )
