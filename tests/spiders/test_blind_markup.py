"""A real crawl of pages written blind, from research notes on the funders' sites alone (their
labels, words and dates, not their tags), in markup the spiders were not written against (label
blocks as <th> tables, <b>Label</b><br>value, span pairs and heading pairs; status lists as <ol>
and <p> lines; AMIF calls as <h3> + <dl> and a transposed table; a grant listing inside a <nav>;
WordPress and SiteVision furniture, cookie banners, footers).
Each source folder of tests/fixtures_blind holds the pages and an expected.yaml."""

import pytest
import yaml

from crawler.config import REPO_ROOT
from crawler.crawl.runner import run_crawl
from crawler.dev.snapserver import serve_directory
from crawler.store import load_calls, open_db

BLIND = REPO_ROOT / "tests" / "fixtures_blind"
EXPECTED = {
    p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8"))
    for p in sorted(BLIND.glob("*/expected.yaml"))
}
FIELDS = ("title", "status", "deadline", "regions", "budget_sek")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("blind-crawl")
    raw = yaml.safe_load((REPO_ROOT / "config" / "sources.yaml").read_text(encoding="utf-8"))
    configured = {s["id"]: s for s in raw["sources"]}
    with serve_directory(BLIND) as server:
        raw["sources"] = [
            {
                "id": sid,
                "funder": configured[sid]["funder"],
                "spider": configured[sid]["spider"],
                "options": configured[sid].get("options", {}),
                "start_urls": [server.url(p) for p in expected["start_paths"]],
            }
            for sid, expected in EXPECTED.items()
        ]
        sources = tmp / "sources.yaml"
        sources.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        reports = run_crawl(tmp / "utlys.db", sources, today="2026-11-23", timeout=120)
    db = open_db(tmp / "utlys.db")
    calls = load_calls(db)
    db.close()
    return {r.source: r for r in reports}, calls


def test_every_blind_source_is_crawled_ok(crawled):
    reports, _ = crawled
    assert set(reports) == set(EXPECTED)
    assert {s: (r.status, r.error) for s, r in reports.items() if r.status != "ok"} == {}


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_blind_pages_give_exactly_the_expected_calls(crawled, source):
    _, calls = crawled
    got = sorted(
        (tuple(getattr(c, f) for f in FIELDS) for c in calls if c.source == source), key=str
    )
    want = sorted((tuple(call[f] for f in FIELDS) for call in EXPECTED[source]["calls"]), key=str)
    assert got == want
