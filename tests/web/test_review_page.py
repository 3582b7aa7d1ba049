"""Granska with Flask's test client on a real SQLite file: what a card shows, and that every
action changes exactly the rows it names and says so."""

from __future__ import annotations

from markupsafe import escape

from crawler.match.review import split_reason
from crawler.store import open_db, save_calls
from crawler.store.matches import store_matches

from .conftest import Record, csrf_of, log_in, make_call, match_ids, match_rows


def _post(client, path, **form):
    token = csrf_of(client.get("/granska").get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **form}, follow_redirects=True)


def test_a_card_shows_the_call_and_every_municipality_with_need_and_reasons(client):
    page = client.get("/granska").get_data(as_text=True)
    assert page.count('<article class="kort"') == 2
    card = page[page.index('id="c-esf-1"') : page.index('id="c-esf-2"')]
    assert "Svenska ESF-rådet" in card
    assert '<a href="https://www.esf.se/utlysningar/1/"' in card
    assert "1 december 2026 (8 dagar kvar)" in card
    assert "40\u00a0000\u00a0000\u00a0kr" in card
    assert "Småland och Öarna" in card
    assert "Stöd till insatser för långtidsarbetslösa" in card
    assert "<h3>Växjö" in card and "<h3>Alvesta" in card and "Ljungby" not in card
    assert "Behov:</strong> Långtidsarbetslösa" in card
    assert escape("träffar 'arbetslös' (titel) i behovet Långtidsarbetslösa") in card
    assert "Godkänn för alla: Växjö, Alvesta" in card


def test_approving_a_call_for_all_names_every_municipality(client, db_path):
    ids = match_ids(db_path)
    response = _post(
        client,
        "/granska/godkann",
        call_id="esf:1",
        id=[str(ids[("esf:1", "Växjö")]), str(ids[("esf:1", "Alvesta")])],
    )
    assert response.status_code == 200
    assert "Godkänd för Växjö, Alvesta." in response.get_data(as_text=True)
    rows = match_rows(db_path)
    assert rows[("esf:1", "Växjö")]["review"] == "approved"
    assert rows[("esf:1", "Alvesta")]["review"] == "approved"
    assert rows[("esf:2", "Ljungby")]["review"] == "pending"


def test_approving_one_municipality_changes_only_its_match(client, db_path):
    ids = match_ids(db_path)
    response = _post(client, "/granska/godkann", call_id="esf:1", id=ids[("esf:1", "Alvesta")])
    assert "Godkänd för Alvesta." in response.get_data(as_text=True)
    rows = match_rows(db_path)
    assert rows[("esf:1", "Alvesta")]["review"] == "approved"
    assert rows[("esf:1", "Växjö")]["review"] == "pending"


def test_rejecting_stores_the_chosen_reason_and_the_free_text(client, db_path):
    ids = match_ids(db_path)
    response = _post(
        client,
        "/granska/avvisa",
        call_id="esf:2",
        id=ids[("esf:2", "Ljungby")],
        orsak="fel målgrupp",
        fritext="  gäller bara   gymnasieelever ",
    )
    assert "Avvisad för Ljungby (fel målgrupp: gäller bara gymnasieelever)." in (
        response.get_data(as_text=True)
    )
    row = match_rows(db_path)[("esf:2", "Ljungby")]
    assert row["review"] == "rejected"
    assert split_reason(row["reason"]) == ("fel målgrupp", "gäller bara gymnasieelever")


def test_rejecting_a_call_for_all_its_municipalities_at_once(client, db_path):
    ids = match_ids(db_path)
    response = _post(
        client,
        "/granska/avvisa",
        call_id="esf:1",
        id=[ids[("esf:1", "Växjö")], ids[("esf:1", "Alvesta")]],
        orsak="redan känd",
    )
    assert "Avvisad för Växjö, Alvesta (redan känd)." in response.get_data(as_text=True)
    rows = match_rows(db_path)
    assert {rows[("esf:1", m)]["reason"] for m in ("Växjö", "Alvesta")} == {"redan känd"}


def test_a_reason_outside_the_list_or_annat_without_text_changes_nothing(client, db_path):
    ids = match_ids(db_path)
    for reason, text in (("tycker inte om den", ""), ("annat", "  ")):
        response = _post(
            client,
            "/granska/avvisa",
            call_id="esf:2",
            id=ids[("esf:2", "Ljungby")],
            orsak=reason,
            fritext=text,
        )
        assert "inget ändrades" in response.get_data(as_text=True)
    assert match_rows(db_path)[("esf:2", "Ljungby")]["review"] == "pending"


def test_an_id_of_another_call_changes_nothing(client, db_path):
    """The issue's mistyped id: a match of another call (or none) is refused, not approved."""
    ids = match_ids(db_path)
    for wrong in (ids[("esf:2", "Ljungby")], 9999, "x"):
        response = _post(
            client, "/granska/godkann", call_id="esf:1", id=[ids[("esf:1", "Växjö")], wrong]
        )
        assert "inget ändrades" in response.get_data(as_text=True)
    assert {row["review"] for row in match_rows(db_path).values()} == {"pending"}


