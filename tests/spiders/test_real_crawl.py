"""A real Scrapy crawl (the engine's run_crawl, in its own process) of the recorded pages in
other markup, served over 127.0.0.1, into a real SQLite file: what a check with another
server and another sources file does."""

import pytest
import yaml

from crawler.config import REPO_ROOT
from crawler.crawl.runner import run_crawl
from crawler.dev.snapserver import serve_directory
from crawler.store import load_calls, open_db

FIXTURES = REPO_ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("real-crawl")
    manifest = yaml.safe_load((FIXTURES / "manifest.yaml").read_text(encoding="utf-8"))
    raw = yaml.safe_load((REPO_ROOT / "config" / "sources.yaml").read_text(encoding="utf-8"))
    with serve_directory(FIXTURES) as server:
        for entry in raw["sources"]:
            paths = manifest["sources"][entry["id"]]
            entry["start_urls"] = [server.url(p) for p in paths["start_paths"]]
            entry["news_urls"] = [server.url(p) for p in paths.get("news_paths", [])]
        sources = tmp / "sources.yaml"
        sources.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        reports = run_crawl(tmp / "utlys.db", sources, today=manifest["today"], timeout=120)
    db = open_db(tmp / "utlys.db")
    calls = {c.title: c for c in load_calls(db)}
    db.close()
    return {r.source: r for r in reports}, calls


def test_every_source_is_crawled_ok(crawled):
    reports, _ = crawled
    assert {s: (r.status, r.error) for s, r in reports.items() if r.status != "ok"} == {}
    assert all(r.items >= 1 for r in reports.values())


@pytest.mark.parametrize(
    ("title", "status", "deadline", "regions", "budget"),
    [
        (
            "Arbetsträning för unga vuxna i Småland",
            "open",
            "2026-11-20",
            ["Småland och Öarna"],
            26_000_000,
        ),
        (
            "Stärkt kompetens hos timanställda i äldreomsorgen",
            "closed",
            "2026-10-01",
            ["Sydsverige"],
            30_000_000,
        ),
        (
            "Regional kompetensförsörjning i Sydsverige",
            "closed",
            "2026-03-19",
            ["Kronoberg", "Blekinge"],
            57_700_000,
        ),
        (
            "Innovationsstöd för små företag i hela landet",
            "open",
            "2027-01-15",
            ["Nationell"],
            48_500_000,
        ),
        ("Mottagande av kvotflyktingar", "planned", "2027-02-01", ["Nationell"], 362_000_000),
        # the real plan shape: the title is the heading above a two-column table, not "Ca 120 MSEK"
        ("Mottagande och asylprocess", "planned", "2027-02-01", ["Nationell"], 120_000_000),
        (
            "Etablering för kvinnor från tredje land",
            "open",
            "2026-11-30",
            ["Nationell"],
            120_000_000,
        ),
        (
            "Bidrag till unga ledare i föreningslivet",
            "planned",
            "2027-01-31",
            ["Nationell"],
            10_000_000,
        ),
        (
            "§37a-medel 2027 för insatser för nyanlända",
            "open",
            "2026-12-04",
            ["Kronoberg"],
            3_400_000,
        ),
    ],
)
def test_stored_calls_have_the_fields_of_their_pages(
    crawled, title, status, deadline, regions, budget
):
    _, calls = crawled
    call = calls[title]
    assert (call.status, call.deadline, call.regions, call.budget_sek) == (
        status, deadline, regions, budget,
    )  # fmt: skip
