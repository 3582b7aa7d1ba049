"""Bulk actions on Granska's filtered list: a confirmation that says what will change, and a
change of exactly the rows that confirmation showed, never a match added since."""

from __future__ import annotations

import re

from crawler.match.review import split_reason
from crawler.store import open_db, save_calls
from crawler.store.matches import store_matches

from .conftest import Record, csrf_of, make_call, match_ids, match_rows

IDS = re.compile(r'<input type="hidden" name="id" value="(\d+)">')


def confirmation(client, query: str) -> str:
    response = client.get("/granska/alla?" + query)
    assert response.status_code == 200, response.headers.get("Location")
    return response.get_data(as_text=True)


def confirm_form(page: str) -> dict:
    """The fields the confirmation's form posts, as a browser would send them."""
    form = re.search(r'<form method="post" action="/granska/alla">(.*?)</form>', page, re.S)[1]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
        fields.setdefault(name, []).append(value)
    return fields


def reviews(db_path) -> dict[tuple[str, str], str]:
    return {key: row["review"] for key, row in match_rows(db_path).items()}


def test_the_confirmation_says_how_many_matches_of_how_many_calls_for_whom(client, db_path):
    page = confirmation(client, "tillstand=pending&atgard=godkann")
    assert "3 matchningar av 2 utlysningar för Växjö, Alvesta, Ljungby blir godkända." in page
    assert "Urval: ej granskade." in page
    assert "Utlysning 1 för långtidsarbetslösa" in page and "Växjö, Alvesta" in page
    assert sorted(int(i) for i in IDS.findall(page)) == sorted(match_ids(db_path).values())
    assert set(reviews(db_path).values()) == {"pending"}  # showing it changes nothing


def test_bulk_approve_changes_exactly_the_rows_of_the_filter(client, db_path):
    page = confirmation(client, "tillstand=pending&kommun=V%C3%A4xj%C3%B6&atgard=godkann")
    assert "1 matchning av 1 utlysning för Växjö blir godkänd." in page
    response = client.post("/granska/alla", data=confirm_form(page), follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Godkänd för Växjö (1 matchning av 1 utlysning)." in text
    assert reviews(db_path) == {
        ("esf:1", "Växjö"): "approved",
        ("esf:1", "Alvesta"): "pending",
        ("esf:2", "Ljungby"): "pending",
    }
    assert response.request.path == "/granska"
    assert response.request.args["kommun"] == "Växjö"


def test_bulk_reject_stores_the_reason_on_every_row(client, db_path):
    page = confirmation(
        client, "tillstand=alla&kalla=esf&atgard=avvisa&orsak=fel+region&fritext=bara+Sk%C3%A5ne"
    )
    assert "blir avvisade med orsaken ”fel region: bara Skåne”" in page
    response = client.post("/granska/alla", data=confirm_form(page), follow_redirects=True)
    assert "Avvisad för Växjö, Alvesta, Ljungby (3 matchningar av 2 utlysningar; fel region:" in (
        response.get_data(as_text=True)
    )
    rows = match_rows(db_path)
    assert {split_reason(row["reason"]) for row in rows.values()} == {("fel region", "bara Skåne")}


def test_a_match_added_after_the_confirmation_was_shown_is_not_changed(client, db_path):
    page = confirmation(client, "tillstand=pending&atgard=godkann")
    db = open_db(db_path)
    save_calls(db, "esf", [make_call(3, title="Ny utlysning")], complete=False)
    store_matches(db, [Record("esf:3", "Växjö")])
    db.close()
    response = client.post("/granska/alla", data=confirm_form(page))
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/granska/alla?")
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Urvalet har ändrats sedan du bekräftade" in again and "inget ändrades" in again
    assert "4 matchningar av 3 utlysningar" in again  # the new set, to confirm again
    assert set(reviews(db_path).values()) == {"pending"}


def test_a_row_that_left_the_filter_since_stops_the_whole_action(client, db_path):
    page = confirmation(client, "tillstand=pending&atgard=godkann")
    ids = match_ids(db_path)
    token = csrf_of(client.get("/granska").get_data(as_text=True))
    client.post(
        "/granska/avvisa",
        data={
            "csrf_token": token,
            "call_id": "esf:2",
            "id": ids[("esf:2", "Ljungby")],
            "orsak": "redan känd",
        },
    )
    client.post("/granska/alla", data=confirm_form(page))
    assert reviews(db_path) == {
        ("esf:1", "Växjö"): "pending",
        ("esf:1", "Alvesta"): "pending",
        ("esf:2", "Ljungby"): "rejected",
    }


def test_posted_ids_other_than_the_filters_change_nothing(client, db_path):
    page = confirmation(client, "tillstand=pending&kommun=Alvesta&atgard=godkann")
    form = confirm_form(page)
    ids = match_ids(db_path)
    for wrong in ([str(ids[("esf:2", "Ljungby")])], [*form["id"], str(ids[("esf:1", "Växjö")])]):
        client.post("/granska/alla", data={**form, "id": wrong})
    client.post("/granska/alla", data={**form, "id": ["x"]})
    assert set(reviews(db_path).values()) == {"pending"}


def test_matches_already_in_the_target_state_are_left_as_they_are(client, db_path):
    ids = match_ids(db_path)
    token = csrf_of(client.get("/granska").get_data(as_text=True))
    client.post(
        "/granska/avvisa",
        data={
            "csrf_token": token,
            "call_id": "esf:2",
            "id": ids[("esf:2", "Ljungby")],
            "orsak": "redan känd",
        },
    )
    page = confirmation(client, "tillstand=alla&atgard=avvisa&orsak=inte+aktuellt")
    assert "2 matchningar av 1 utlysning för Växjö, Alvesta" in page
    assert "1 matchning i urvalet är redan avvisad och ändras inte." in page
    client.post("/granska/alla", data=confirm_form(page))
    rows = match_rows(db_path)
    assert rows[("esf:2", "Ljungby")]["reason"] == "redan känd"
    assert rows[("esf:1", "Växjö")]["reason"] == "inte aktuellt"


def test_a_bulk_action_without_csrf_token_or_reason_is_refused(client, db_path):
    page = confirmation(client, "tillstand=pending&atgard=godkann")
    form = confirm_form(page)
    form.pop("csrf_token")
    assert client.post("/granska/alla", data=form).status_code == 400
    response = client.get("/granska/alla?atgard=avvisa&orsak=annat", follow_redirects=True)
    assert "Välj en orsak i listan" in response.get_data(as_text=True)
    response = client.get("/granska/alla?atgard=radera", follow_redirects=True)
    assert "Okänd åtgärd" in response.get_data(as_text=True)
    assert set(reviews(db_path).values()) == {"pending"}


def test_an_empty_selection_has_nothing_to_confirm(client, db_path):
    response = client.get("/granska/alla?kalla=okand&atgard=godkann", follow_redirects=True)
    assert "Inga matchningar i urvalet att ändra" in response.get_data(as_text=True)


def test_a_rejection_reason_outlives_the_next_match_run(client, db_path):
    """The reasons are kept for the matcher to learn from: matching the call again keeps them."""
    page = confirmation(client, "kommun=Ljungby&atgard=avvisa&orsak=fel+m%C3%A5lgrupp")
    client.post("/granska/alla", data=confirm_form(page))
    db = open_db(db_path)
    store_matches(db, [Record("esf:2", "Ljungby", score=5.0)])
    db.close()
    row = match_rows(db_path)[("esf:2", "Ljungby")]
    assert (row["review"], row["reason"], row["score"]) == ("rejected", "fel målgrupp", 5.0)