def test_a_post_without_csrf_token_is_refused(client, db_path):
    client.get("/granska")  # a session with a token exists; the form just does not carry it
    ids = match_ids(db_path)
    for form in ({}, {"csrf_token": "forged"}):
        response = client.post(
            "/granska/godkann", data={"call_id": "esf:1", "id": ids[("esf:1", "Växjö")], **form}
        )
        assert response.status_code == 400
        assert "inget ändrades" in response.get_data(as_text=True)
    assert {row["review"] for row in match_rows(db_path).values()} == {"pending"}


def test_a_token_from_another_session_is_refused(app, client, db_path):
    token = csrf_of(client.get("/granska").get_data(as_text=True))
    other = app.test_client()
    log_in(other)
    ids = match_ids(db_path)
    response = other.post(
        "/granska/godkann",
        data={"csrf_token": token, "call_id": "esf:1", "id": ids[("esf:1", "Växjö")]},
    )
    assert response.status_code == 400
    assert match_rows(db_path)[("esf:1", "Växjö")]["review"] == "pending"


def test_a_get_cannot_change_anything(client, db_path):
    assert client.get("/granska/godkann?call_id=esf:1&id=1").status_code == 405
    assert {row["review"] for row in match_rows(db_path).values()} == {"pending"}


def test_a_note_for_the_digest_is_saved_and_cleared(client, db_path):
    ids = match_ids(db_path)
    match_id = ids[("esf:1", "Växjö")]
    response = _post(
        client, "/granska/anteckning", call_id="esf:1", id=match_id, anteckning="Passar <ASK>"
    )
    assert "Anteckning sparad för Växjö." in response.get_data(as_text=True)
    assert "Passar &lt;ASK&gt;</textarea>" in response.get_data(as_text=True)
    assert match_rows(db_path)[("esf:1", "Växjö")]["note"] == "Passar <ASK>"
    response = _post(client, "/granska/anteckning", call_id="esf:1", id=match_id, anteckning="")
    assert "Anteckning borttagen för Växjö." in response.get_data(as_text=True)
    assert match_rows(db_path)[("esf:1", "Växjö")]["note"] is None


def test_after_an_action_the_same_filtered_list_is_shown(client, db_path):
    ids = match_ids(db_path)
    token = csrf_of(client.get("/granska?kommun=Alvesta").get_data(as_text=True))
    response = client.post(
        "/granska/godkann",
        data={
            "csrf_token": token,
            "call_id": "esf:1",
            "id": ids[("esf:1", "Alvesta")],
            "tillstand": "pending",
            "kommun": "Alvesta",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        "/granska?tillstand=pending&kommun=Alvesta#c-esf-1"
    )


def test_filters_by_state_and_municipality(client, db_path):
    ids = match_ids(db_path)
    _post(client, "/granska/godkann", call_id="esf:2", id=ids[("esf:2", "Ljungby")])
    pending = client.get("/granska").get_data(as_text=True)
    assert "Unga till studier" not in pending and "Utlysning 1" in pending
    approved = client.get("/granska?tillstand=approved").get_data(as_text=True)
    assert "Unga till studier" in approved and "Utlysning 1" not in approved
    vaxjo = client.get("/granska?tillstand=alla&kommun=v%C3%A4xj%C3%B6").get_data(as_text=True)
    assert "<h3>Växjö" in vaxjo and "<h3>Alvesta" not in vaxjo and "Unga till studier" not in vaxjo


def test_a_scraped_title_with_script_is_escaped(client, db_path):
    db = open_db(db_path)
    evil = make_call(
        3,
        title='<script>alert("x")</script> Stöd',
        url="javascript:alert(1)",
        summary="<img src=x onerror=alert(1)>",
        funder="<b>Fond</b>",
    )
    save_calls(db, "esf", [evil], complete=False)
    store_matches(db, [Record("esf:3", "Växjö")])
    db.close()
    for page in (client.get("/granska"), client.get("/utlysningar/esf:3")):
        text = page.get_data(as_text=True)
        assert "<script>" not in text and "<img" not in text and "<b>Fond" not in text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Stöd" in text
        assert "javascript:" not in text


def test_pages_allow_no_script_and_refuse_framing(client):
    response = client.get("/granska")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_request_for_another_host_name_is_refused(client):
    """A page of another site that rebinds its name to 127.0.0.1 sees no call."""
    response = client.get("/granska", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Utlysning 1" not in response.get_data(as_text=True)


def test_the_review_page_works_without_the_needs_file(db_path, tmp_path):
    from crawler.web import create_app

    app = create_app(db_path, needs_path=tmp_path / "missing.yaml")
    client = app.test_client()
    log_in(client)
    page = client.get("/granska").get_data(as_text=True)
    assert "Behovslistan kunde inte läsas" in page
    assert "Behov:</strong> langtidsarbetslosa" in page
