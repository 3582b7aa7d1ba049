"""Utskick with Flask's test client on a real SQLite file and a real SMTP server on 127.0.0.1:
the digest shown is the one `utlys digest preview` writes, building and sending happen only
through their confirmation pages, and the ledger tells what happened to every message."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from crawler.cli import cli
from crawler.store import open_db
from crawler.web import create_app
from digest import ledger
from digest.newsletter import build_newsletter
from tests.digest.conftest import Handler, free_port

from .conftest import TODAY, csrf_of, log_in

PERIOD = "2026-11"
BOTH = "2 meddelanden till 2 mottagare i Växjö (1), Alvesta (1)"


@pytest.fixture
def smtp_server():
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(tmp_path: Path, smtp_server) -> Path:
    """Unreviewed matches go out (so every municipality with a match has a digest), through
    the SMTP server of the test; the newsletter pages in a folder of the test."""
    _handler, port = smtp_server
    path = tmp_path / "mail.yaml"
    path.write_text(
        "digest:\n  include_pending: true\n"
        f"  newsletter_dir: {tmp_path / 'manadsbrev'}\n"
        f"smtp:\n  host: 127.0.0.1\n  port: {port}\n  timeout: 5\n"
        "  from: utlys@vaxjo.example.se\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def app(db_path: Path, needs_file: Path, mail_settings: Path):
    app = create_app(db_path, needs_path=needs_file, settings_path=mail_settings)
    app.config["TODAY"] = TODAY
    return app


def _deliveries(db_path: Path) -> list[dict]:
    db = open_db(db_path)
    try:
        return list(db["deliveries"].rows_where(order_by="id"))
    finally:
        db.close()


def _post(client, path: str, **form):
    token = csrf_of(client.get("/utskick").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **form}, follow_redirects=True)


def _build(client):
    return _post(client, f"/utskick/{PERIOD}/bygg", bekraftat="ja")


def test_the_page_lists_every_municipality_and_why_one_gets_no_mail(client):
    page = client.get("/utskick").get_data(as_text=True)
    assert "<h1>Utskick för november 2026</h1>" in page
    assert "utlysningar@vaxjo.example.se" in page and "post@alvesta.example.se" in page
    ljungby = page[page.index(">Ljungby</a>") :]
    assert "inga mottagare" in ljungby[: ljungby.index("</tr>")]
    assert "Inget är byggt för november 2026 än." in page
    for label in ("Utskick", "Källor", "Mottagare"):
        assert f">{label}</a>" in page
    assert 'aria-current="page">Utskick<' in page


def test_the_digest_shown_is_the_html_the_preview_command_writes(
    client, db_path, needs_file, mail_settings, tmp_path
):
    out = tmp_path / "preview.html"
    result = CliRunner().invoke(cli, [
        "digest", "preview", "--db", str(db_path), "--needs", str(needs_file),
        "--settings", str(mail_settings), "--municipality", "Växjö", "--period", PERIOD,
        "--today", TODAY.isoformat(), "--out", str(out),
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    framed = client.get(f"/utskick/{PERIOD}/kommun/Växjö/forhandsvisning")
    assert framed.get_data(as_text=True) == out.read_text(encoding="utf-8")
    assert "Utlysning 1 för långtidsarbetslösa" in framed.get_data(as_text=True)
    policy = framed.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "frame-ancestors 'self'" in policy and framed.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_digest_page_frames_the_preview_sandboxed_and_allows_no_script(client):
    response = client.get(f"/utskick/{PERIOD}/kommun/Alvesta")
    page = response.get_data(as_text=True)
    assert '<iframe class="forhandsvisning"' in page and " sandbox " in page
    assert f'src="/utskick/{PERIOD}/kommun/Alvesta/forhandsvisning"' in page
    policy = response.headers["Content-Security-Policy"]
    assert "frame-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "script-src" not in policy
    assert client.get(f"/utskick/{PERIOD}/kommun/Stockholm").status_code == 404


def test_build_asks_first_saying_how_many_messages_go_to_whom(client, db_path):
    page = " ".join(client.get(f"/utskick/{PERIOD}/bygg").get_data(as_text=True).split())
    assert BOTH in page
    assert "<strong>Ljungby</strong>: inga mottagare" in page
    assert "Ja, bygg 2 meddelanden" in page
    assert _deliveries(db_path) == []


def test_a_build_without_confirmation_builds_nothing(client, db_path):
    response = _post(client, f"/utskick/{PERIOD}/bygg")
    assert "Inget byggdes: bekräfta först." in response.get_data(as_text=True)
    assert _deliveries(db_path) == []


def test_a_confirmed_build_records_the_messages_and_sends_none(client, db_path, smtp_server):
    handler, _port = smtp_server
    response = _build(client)
    assert f"Byggde {BOTH}. Inget är skickat än." in response.get_data(as_text=True)
    rows = _deliveries(db_path)
    assert [(r["municipality"], r["recipient"], r["status"]) for r in rows] == [
        ("Växjö", "utlysningar@vaxjo.example.se", "built"),
        ("Alvesta", "post@alvesta.example.se", "built"),
    ]
    assert handler.received == []


def test_send_asks_first_and_a_send_without_confirmation_sends_nothing(
    client, db_path, smtp_server
):
    handler, port = smtp_server
    _build(client)
    page = client.get(f"/utskick/{PERIOD}/skicka").get_data(as_text=True)
    assert f"<strong>{BOTH}</strong> går iväg via e-postservern 127.0.0.1:{port}" in page
    response = _post(client, f"/utskick/{PERIOD}/skicka", antal="2")
    assert "Inget skickades: bekräfta först." in response.get_data(as_text=True)
    assert handler.received == []
    assert {r["status"] for r in _deliveries(db_path)} == {"built"}


def test_a_confirmed_send_mails_each_message_once_and_records_it(client, db_path, smtp_server):
    handler, _port = smtp_server
    _build(client)
    response = _post(client, f"/utskick/{PERIOD}/skicka", bekraftat="ja", antal="2")
    text = response.get_data(as_text=True)
    assert "Skickade 2 meddelanden: utlysningar@vaxjo.example.se, post@alvesta.example.se." in text
    assert sorted(r.rcpt_tos[0] for r in handler.received) == [
        "post@alvesta.example.se",
        "utlysningar@vaxjo.example.se",
    ]
    subjects = {str(r.message["Subject"]) for r in handler.received}
    assert subjects == {
        "Utlysningar för Växjö – november 2026",
        "Utlysningar för Alvesta – november 2026",
    }
    assert {r["status"] for r in _deliveries(db_path)} == {"sent"}
    assert text.count(">Skickat<") == 2
    again = _post(client, f"/utskick/{PERIOD}/skicka", bekraftat="ja", antal="0")
    assert "Det fanns inget att skicka." in again.get_data(as_text=True)
    assert len(handler.received) == 2


def test_a_send_confirmed_for_other_messages_than_now_built_sends_nothing(
    client, db_path, smtp_server
):
    handler, _port = smtp_server
    _build(client)
    response = _post(client, f"/utskick/{PERIOD}/skicka", bekraftat="ja", antal="1")
    assert "har ändrats sedan du bekräftade" in response.get_data(as_text=True)
    assert handler.received == []


def test_a_held_message_is_explained_and_the_coordinators_decision_is_recorded(
    client, db_path, smtp_server
):
    _build(client)
    first = _deliveries(db_path)[0]
    db = open_db(db_path)
    ledger.claim(db, first["id"])  # as a send that died after handing the message over
    db.close()
    page = client.get("/utskick").get_data(as_text=True)
    assert ">Hålls kvar<" in page and "kan redan ha kommit fram" in page
    assert "Fråga mottagaren" in page
    confirm = client.get(f"/utskick/{PERIOD}/skicka").get_data(as_text=True)
    assert "1 meddelande hålls kvar och skickas inte nu (utlysningar@vaxjo.example.se)" in confirm
    response = _post(client, f"/utskick/{PERIOD}/kvarhallna", id=first["id"], beslut="skickat")
    assert (
        "Meddelandet till utlysningar@vaxjo.example.se är markerat som skickat."
        in response.get_data(as_text=True)
    )
    rows = {r["id"]: r["status"] for r in _deliveries(db_path)}
    assert rows[first["id"]] == "sent" and sorted(rows.values()) == ["built", "sent"]


def test_the_newsletter_page_of_the_month_is_linked_and_shown(
    client, db_path, needs_file, tmp_path
):
    assert "inte byggt än" in client.get("/utskick").get_data(as_text=True)
    assert client.get(f"/utskick/{PERIOD}/manadsbrev").status_code == 404
    from crawler.config.needs import load_needs

    db = open_db(db_path)
    written = build_newsletter(db, load_needs(needs_file), PERIOD, out_dir=tmp_path / "manadsbrev",
                               today=TODAY, include_pending=True)  # fmt: skip
    db.close()
    page = client.get("/utskick").get_data(as_text=True)
    assert f'href="/utskick/{PERIOD}/manadsbrev">Månadsbrevet för november 2026</a>' in page
    shown = client.get(f"/utskick/{PERIOD}/manadsbrev")
    assert shown.get_data(as_text=True) == written.read_text(encoding="utf-8")
    assert "script-src" not in shown.headers["Content-Security-Policy"]


def test_anonymous_requests_see_nothing_and_send_nothing(anonymous, db_path, smtp_server):
    handler, _port = smtp_server
    for path in ("/utskick", f"/utskick/{PERIOD}/kommun/Växjö/forhandsvisning",
                 f"/utskick/{PERIOD}/skicka", f"/utskick/{PERIOD}/manadsbrev"):  # fmt: skip
        response = anonymous.get(path)
        assert response.status_code == 303 and "/logga-in" in response.headers["Location"]
    for path in ("bygg", "skicka"):
        response = anonymous.post(f"/utskick/{PERIOD}/{path}", data={"bekraftat": "ja"})
        assert response.status_code == 403
    assert _deliveries(db_path) == [] and handler.received == []


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(app, db_path):
    client = app.test_client()
    log_in(client)
    response = client.post(f"/utskick/{PERIOD}/bygg", data={"bekraftat": "ja"})
    assert response.status_code == 400
    assert _deliveries(db_path) == []


def test_a_refused_address_is_told_and_explained_in_the_ledger(client, db_path, smtp_server):
    handler, _port = smtp_server
    handler.refuse.add("post@alvesta.example.se")
    _build(client)
    page = _post(client, f"/utskick/{PERIOD}/skicka", bekraftat="ja", antal="2")
    text = " ".join(page.get_data(as_text=True).split())
    assert "Skickade 1 meddelande: utlysningar@vaxjo.example.se." in text
    assert "Misslyckades till post@alvesta.example.se: e-postservern svarade 550" in text
    assert ">Misslyckades<" in text and "E-postservern vägrade ta emot meddelandet (550" in text
    assert {r["recipient"]: r["status"] for r in _deliveries(db_path)} == {
        "utlysningar@vaxjo.example.se": "sent",
        "post@alvesta.example.se": "failed",
    }
