"""Real crawls of a small funder site on 127.0.0.1 whose call pages lose their dates between two
crawls: `utlys status --format json` says the source is degraded and names the field, and a
crawl of the old pages clears it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli
from crawler.crawl.runner import run_crawl
from crawler.dev.layers import Layer, Site
from crawler.dev.snapserver import serve_directory
from tests.crawl.conftest import write_sources

CALLS = {
    "kompetens-i-valfarden": ("Kompetens i välfärden", "2026/00501"),
    "unga-till-arbete": ("Unga till arbete", "2026/00502"),
    "social-innovation": ("Social innovation", "2026/00503"),
    "peer-support": ("Peer support för arbetslösa", "2026/00504"),
}


def write_site(root: Path, *, with_dates: bool) -> Path:
    """The listing and four call pages; ``with_dates=False`` is the same site after a redesign
    that moved the dates somewhere the spider does not look."""
    links = "".join(f'<li><a href="/esf/utlysningar/{slug}/">{title}</a></li>'
                    for slug, (title, _) in CALLS.items())  # fmt: skip
    page(root / "esf/utlysningar/index.html", f"<h1>Aktuella utlysningar</h1><ul>{links}</ul>")
    for slug, (title, own_id) in CALLS.items():
        dates = (
            "<p><strong>Startdatum:</strong> 2026-10-01</p>"
            "<p><strong>Slutdatum:</strong> 2026-12-15</p>"
            if with_dates
            else "<p>Datum finns i den nya kalendern.</p>"
        )
        page(
            root / f"esf/utlysningar/{slug}/index.html",
            f"<h1>{title}</h1><div><p><strong>Utlysning:</strong> {own_id}</p>"
            f"<p><strong>Region:</strong> ESF-Nationellt</p>{dates}"
            "<p><strong>Utlyst belopp:</strong> 40 000 000 kr</p></div>"
            "<h2>Sammanfattning</h2><p>Projekt för kommuner och regioner.</p>",
        )
    return root


def page(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>ESF</title></head>'
        f"<body><main>{body}</main></body></html>",
        encoding="utf-8",
    )


def status_of(db_path: Path, sources: Path, settings: Path) -> dict:
    result = CliRunner().invoke(
        cli,
        ["status", "--db", str(db_path), "--sources", str(sources), "--settings", str(settings),
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return {s["source"]: s for s in json.loads(result.output)["sources"]}["esf"]


def test_a_source_whose_pages_lose_their_dates_is_degraded_until_they_return(
    tmp_path, db_path, write_settings
):
    before = write_site(tmp_path / "before", with_dates=True)
    after = write_site(tmp_path / "after", with_dates=False)
    settings = write_settings()
    with serve_directory(before) as server:
        sources = write_sources(
            tmp_path / "sources.yaml",
            [{"id": "esf", "funder": "Svenska ESF-rådet", "spider": "esf",
              "start_urls": [server.url("/esf/utlysningar/")]}],
        )  # fmt: skip
        [first] = run_crawl(db_path, sources, today="2026-11-01")
        assert (first.status, first.items) == ("ok", 4)
        esf = status_of(db_path, sources, settings)
        assert (esf["health"], esf["degraded_fields"]) == ("ok", [])

        server.site = _site(after)  # the funder redesigns its call pages
        [second] = run_crawl(db_path, sources, today="2026-11-02")
        assert (second.status, second.items) == ("ok", 4)  # the crawl "works"...
        esf = status_of(db_path, sources, settings)
        assert esf["health"] == "degraded"  # ...but it no longer reads the dates
        assert "dates" in esf["degraded_fields"]
        assert "dates on 0% of calls (usually 100%)" in esf["health_detail"]

        server.site = _site(before)
        run_crawl(db_path, sources, today="2026-11-03")
        esf = status_of(db_path, sources, settings)
        assert (esf["health"], esf["degraded_fields"]) == ("ok", [])


def _site(root: Path) -> Site:
    """A folder as the running server's content (its URLs, and with them the cache, stay)."""
    return Site((Layer(root),), frozenset())
