"""The check of issue #10 run before the checker: pages written around the text shapes of the
stored copies of real funder pages (funders.md section 10), in markup the spiders were not
written against (div soup without semantic tags, <dl>, tables with <th> in rows,
<p><strong>Label:</strong> value</p>, <br> lines, labels in <span>s, headings as <p class="h2">,
nested sections) and with the chrome of SiteVision, Episerver, Drupal and WordPress sites inside
the body (skip links, cookie banners, breadcrumbs, feedback widgets, "Dela sidan", related
links). Crawled for real: Scrapy in its own process, from a server on 127.0.0.1, into SQLite.

The expected values in tests/fixtures/unseen/<source>/expected.yaml were written from the page
text before the spiders were run on the pages. Pages that are not calls (news about a decided
grant, a guide, a contact page) must store no call: each source's calls are exactly the
expected ones.
"""

from __future__ import annotations

import pytest
import yaml

from crawler.config import REPO_ROOT
from crawler.crawl.runner import run_crawl
from crawler.dev.snapserver import serve_directory
from crawler.store import load_calls, open_db

UNSEEN = REPO_ROOT / "tests" / "fixtures" / "unseen"
MANIFEST = yaml.safe_load((UNSEEN / "manifest.yaml").read_text(encoding="utf-8"))
EXPECTED = {
    source: yaml.safe_load((UNSEEN / source / "expected.yaml").read_text(encoding="utf-8"))["calls"]
    for source in MANIFEST["sources"]
}
CASES = [(source, call["title"]) for source, calls in EXPECTED.items() for call in calls]
FIELDS = ("status", "opens_on", "deadline", "deadline_time", "budget_sek", "regions")
# Site chrome that must not reach a call's text.
CHROME = (
    "Hoppa till", "Till innehållet", "kakor", "cookies", "Hjälpte informationen", "Dela sidan",
    "Du är här", "Tid kvar", "Logotyp",
)  # fmt: skip


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unseen-crawl")
    raw = yaml.safe_load((REPO_ROOT / "config" / "sources.yaml").read_text(encoding="utf-8"))
    configured = {s["id"]: s for s in raw["sources"]}
    with serve_directory(UNSEEN) as server:
        raw["sources"] = [
            {
                **{
                    k: v for k, v in configured[sid].items() if k not in ("start_urls", "news_urls")
                },
                "start_urls": [server.url(p) for p in entry["start_paths"]],
            }
            for sid, entry in MANIFEST["sources"].items()
        ]
        sources = tmp / "sources.yaml"
        sources.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        reports = run_crawl(tmp / "utlys.db", sources, today=MANIFEST["today"], timeout=120)
    db = open_db(tmp / "utlys.db")
    calls = load_calls(db)
    db.close()
    return {r.source: r for r in reports}, calls


def misread(call, want: dict) -> dict[str, tuple]:
    """The fields of a stored call that differ from the expected ones: (expected, got)."""
    wrong = {f: (want[f], getattr(call, f)) for f in FIELDS if getattr(call, f) != want[f]}
    if want.get("applicants") and want["applicants"] not in (call.applicants or ""):
        wrong["applicants"] = (want["applicants"], call.applicants)
    return wrong


def test_every_unseen_source_is_crawled_ok(crawled):
    reports, _ = crawled
    assert {s: (r.status, r.error) for s, r in reports.items() if r.status != "ok"} == {}


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_only_call_pages_store_calls(crawled, source):
    """Guides, contact pages and news of granted money are no calls."""
    _, calls = crawled
    got = sorted(c.title for c in calls if c.source == source)
    assert got == sorted(c["title"] for c in EXPECTED[source])


@pytest.mark.parametrize(("source", "title"), CASES)
def test_every_stated_field_is_read(crawled, source, title):
    _, calls = crawled
    want = next(c for c in EXPECTED[source] if c["title"] == title)
    found = [c for c in calls if c.source == source and c.title == title]
    assert found, f"{source}: no call {title!r}"
    assert misread(found[0], want) == {}


def test_no_chrome_reaches_a_call(crawled):
    _, calls = crawled
    leaks = {
        c.title: [w for w in CHROME if w in " ".join(filter(None, (c.summary, c.applicants)))]
        for c in calls
    }
    assert {t: w for t, w in leaks.items() if w} == {}
