"""Undo on Granska: "Ångra" puts back exactly the rows of the last action (approve, reject,
note or bulk), says what it put back, survives a restart, and refuses when a row changed since."""

from __future__ import annotations

import re

from crawler.match import review
from crawler.store import open_db
from crawler.web import create_app

from .conftest import TODAY, csrf_of, log_in, match_ids, match_rows

UNDO_ID = re.compile(r'name="undo_id" value="(\d+)"')


def post(client, path: str, **form):
    token = csrf_of(client.get("/granska?tillstand=alla").get_data(as_text=True))
    return client.post(
        path, data={"csrf_token": token, "tillstand": "alla", **form}, follow_redirects=True
    )


def undo(client):
    page = client.get("/granska?tillstand=alla").get_data(as_text=True)
    found = UNDO_ID.search(page)
    form = {"undo_id": found[1]} if found else {}
    return post(client, "/granska/angra", **form).get_data(as_text=True)


def snapshot(db_path) -> dict:
    fields = ("review", "reason", "note", "reviewed_at")
    return {k: {f: r[f] for f in fields} for k, r in match_rows(db_path).items()}


def test_undo_of_an_approval_restores_the_rows_and_names_them(client, db_path):
    before = snapshot(db_path)
    ids = match_ids(db_path)
    post(
        client,
        "/granska/godkann",
        call_id="esf:1",
        id=[ids[("esf:1", "Växjö")], ids[("esf:1", "Alvesta")]],
    )
    page = client.get("/granska?tillstand=alla").get_data(as_text=True)
    assert "Senaste åtgärd: godkänd för Växjö, Alvesta." in page
    assert "Bara den senaste åtgärden kan ångras." in page
    assert "Ångrade: godkänd för Växjö, Alvesta." in undo(client)
    assert snapshot(db_path) == before


def test_undo_of_a_rejection_and_of_a_note_restores_reason_and_note(client, db_path):
    ids = match_ids(db_path)
    post(
        client,
        "/granska/anteckning",
        call_id="esf:2",
        id=ids[("esf:2", "Ljungby")],
        anteckning="Första",
    )
    after_note = snapshot(db_path)
    post(
        client,
        "/granska/anteckning",
        call_id="esf:2",
        id=ids[("esf:2", "Ljungby")],
        anteckning="Andra",
    )
    assert "Ångrade: anteckning sparad för Ljungby." in undo(client)
    assert snapshot(db_path) == after_note
    post(
        client,
        "/granska/avvisa",
        call_id="esf:2",
        id=ids[("esf:2", "Ljungby")],
        orsak="annat",
        fritext="fel år",
    )
    assert match_rows(db_path)[("esf:2", "Ljungby")]["reason"] == "annat: fel år"
    assert "Ångrade: avvisad för Ljungby (annat: fel år)." in undo(client)
    assert snapshot(db_path) == after_note


def test_undo_of_a_bulk_action_restores_exactly_its_rows(client, db_path):
    ids = match_ids(db_path)
    post(client, "/granska/godkann", call_id="esf:2", id=ids[("esf:2", "Ljungby")])
    after_first = snapshot(db_path)
    page = client.get("/granska/alla?tillstand=pending&atgard=avvisa&orsak=redan+k%C3%A4nd")
    form = dict(
        re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.get_data(as_text=True)
        )
    )
    form["id"] = [ids[("esf:1", "Växjö")], ids[("esf:1", "Alvesta")]]
    client.post("/granska/alla", data=form)
    assert {r["review"] for r in match_rows(db_path).values()} == {"approved", "rejected"}
    text = undo(client)
    assert "Ångrade: avvisad för Växjö, Alvesta (2 matchningar av 1 utlysning; redan känd)." in text
    assert snapshot(db_path) == after_first  # Ljungby's approval, the action before, stands


def test_only_one_level_of_undo(client, db_path):
    ids = match_ids(db_path)
    post(client, "/granska/godkann", call_id="esf:2", id=ids[("esf:2", "Ljungby")])
    post(client, "/granska/godkann", call_id="esf:1", id=ids[("esf:1", "Växjö")])
    undo(client)
    assert "Det finns ingen åtgärd att ångra" in undo(client)
    rows = match_rows(db_path)
    assert rows[("esf:2", "Ljungby")]["review"] == "approved"
    assert rows[("esf:1", "Växjö")]["review"] == "pending"


def test_undo_is_refused_when_a_row_changed_since(client, db_path):
    ids = match_ids(db_path)
    post(
        client,
        "/granska/godkann",
        call_id="esf:1",
        id=[ids[("esf:1", "Växjö")], ids[("esf:1", "Alvesta")]],
    )
    db = open_db(db_path)
    review.reject(db, [ids[("esf:1", "Alvesta")]], "ändrat i terminalen")  # `utlys review`
    db.close()
    changed = snapshot(db_path)
    assert "Kunde inte ångra (godkänd för Växjö, Alvesta)" in undo(client)
    assert snapshot(db_path) == changed


def test_a_stale_undo_form_changes_nothing(client, db_path):
    ids = match_ids(db_path)
    post(client, "/granska/godkann", call_id="esf:1", id=ids[("esf:1", "Växjö")])
    stale = UNDO_ID.search(client.get("/granska?tillstand=alla").get_data(as_text=True))[1]
    post(client, "/granska/godkann", call_id="esf:2", id=ids[("esf:2", "Ljungby")])
    text = post(client, "/granska/angra", undo_id=stale).get_data(as_text=True)
    assert "Det finns ingen åtgärd att ångra" in text
    assert {r["review"] for r in match_rows(db_path).values()} == {"approved", "pending"}
    assert match_rows(db_path)[("esf:2", "Ljungby")]["review"] == "approved"


def test_the_undo_survives_a_restart_of_the_app(client, db_path, needs_file):
    ids = match_ids(db_path)
    post(client, "/granska/godkann", call_id="esf:1", id=ids[("esf:1", "Alvesta")])
    again = create_app(db_path, needs_path=needs_file)
    again.config["TODAY"] = TODAY
    other = again.test_client()
    log_in(other)
    assert "Ångrade: godkänd för Alvesta." in undo(other)
    assert match_rows(db_path)[("esf:1", "Alvesta")]["review"] == "pending"


def test_a_failed_action_leaves_the_previous_one_to_undo(client, db_path):
    ids = match_ids(db_path)
    post(client, "/granska/godkann", call_id="esf:1", id=ids[("esf:1", "Växjö")])
    post(client, "/granska/godkann", call_id="esf:1", id=[ids[("esf:1", "Växjö")], 9999])
    assert "Ångrade: godkänd för Växjö." in undo(client)
