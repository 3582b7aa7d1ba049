"""Golden files: each template rendered from fixed data must match the file in golden/.

After an intended change to a template, regenerate with
    UTLYS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/digest/test_golden.py
and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.store import record_run, save_calls
from digest.content import digest_content
from digest.digests import render_digest
from digest.newsletter import build_newsletter, newsletter_content, render_newsletter

from .conftest import PERIOD, add_match, make_call

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("UTLYS_REGEN_GOLDEN") == "1"


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with UTLYS_REGEN_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.fixture
def filled(db, tmp_path):
    """A month with matched, changed, closing, standing, other and hostile calls."""
    save_calls(
        db,
        "esf",
        [
            make_call(1, title="Kompetensförsörjning i välfärden", deadline="2026-12-15"),
            make_call(
                2,
                title="Unga <utanför> arbetsmarknaden & skolan",
                deadline="2027-03-01",
                deadline_time="16:00",
                cofinancing="50 procent",
                regions=["Nationell"],
            ),
            make_call(
                3,
                title="Projektstöd",
                funder="Allmänna arvsfonden",
                status="standing",
                deadline=None,
                budget_sek=None,
                url="javascript:alert(1)",
            ),
            make_call(
                4,
                title="Social innovation",
                status="planned",
                deadline="2027-01-31",
                summary="Ord " * 200,
            ),
        ],
        seen_at="2026-11-16T06:00:00+00:00",
    )
    add_match(db, "esf:1", "Växjö", note="Bra för <b>AF</b>-samverkan.")
    add_match(db, "esf:2", "Växjö", "pending")
    add_match(db, "esf:3", "Växjö")
    add_match(db, "esf:1", "Älmhult")
    record_run(
        db,
        {
            "source": "okand-kalla",
            "started": "2026-11-16T06:00:00+00:00",
            "finished": "2026-11-16T06:00:30+00:00",
            "status": "failed",
            "error": "HTTP 503",
        },
    )
    return db


def test_digest_templates_match_their_golden_files(filled, inventory, today):
    content = digest_content(filled, "Växjö", PERIOD, today=today, include_pending=True)
    html, text = render_digest(
        content,
        inventory=inventory,
        recipient="utlysningar@vaxjo.example.se",
        unsubscribe="mailto:samordnare@vaxjo.example.se?subject=Avregistrera",
        pending_shown=True,
    )
    check("digest.html", html)
    check("digest.txt", text)


def test_newsletter_templates_match_their_golden_files(filled, inventory, today, tmp_path):
    content = newsletter_content(filled, inventory, PERIOD, today=today)
    html, text = render_newsletter(
        content,
        inventory,
        recipient="styrgrupp@vaxjo.example.se",
        unsubscribe="mailto:samordnare@vaxjo.example.se?subject=Avregistrera",
        web_url="https://utlys.example.se/manadsbrev/2026-11.html",
        page=False,
    )
    check("newsletter.html", html)
    check("newsletter.txt", text)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "2026-10.html").write_text("oktober", encoding="utf-8")
    page = build_newsletter(filled, inventory, PERIOD, out_dir=tmp_path / "pages", today=today)
    check("newsletter_page.html", page.read_text(encoding="utf-8"))
    check("newsletter_index.html", (tmp_path / "pages" / "index.html").read_text("utf-8"))
