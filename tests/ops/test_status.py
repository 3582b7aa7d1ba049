"""`utlys status` tells the truth from the database: per source, the jobs, the deliveries."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from crawler.cli import cli
from crawler.model import Call
from crawler.store import open_db, save_calls

from .conftest import add_runs


def _sources(tmp_path, ids=("esf", "amif", "mucf")):
    path = tmp_path / "sources.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "sources": [
                    {
                        "id": source,
                        "funder": source.upper(),
                        "spider": "esf",
                        "start_urls": [f"http://127.0.0.1:9/{source}/"],
                    }
                    for source in ids
                ]
            }
        ),
        encoding="utf-8",
    )
    return path


def _status(db_path, sources, settings, *extra):
    result = CliRunner().invoke(
        cli,
        [
            "status",
            "--db",
            str(db_path),
            "--sources",
            str(sources),
            "--settings",
            str(settings),
            "--now",
            "2026-11-23T10:00",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_status_json_is_truthful_for_a_failing_source(tmp_path, db_path, write_settings):
    settings = write_settings(schedule={"crawl": "0 6 * * *"})
    sources = _sources(tmp_path)
    db = open_db(db_path)
    save_calls(
        db,
        "esf",
        [Call(id=f"esf:{n}", source="esf", funder="ESF", title=f"T{n}", url="http://x/")
         for n in range(3)],
        seen_at="2026-11-20T05:00:00+00:00",
    )  # fmt: skip
    db.close()
    add_runs(db_path, "esf", [("ok", 3)])
    add_runs(db_path, "amif", [("ok", 5), ("failed", 0)], error="HTTP 500 on /amif/")
    report = json.loads(_status(db_path, sources, settings, "--format", "json"))
    by_source = {s["source"]: s for s in report["sources"]}
    assert list(by_source) == ["esf", "amif", "mucf"]
    esf, amif, mucf = by_source["esf"], by_source["amif"], by_source["mucf"]
    assert (esf["last_status"], esf["items"], esf["new_this_month"], esf["health"]) == (
        "ok", 3, 3, "ok",
    )  # fmt: skip
    assert amif["last_status"] == "failed" and amif["error"] == "HTTP 500 on /amif/"
    assert amif["health"] == "failing" and amif["last_success"] is not None
    assert mucf["last_run"] is None and mucf["health"] == "unknown"

    add_runs(db_path, "amif", [("failed", 0), ("failed", 0)], error="HTTP 500 on /amif/")
    report = json.loads(_status(db_path, sources, settings, "--format", "json"))
    amif = {s["source"]: s for s in report["sources"]}["amif"]
    assert amif["health"] == "unhealthy" and "3 times in a row" in amif["health_detail"]


def test_status_shows_next_jobs_and_last_deliveries(tmp_path, db_path, write_settings):
    settings = write_settings(schedule={"crawl": "0 6 * * *", "newsletter_build": "0 9 1 1 *"})
    db = open_db(db_path)
    for n, (kind, period, status) in enumerate(
        [
            ("digest", "2026-10", "sent"),
            ("digest", "2026-11", "sent"),
            ("digest", "2026-11", "sent"),
            ("digest", "2026-11", "sending"),
        ]
    ):
        db["deliveries"].insert(
            {"kind": kind, "period": period, "recipient": f"r{n}@example.se", "status": status,
             "sent_at": f"2026-{period[-2:]}-02T08:00:00+01:00" if status == "sent" else None}
        )  # fmt: skip
    db["job_runs"].insert(
        {"job": "crawl", "scheduled_for": "2026-11-23T06:00:00+01:00", "status": "ok",
         "started": "2026-11-23T06:00:00+01:00", "detail": "crawl ok"}
    )  # fmt: skip
    db.close()
    report = json.loads(_status(db_path, _sources(tmp_path), settings, "--format", "json"))
    jobs = {j["job"]: j for j in report["jobs"]}
    assert jobs["crawl"]["next_run"] == "2026-11-24T06:00+01:00"
    assert jobs["crawl"]["last_status"] == "ok"
    assert jobs["newsletter-build"]["next_run"] == "2027-01-01T09:00+01:00"
    digest = report["deliveries"]["digest"]
    assert (digest["last_period"], digest["messages"], digest["held"]) == ("2026-11", 2, 1)
    assert report["deliveries"]["newsletter"]["last_period"] is None

    table = _status(db_path, _sources(tmp_path), settings)
    assert "last digest sent: 2026-11, 2 messages" in table and "1 held" in table
    assert "2026-11-24 06:00" in table


def test_status_of_a_missing_database_is_one_line(tmp_path, write_settings):
    result = CliRunner().invoke(
        cli, ["status", "--db", str(tmp_path / "nope.db"), "--settings", str(write_settings())]
    )
    assert result.exit_code == 1
    assert "nope.db: no such database" in result.output and "Traceback" not in result.output


def test_a_bad_setting_is_one_line_naming_file_section_and_field(tmp_path, write_settings):
    settings = write_settings(schedule={"crawl": "0 6 * * 1"})
    result = CliRunner().invoke(cli, ["status", "--settings", str(settings)])
    assert result.exit_code == 1
    assert f"{settings}: schedule: field 'crawl':" in result.output
    assert "as names" in result.output and len(result.output.strip().splitlines()) == 1
