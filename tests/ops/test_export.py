"""`utlys export`: calls and matches as CSV, JSON and iCalendar, with filters; scraped text
stays untrusted on the way out."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from crawler.cli import cli
from crawler.model import Call
from crawler.store import open_db, save_calls
from digest.message import event_uid


@pytest.fixture
def filled_db(db_path):
    db = open_db(db_path)
    calls = [
        Call(id="esf:1", source="esf", funder="Svenska ESF-rådet", title="Vägar till arbete",
             url="https://www.esf.se/1/", status="open", deadline="2026-12-15",
             deadline_time="16:00", budget_sek=40_000_000, regions=["Småland och Öarna"]),
        Call(id="esf:2", source="esf", funder="Svenska ESF-rådet", title="=HYPERLINK(\"x\")",
             url="javascript:alert(1)", status="open", deadline="2027-02-01"),
        Call(id="tva:1", source="tillvaxtverket", funder="Tillväxtverket", title="Gröna jobb",
             url="https://tillvaxtverket.se/1.html", status="planned", deadline="2027-03-01"),
        Call(id="arv:1", source="arvsfonden", funder="Arvsfonden", title="Projektstöd",
             url="https://arvsfonden.se/", status="standing"),
    ]  # fmt: skip
    save_calls(db, "esf", calls[:2])
    save_calls(db, "tillvaxtverket", calls[2:3])
    save_calls(db, "arvsfonden", calls[3:])
    for call_id, municipality, review in [
        ("esf:1", "Växjö", "approved"),
        ("esf:1", "Alvesta", "pending"),
        ("tva:1", "Växjö", "rejected"),
    ]:
        db["matches"].insert(
            {"call_id": call_id, "municipality": municipality, "review": review, "score": 0.8,
             "reasons": json.dumps(["träffar 'arbetslös'"], ensure_ascii=False)}
        )  # fmt: skip
    db.close()
    return db_path


def export(db_path, *args, out=None):
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), *args])
    assert result.exit_code == 0, result.output
    return result


def test_json_export_of_calls_sorted_by_deadline(filled_db):
    rows = json.loads(export(filled_db, "--format", "json").stdout)
    assert [r["id"] for r in rows] == ["esf:1", "esf:2", "tva:1", "arv:1"]
    assert rows[0]["regions"] == ["Småland och Öarna"] and rows[0]["budget_sek"] == 40_000_000


def test_filters_by_status_deadline_range_and_municipality(filled_db):
    def ids(*args):
        return [r["id"] for r in json.loads(export(filled_db, "--format", "json", *args).stdout)]

    assert ids("--status", "open") == ["esf:1", "esf:2"]
    assert ids("--from", "2027-01-01", "--to", "2027-02-28") == ["esf:2"]
    assert ids("--municipality", "växjö") == ["esf:1"]  # the rejected match does not count
    assert ids("--municipality", "Alvesta", "--to", "2026-12-31") == ["esf:1"]


def test_matches_export_with_review_filter(filled_db):
    rows = json.loads(export(filled_db, "--format", "json", "--what", "matches").stdout)
    assert [(r["id"], r["municipality"], r["review"]) for r in rows] == [
        ("esf:1", "Alvesta", "pending"),
        ("esf:1", "Växjö", "approved"),
        ("tva:1", "Växjö", "rejected"),
    ]
    assert rows[0]["reasons"] == ["träffar 'arbetslös'"]
    only = json.loads(
        export(filled_db, "--format", "json", "--what", "matches", "--review", "approved").stdout
    )
    assert [r["municipality"] for r in only] == ["Växjö"]


def test_csv_export_defuses_formulas_and_keeps_swedish(filled_db, tmp_path):
    out = tmp_path / "calls.csv"
    result = export(filled_db, "--format", "csv", "--out", str(out))
    assert "exported 4 calls" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0]["funder"] == "Svenska ESF-rådet" and rows[0]["regions"] == "Småland och Öarna"
    assert rows[1]["title"] == '\'=HYPERLINK("x")'
    assert rows[0]["url"] == "https://www.esf.se/1/" and rows[1]["url"] == ""  # javascript:


def test_json_export_drops_links_that_are_not_http(filled_db):
    rows = {r["id"]: r for r in json.loads(export(filled_db, "--format", "json").stdout)}
    assert rows["esf:2"]["url"] is None and rows["esf:1"]["url"] == "https://www.esf.se/1/"


def test_ics_export_has_one_event_per_deadline_and_no_unsafe_links(filled_db):
    result = export(filled_db, "--format", "ics")
    calendar = Calendar.from_ical(result.stdout)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    uid = {call_id: event_uid(call_id) for call_id in ("esf:1", "esf:2", "tva:1")}
    assert set(events) == set(uid.values())  # arv:1 is standing: no deadline
    first = events[uid["esf:1"]]
    assert first.decoded("dtstart").isoformat() == "2026-12-15"
    assert str(first["summary"]) == "Sista ansökningsdag kl. 16.00: Vägar till arbete"
    assert "Finansiär: Svenska ESF-rådet" in str(first["description"])
    assert str(first["url"]) == "https://www.esf.se/1/"
    assert "url" not in events[uid["esf:2"]]
    assert "javascript" not in result.stdout
    assert "1 without a deadline left out" in result.stderr


def test_ics_of_matches_names_the_municipalities(filled_db):
    result = export(filled_db, "--format", "ics", "--what", "matches", "--review", "approved")
    [event] = Calendar.from_ical(result.stdout).walk("VEVENT")
    assert "Matchar: Växjö" in str(event["description"])


def test_bad_export_options_are_one_line_errors(filled_db, tmp_path):
    runner = CliRunner()
    for args, expected in [
        (["--format", "xml"], "Invalid value for '--format'"),
        (["--format", "csv", "--review", "approved"], "only with --what matches"),
        (["--format", "csv", "--from", "2027-01-01", "--to", "2026-01-01"], "--from is after"),
        (["--format", "csv", "--from", "1 mars"], "Invalid value for '--from'"),
    ]:
        result = runner.invoke(cli, ["export", "--db", str(filled_db), *args])
        assert result.exit_code == 2 and expected in result.output, result.output
    missing = runner.invoke(cli, ["export", "--db", str(tmp_path / "x.db"), "--format", "csv"])
    assert missing.exit_code == 1 and "no such database" in missing.output


def test_csv_for_swedish_excel_has_a_bom_and_semicolons(filled_db, tmp_path):
    """Excel set to Swedish reads a CSV as cp1252 unless it starts with a BOM, and splits
    columns on semicolons (the comma is the decimal mark)."""
    out = tmp_path / "calls.csv"
    export(filled_db, "--format", "csv", "--excel", "--out", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id;source;funder;")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows[0]["funder"] == "Svenska ESF-rådet" and rows[1]["title"] == '\'=HYPERLINK("x")'
    plain = tmp_path / "plain.csv"
    export(filled_db, "--format", "csv", "--out", str(plain))
    assert plain.read_text(encoding="utf-8").startswith("id,source,")


def test_excel_is_only_for_csv(filled_db):
    result = CliRunner().invoke(
        cli, ["export", "--db", str(filled_db), "--format", "json", "--excel"]
    )
    assert result.exit_code == 2 and "--excel" in result.output
