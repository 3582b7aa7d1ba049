"""A dead or broken source is recorded as failed or empty, keeps its calls (none marked gone), and
does not stop the other sources. Every failure is real: a closed port, a server that answers 500,
hangs, sends bytes that are not HTTP, or suddenly serves an empty listing."""

from __future__ import annotations

import re
from contextlib import ExitStack

import pytest

from crawler.config import ConfigError
from crawler.crawl.runner import run_crawl
from crawler.dev.snapserver import serve_directory, serve_snapshot
from crawler.store import open_db
from tests.crawl.conftest import by_source, closed_port, write_sources

LISTING = "/esf/utlysningar/"
MORE = r"( \(\+\d+ more\))?"  # the call pages the cached listing led to failed too
FAULTY = {"esf-500": "500", "esf-hang": "hang", "esf-garbage": "garbage", "esf-empty": "empty"}


def esf_source(source_id: str, base_url: str) -> dict:
    return {
        "id": source_id,
        "funder": "Svenska ESF-rådet",
        "spider": "esf",
        "start_urls": [base_url + LISTING],
    }


@pytest.fixture(scope="module")
def failure_crawls(tmp_path_factory):
    """Crawl six copies of the ESF site once while all are healthy, then again after each but
    one went wrong in its own way."""
    tmp = tmp_path_factory.mktemp("failures")
    db_path = tmp / "utlys.db"
    ids = ["esf-good", "esf-refused", *FAULTY]
    with ExitStack() as stack:
        servers = {i: stack.enter_context(serve_snapshot("month1")) for i in ids}
        healthy = write_sources(
            tmp / "healthy.yaml", [esf_source(i, servers[i].base_url) for i in ids]
        )
        first = run_crawl(db_path, healthy, today="2026-10-15")
        for source_id, kind in FAULTY.items():
            servers[source_id].add_fault(LISTING, kind)
        dead_port = closed_port()
        broken = write_sources(
            tmp / "broken.yaml",
            [
                esf_source(i, f"http://127.0.0.1:{dead_port}" if i == "esf-refused" else s.base_url)
                for i, s in servers.items()
            ],
        )
        second = run_crawl(
            db_path,
            broken,
            today="2026-10-15",
            settings={"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 1},
        )
    return {
        "db": db_path,
        "first": by_source(first),
        "second": by_source(second),
        "port": dead_port,
    }


def test_all_copies_are_stored_while_healthy(failure_crawls):
    assert set(failure_crawls["first"]) == {"esf-good", "esf-refused", *FAULTY}
    for report in failure_crawls["first"].values():
        assert report.status == "ok", (report.source, report.error)
        assert report.new == 9


def test_a_healthy_source_is_stored_as_usual_beside_broken_ones(failure_crawls):
    good = failure_crawls["second"]["esf-good"]
    assert good.status == "ok" and good.error is None
    assert good.items == 9 and good.not_modified == good.requests


@pytest.mark.parametrize(
    "source_id, status, error",
    [
        ("esf-refused", "failed", r"connection refused 127\.0\.0\.1:{port}"),
        ("esf-500", "failed", rf"HTTP 500 on {LISTING}{MORE}"),
        # One try: the cached copy of the first crawl answers for the page (no retry).
        ("esf-hang", "failed", rf"timeout after 1 s on {LISTING}{MORE}"),
        (
            "esf-garbage",
            "failed",
            rf"bad answer from 127\.0\.0\.1:\d+ on {LISTING} \(not HTTP\){MORE}",
        ),
        ("esf-empty", "empty", r"no calls found in 1 page \(used to find 9\)"),
    ],
)
def test_a_broken_source_is_recorded_with_a_readable_error(
    failure_crawls, source_id, status, error
):
    report = failure_crawls["second"][source_id]
    assert report.status == status
    assert re.fullmatch(error.format(port=failure_crawls["port"]), report.error), report.error
    assert "\n" not in report.error
    db = open_db(failure_crawls["db"])
    runs = list(
        db.query("select status, error from source_runs where source = ? order by id", [source_id])
    )
    assert [r["status"] for r in runs] == ["ok", status]
    assert runs[-1]["error"] == report.error


@pytest.mark.parametrize("source_id", ["esf-refused", *FAULTY])
def test_a_broken_source_keeps_its_calls_and_none_is_marked_gone(failure_crawls, source_id):
    assert failure_crawls["second"][source_id].gone == 0
    db = open_db(failure_crawls["db"])
    rows = list(db.query("select gone from calls where source = ?", [source_id]))
    assert len(rows) == 9 and all(r["gone"] == 0 for r in rows)
    assert db["call_changes"].count_where("call_id like ?", [f"{source_id}:%"]) == 0


def test_a_bad_spider_option_is_refused_before_any_source_is_crawled(tmp_path):
    """Found inside the crawl process, one bad option used to fail every source ("We expected a
    Twisted reactor to be installed"); it is a config error now, and no page is fetched."""
    with serve_snapshot("month1") as server:
        sources = write_sources(
            tmp_path / "sources.yaml",
            [
                esf_source("esf", server.base_url),
                {
                    "id": "bad-listing",
                    "funder": "Kommunförbundet",
                    "spider": "listing",
                    "start_urls": [server.base_url + "/sf-varend/"],
                    "options": {"item": "li", "no_such_option": "x"},
                },
            ],
        )
        with pytest.raises(ConfigError, match="source bad-listing: field 'options': unknown key"):
            run_crawl(tmp_path / "utlys.db", sources, today="2026-10-15")
        assert server.log == []


def test_a_crawl_process_that_dies_leaves_a_failed_run_for_every_source(tmp_path):
    sources = write_sources(
        tmp_path / "sources.yaml",
        [esf_source("esf", "http://127.0.0.1:9"), esf_source("esf-2", "http://127.0.0.1:9")],
    )
    reports = run_crawl(tmp_path / "utlys.db", sources, timeout=0.01)
    assert [r.status for r in reports] == ["failed", "failed"]
    assert (
        reports[0].error == "crawl process ended before this source finished (stopped after 0.01 s)"
    )
    db = open_db(tmp_path / "utlys.db")
    assert db["source_runs"].count == 2


def test_a_page_over_the_size_cap_is_refused_and_named(tmp_path):
    with serve_snapshot("month1") as server:
        sources = write_sources(
            tmp_path / "sources.yaml", [esf_source("esf", server.base_url)], max_page_bytes=3000
        )
        (report,) = run_crawl(tmp_path / "utlys.db", sources, today="2026-10-15")
    assert report.status == "failed"
    assert re.fullmatch(
        rf"page too large on {LISTING} \(\d+ bytes, the cap is 3000\)", report.error
    )


def test_robots_txt_is_obeyed_and_the_user_agent_names_the_contact(tmp_path):
    site = tmp_path / "site"
    (site / "private").mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (site / "private" / "index.html").write_text("<h1>Hemligt</h1>", encoding="utf-8")
    with serve_directory(site) as server:
        sources = write_sources(
            tmp_path / "sources.yaml",
            [{**esf_source("esf", server.base_url), "start_urls": [server.url("/private/")]}],
            contact="samordnare@kommun.se",
        )
        (report,) = run_crawl(tmp_path / "utlys.db", sources)
    assert report.status == "failed"
    assert report.error == "1 page(s) forbidden by robots.txt"
    assert [path for _, path, _ in server.log] == ["/robots.txt"]
    (agent,) = server.user_agents
    assert agent.startswith("utlys/") and "samordnare@kommun.se" in agent


def test_a_timeout_says_how_many_tries_it_was_for(tmp_path):
    """Without a cached copy the page is retried: "timeout after 1 s" after two tries of 1 s
    would hide half the wait."""
    with serve_snapshot("month1") as server:
        server.add_fault(LISTING, "hang")
        sources = write_sources(tmp_path / "sources.yaml", [esf_source("esf", server.base_url)])
        (report,) = run_crawl(
            tmp_path / "utlys.db", sources, settings={"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 1}
        )
    assert report.status == "failed"
    assert report.error == f"timeout after 1 s on {LISTING} (2 tries)"


@pytest.mark.parametrize("source_id", ["esf-500", "esf-hang"])
def test_calls_read_from_the_cache_of_a_failed_run_are_not_seen_again(failure_crawls, source_id):
    """Every page answered 500 (or nothing): the calls came from yesterday's cached copies, so
    they were not seen today and `last_seen` must not say so."""
    first = failure_crawls["first"][source_id].seen_at
    db = open_db(failure_crawls["db"])
    seen = {
        r["last_seen"]
        for r in db.query("select last_seen from calls where source = ?", [source_id])
    }
    assert seen == {first}
