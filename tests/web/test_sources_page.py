"""Källor with Flask's test client on a real SQLite file holding source runs and field counts as
the crawl records them: health, last run, last success, items, fill rates and the error in
Swedish."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.store import open_db
from crawler.store.calls import record_run
from crawler.store.fill_rates import record_fill_rates
from crawler.web import create_app
from crawler.web.sources_page import error_sv

from .conftest import TODAY

SOURCES = [
    {"id": "esf", "funder": "Svenska ESF-rådet", "spider": "esf",
     "start_urls": ["https://www.esf.se/utlysningar/"]},
    {"id": "amif", "funder": "Migrationsverket (AMIF)", "spider": "amif",
     "start_urls": ["https://www.migrationsverket.se/amif"]},
    {"id": "mucf", "funder": "MUCF", "spider": "grant_page", "enabled": False,
     "start_urls": ["https://www.mucf.se/bidrag"]},
]  # fmt: skip
FULL = {"title": 10, "status": 10, "dates": 10, "regions": 10, "budget": 8, "summary": 10}


def _run(db, source: str, day: int, status: str, items: int, error: str | None = None,
         fill: dict[str, int] | None = None) -> None:  # fmt: skip
    run_id = record_run(db, {
        "source": source, "started": f"2026-11-{day:02d}T05:00:00+00:00",
        "finished": f"2026-11-{day:02d}T05:01:00+00:00", "status": status, "items": items,
        "new": 0, "changed": 0, "gone": 0, "error": error, "requests": 3, "not_modified": 0,
    })  # fmt: skip
    if fill is not None:
        record_fill_rates(db, run_id, source, {"calls": items, **fill})


@pytest.fixture
def sources_file(tmp_path: Path) -> Path:
    path = tmp_path / "sources.yaml"
    data = {"crawler": {"contact": "test@example.se"}, "sources": SOURCES}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def app(db_path: Path, needs_file: Path, settings_file: Path, sources_file: Path):
    """esf read well for three nights and then without dates (degraded); amif failed three
    nights in a row with a server error after one good night; mucf never ran."""
    db = open_db(db_path)
    for day in (18, 19, 20):
        _run(db, "esf", day, "ok", 10, fill=FULL)
    _run(db, "esf", 21, "ok", 10, fill={**FULL, "dates": 0})
    _run(db, "amif", 18, "ok", 4)
    for day in (19, 20, 21):
        _run(db, "amif", day, "failed", 0, error="HTTP 503 on /amif (+1 more)")
    db.close()
    app = create_app(
        db_path, needs_path=needs_file, settings_path=settings_file, sources_path=sources_file
    )
    app.config["TODAY"] = TODAY
    return app


def _card(page: str, source: str) -> str:
    start = page.index(f'id="kalla-{source}"')
    end = page.find("</article>", start)
    return " ".join(page[start:end].split())


def test_a_failing_source_shows_its_health_runs_and_error_in_swedish(client):
    page = client.get("/kallor").get_data(as_text=True)
    assert "2 av 3 källor behöver tittas på." in page
    card = _card(page, "amif")
    assert "Migrationsverket (AMIF)" in card
    assert "<strong>fungerar inte</strong>: har misslyckats 3 gånger i rad" in card
    assert "21 november 2026, misslyckades" in card
    assert "Senast utan fel</dt><dd>18 november 2026" in card
    assert "Fel:</strong> Webbplatsens server hade fel på /amif (ofta tillfälligt)" in card
    assert "(och 1 fel till)" in card and "Tekniskt: HTTP 503 on /amif (+1 more)" in card


def test_a_source_that_stopped_reading_a_field_is_degraded_with_its_fill_rates(client):
    card = _card(client.get("/kallor").get_data(as_text=True), "esf")
    assert "<strong>läser inte alla uppgifter</strong>: inga sista ansökningsdagar" in card
    assert "(förut 100 %)" in card
    assert "Utlysningar</dt><dd>10" in card
    assert "Andel utlysningar med varje uppgift (21 november 2026):" in card
    assert "rubriker 100 % · status 100 % · sista ansökningsdagar eller" in card
    assert "öppningsdatum 0 %" in card and "belopp 80 %" in card


def test_a_source_never_run_says_so(client):
    card = _card(client.get("/kallor").get_data(as_text=True), "mucf")
    assert "avstängd" in card and "Senaste hämtning</dt><dd>aldrig" in card
    assert "har aldrig hämtats" in card and "Andel utlysningar" not in card


@pytest.mark.parametrize(
    ("error", "swedish"),
    [
        ("connection refused 127.0.0.1:9", "Servern 127.0.0.1:9 tog inte emot anslutningen"),
        ("timeout after 30 s on /x (3 tries)", "Sidan /x svarade inte inom 30 s"),
        ("HTTP 404 on /utlysningar/", "Sidan /utlysningar/ finns inte längre (HTTP 404)"),
        ("no calls found in 1 page (used to find 9)", "Inga utlysningar hittades (brukade vara 9)"),
        ("2 page(s) forbidden by robots.txt", "2 sidor får inte läsas enligt webbplatsens"
                                              " robots.txt"),
        ("something new went wrong", "Something new went wrong"),
        (None, ""),
    ],
)  # fmt: skip
def test_run_errors_read_in_swedish(error, swedish):
    assert error_sv(error) == swedish


def test_anonymous_requests_see_no_source(anonymous):
    response = anonymous.get("/kallor")
    assert response.status_code == 303 and "/logga-in" in response.headers["Location"]
