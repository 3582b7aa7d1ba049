"""Mottagare with Flask's test client on a real SQLite file: the lists as `utlys subscribers
list` sees them, and adding and removing change exactly the rows they name and say so."""

from __future__ import annotations

from pathlib import Path

from crawler.config.needs import load_needs
from crawler.store import open_db
from digest import subscribers

from .conftest import csrf_of, log_in


def _rows(db_path: Path) -> list[dict]:
    db = open_db(db_path)
    try:
        rows = list(db["subscribers"].rows_where(order_by="id"))
    finally:
        db.close()
    return [{k: v for k, v in r.items() if k not in ("added_at", "unsubscribed_at")} for r in rows]


def _recipients(db_path: Path, needs_file: Path, municipality: str) -> list[str]:
    db = open_db(db_path)
    try:
        return [s.email for s in subscribers.recipients(db, load_needs(needs_file), municipality)]
    finally:
        db.close()


def _post(client, path: str, **form):
    token = csrf_of(client.get("/mottagare").get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, **form}, follow_redirects=True)
    return " ".join(response.get_data(as_text=True).split())


def test_the_page_lists_every_municipality_and_the_newsletter_list(client):
    page = " ".join(client.get("/mottagare").get_data(as_text=True).split())
    vaxjo = page[page.index('id="lista-växjö"') : page.index('id="lista-alvesta"')]
    assert "<strong>utlysningar@vaxjo.example.se</strong> (Växjö kommun)" in vaxjo
    assert "från needs.yaml · får utskick" in page
    ljungby = page[page.index('id="lista-ljungby"') : page.index('id="lista-manadsbrev"')]
    assert "Inga mottagare." in ljungby
    newsletter = page[page.index('id="lista-manadsbrev"') :]
    assert "Månadsbrevet" in newsletter and "styrgrupp@vaxjo.example.se" in newsletter
    assert 'aria-current="page">Mottagare<' in page


def test_adding_an_address_adds_exactly_that_row_and_says_so(client, db_path, needs_file):
    before = _rows(db_path)
    page = _post(
        client, "/mottagare/lagg-till", lista="Alvesta", adress=" Anna@Alvesta.se ", namn="Anna"
    )
    assert "Lade till anna@alvesta.se för Alvesta." in page
    after = _rows(db_path)
    assert after[: len(before)] == before and len(after) == len(before) + 1
    assert after[-1] | {"id": None} == {
        "id": None, "municipality": "Alvesta", "email": "anna@alvesta.se", "name": "Anna",
        "active": 1,
    }  # fmt: skip
    assert _recipients(db_path, needs_file, "Alvesta") == ["post@alvesta.example.se",
                                                          "anna@alvesta.se"]  # fmt: skip
    assert '<strong>anna@alvesta.se</strong> (Anna) <span class="liten">tillagd här' in page


def test_adding_to_the_newsletter_list(client, db_path, needs_file):
    page = _post(client, "/mottagare/lagg-till", lista="*", adress="kommunchef@ljungby.se")
    assert "Lade till kommunchef@ljungby.se för Månadsbrevet." in page
    assert "kommunchef@ljungby.se" in _recipients(db_path, needs_file, "*")
    assert _recipients(db_path, needs_file, "Ljungby") == []


def test_a_bad_address_is_one_swedish_line_naming_the_field_and_changes_nothing(client, db_path):
    page = _post(client, "/mottagare/lagg-till", lista="Alvesta", adress="anna på alvesta")
    assert "E-postadress: ”anna på alvesta” är ingen giltig e-postadress; inget ändrades." in page
    page = _post(client, "/mottagare/lagg-till", lista="Alvesta", adress="  ")
    assert "E-postadress: fältet är tomt; inget ändrades." in page
    page = _post(client, "/mottagare/lagg-till", lista="Stockholm", adress="a@stockholm.se")
    assert "Lista: ”Stockholm” finns inte i needs.yaml; inget ändrades." in page
    assert _rows(db_path) == []


def test_removing_an_address_from_needs_yaml_stops_its_mail_and_nothing_else(
    client, db_path, needs_file
):
    page = _post(client, "/mottagare/ta-bort", lista="Alvesta", adress="post@alvesta.example.se")
    assert "Tog bort post@alvesta.example.se från Alvesta; adressen får inga fler utskick." in page
    rows = _rows(db_path)
    assert [(r["municipality"], r["email"], r["active"]) for r in rows] == [
        ("Alvesta", "post@alvesta.example.se", 0)
    ]
    assert _recipients(db_path, needs_file, "Alvesta") == []
    assert _recipients(db_path, needs_file, "Växjö") == ["utlysningar@vaxjo.example.se"]
    assert (
        "borttagen, får inga utskick" in page and "Lägg till post@alvesta.example.se igen" in page
    )
    again = _post(client, "/mottagare/lagg-till", lista="Alvesta", adress="post@alvesta.example.se")
    assert "Lade till post@alvesta.example.se för Alvesta igen." in again
    assert _recipients(db_path, needs_file, "Alvesta") == ["post@alvesta.example.se"]


def test_removing_an_address_not_on_the_list_changes_nothing(client, db_path):
    page = _post(client, "/mottagare/ta-bort", lista="Växjö", adress="post@alvesta.example.se")
    assert "post@alvesta.example.se finns inte på listan för Växjö; inget ändrades." in page
    assert _rows(db_path) == []


def test_anonymous_requests_are_refused_and_change_nothing(anonymous, db_path):
    response = anonymous.get("/mottagare")
    assert response.status_code == 303 and "/logga-in" in response.headers["Location"]
    for path in ("/mottagare/lagg-till", "/mottagare/ta-bort"):
        response = anonymous.post(path, data={"lista": "Alvesta", "adress": "a@alvesta.se"})
        assert response.status_code == 403
    assert _rows(db_path) == []


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(app, db_path):
    client = app.test_client()
    log_in(client)
    for path in ("/mottagare/lagg-till", "/mottagare/ta-bort"):
        response = client.post(path, data={"lista": "Alvesta", "adress": "post@alvesta.example.se"})
        assert response.status_code == 400
    assert _rows(db_path) == []
