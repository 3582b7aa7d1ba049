"""Fixtures of the web tests: a real SQLite file holding calls and matches stored through the
library, a needs inventory on disk, the app over them with the coordinator logged in (through
the login form, as a browser would), and a helper that reads a page's CSRF token the way a
browser would submit it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from crawler.model import Call
from crawler.store import open_db, save_calls
from crawler.store.matches import store_matches
from crawler.web import create_app

TODAY = date(2026, 11, 23)
PASSWORD = "rätt häst batteri"

NEEDS_YAML = """
coordinator:
  {name: Karin Lind, email: samordnare@vaxjo.example.se, organisation: Projektenhet Kronoberg}
newsletter:
  - {email: styrgrupp@vaxjo.example.se, name: ASK styrgrupp}
municipalities:
  - name: Växjö
    county: Kronoberg
    needs: [langtidsarbetslosa, uvas]
    subscribers:
      - {email: utlysningar@vaxjo.example.se, name: Växjö kommun}
  - name: Alvesta
    county: Kronoberg
    needs: [langtidsarbetslosa]
    subscribers:
      - {email: post@alvesta.example.se}
  - name: Ljungby
    county: Kronoberg
    needs: [uvas]
needs:
  - id: langtidsarbetslosa
    title: Långtidsarbetslösa
    description: Insatser för långtidsarbetslösa.
  - id: uvas
    title: Unga som varken arbetar eller studerar
    description: Stöd tillbaka till studier eller jobb.
"""


@dataclass
class Record:
    """A match as store_matches takes it (what crawler.match.score.Match carries)."""

    call_id: str
    municipality: str
    score: float = 2.0
    need_ids: list[str] = field(default_factory=lambda: ["langtidsarbetslosa"])
    reasons: list[str] = field(
        default_factory=lambda: ["träffar 'arbetslös' (titel) i behovet Långtidsarbetslösa"]
    )
    filtered: str | None = None


def make_call(number: int, **fields) -> Call:
    values = {
        "id": f"esf:{number}",
        "source": "esf",
        "funder": "Svenska ESF-rådet",
        "title": f"Utlysning {number} för långtidsarbetslösa",
        "url": f"https://www.esf.se/utlysningar/{number}/",
        "status": "open",
        "deadline": "2026-12-01",
        "summary": "Stöd till insatser för långtidsarbetslösa och unga.",
        "budget_sek": 40_000_000,
        "regions": ["Småland och Öarna"],
    }
    values.update(fields)
    return Call(**values)


@pytest.fixture
def needs_file(tmp_path: Path) -> Path:
    path = tmp_path / "needs.yaml"
    path.write_text(NEEDS_YAML, encoding="utf-8")
    return path


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with two calls: esf:1 matched Växjö and Alvesta, esf:2 matched Ljungby."""
    monkeypatch.delenv("UTLYS_UNSUBSCRIBE_SECRET", raising=False)
    monkeypatch.delenv("UTLYS_TODAY", raising=False)
    path = tmp_path / "utlys.db"
    db = open_db(path)
    save_calls(db, "esf", [make_call(1), make_call(2, title="Unga till studier", deadline=None)])
    store_matches(
        db,
        [
            Record("esf:1", "Växjö", score=3.0),
            Record("esf:1", "Alvesta", score=2.0),
            Record(
                "esf:2",
                "Ljungby",
                need_ids=["uvas"],
                reasons=["träffar 'unga' (titel) i behovet Unga som varken arbetar eller studerar"],
            ),
        ],
    )
    db.close()
    return path


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text("digest:\n  include_pending: false\n", encoding="utf-8")
    return path


@pytest.fixture
def app(db_path: Path, needs_file: Path, settings_file: Path):
    app = create_app(db_path, needs_path=needs_file, settings_path=settings_file)
    app.config["TODAY"] = TODAY
    return app


@pytest.fixture(autouse=True)
def web_password(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every web test runs with the coordinator's password in the environment, as `utlys web`
    requires; a test of the password file removes it."""
    monkeypatch.setenv("UTLYS_WEB_PASSWORD", PASSWORD)
    return PASSWORD


def log_in(client, password: str = PASSWORD, **options):
    """Post the login form with the token of the login page, as a browser would; ``options``
    go to both requests (``base_url``, ``headers``)."""
    page = client.get("/logga-in", **options).get_data(as_text=True)
    form = {"csrf_token": csrf_of(page), "losenord": password}
    return client.post("/logga-in", data=form, **options)


@pytest.fixture
def client(app):
    """A test client logged in as the coordinator."""
    client = app.test_client()
    response = log_in(client)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


@pytest.fixture
def anonymous(app):
    return app.test_client()


def match_ids(db_path: Path) -> dict[tuple[str, str], int]:
    db = open_db(db_path)
    try:
        return {(r["call_id"], r["municipality"]): r["id"] for r in db["matches"].rows}
    finally:
        db.close()


def match_rows(db_path: Path) -> dict[tuple[str, str], dict]:
    db = open_db(db_path)
    try:
        return {(r["call_id"], r["municipality"]): r for r in db["matches"].rows}
    finally:
        db.close()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found[1]
