"""`utlys sources check` says per source how many calls its spider parsed and on what share of
them it read each field: from a real crawl into a throwaway database, or with `--stored` from
the last run in the database."""

from __future__ import annotations

import json

from click.testing import CliRunner

from crawler.cli import cli
from crawler.crawl.runner import run_crawl
from crawler.dev.snapserver import serve_directory
from crawler.store.queries import open_existing_db
from tests.crawl.conftest import write_sources
from tests.ops.test_status_degraded import write_site


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_check_crawls_each_source_and_shows_what_its_spider_read(tmp_path):
    site = write_site(tmp_path / "site", with_dates=False)
    db_path = tmp_path / "utlys.db"
    with serve_directory(site) as server:
        sources = write_sources(
            tmp_path / "s.yaml",
            [{"id": "esf", "funder": "ESF", "spider": "esf",
              "start_urls": [server.url("/esf/utlysningar/")]}],
        )  # fmt: skip
        table = run("sources", "check", "--sources", str(sources), "--db", str(db_path),
                    "--today", "2026-11-01")  # fmt: skip
        rows = json.loads(run("sources", "check", "--sources", str(sources), "--format", "json",
                              "--today", "2026-11-01"))  # fmt: skip
    header, line = table.strip().splitlines()[1:]
    assert header.split()[:10] == ["ID", "ANSWER", "RUN", "CALLS", "TITLE", "STATUS", "DATES",
                                   "REGIONS", "BUDGET", "SUMMARY"]  # fmt: skip
    assert "answered HTTP 200" in line
    cells = line.split()
    assert cells[0] == "esf" and cells[4:6] == ["ok", "4"]
    fields = ["title", "status", "dates", "regions", "budget", "summary"]
    shares = dict(zip(fields, cells[6:12], strict=True))
    assert (shares["title"], shares["dates"], shares["budget"]) == ("100%", "0%", "100%")
    [row] = rows
    assert (row["run_status"], row["calls"], row["dates"], row["budget"]) == ("ok", 4, 0, 4)
    assert not db_path.exists()  # the check crawled into a throwaway database


def test_check_stored_reads_the_last_run_without_the_network(tmp_path):
    site = write_site(tmp_path / "site", with_dates=True)
    db_path = tmp_path / "utlys.db"
    with serve_directory(site) as server:
        sources = write_sources(
            tmp_path / "s.yaml",
            [{"id": "esf", "funder": "ESF", "spider": "esf",
              "start_urls": [server.url("/esf/utlysningar/")]}],
        )  # fmt: skip
        run_crawl(db_path, sources, today="2026-11-01")
    # the server is gone: --stored must not need it
    rows = json.loads(run("sources", "check", "--stored", "--sources", str(sources),
                          "--db", str(db_path), "--format", "json"))  # fmt: skip
    [row] = rows
    assert (row["run_status"], row["calls"], row["dates"], row["regions"]) == ("ok", 4, 4, 4)
    db = open_existing_db(db_path)
    assert row["run"] == db.execute("select started from source_runs").fetchone()[0]
    db.close()
    table = run("sources", "check", "--stored", "--sources", str(sources), "--db", str(db_path))
    assert "100%" in table.splitlines()[-1]
