"""A call's page links the rounds of a reused page both ways: the new round to the one before,
the old round to the one that followed it."""

from __future__ import annotations

from crawler.store import open_db, save_calls

from .conftest import make_call


def test_the_pages_of_two_rounds_link_to_each_other(client, db_path):
    db = open_db(db_path)
    old = dict(id="esf:9", status="closed", opens_on="2025-10-01", deadline="2025-11-15")
    save_calls(db, "esf", [make_call(9, **old)], seen_at="2025-10-05T06:00:00+00:00")
    new = dict(id="esf:9", status="open", opens_on="2026-10-01", deadline="2026-12-15")
    (new_id,) = save_calls(db, "esf", [make_call(9, **new)], seen_at="2026-11-16T06:00:00").new
    db.close()
    page = client.get(f"/utlysningar/{new_id}").get_data(as_text=True)
    assert "Ny omgång av en utlysning från 2025." in page
    assert 'href="/utlysningar/esf:9">Föregående omgång</a>' in page
    old_page = client.get("/utlysningar/esf:9").get_data(as_text=True)
    assert f'href="/utlysningar/{new_id}">Nästa omgång</a>' in old_page
    assert "Föregående omgång" not in old_page


def test_a_new_round_says_so_on_its_review_card(client, db_path):
    from crawler.store.matches import store_matches

    from .conftest import Record

    db = open_db(db_path)
    old = dict(id="esf:9", status="closed", opens_on="2025-10-01", deadline="2025-11-15")
    save_calls(db, "esf", [make_call(9, **old)], seen_at="2025-10-05T06:00:00+00:00")
    new = dict(id="esf:9", status="open", opens_on="2026-10-01", deadline="2026-12-15")
    (new_id,) = save_calls(db, "esf", [make_call(9, **new)], seen_at="2026-11-16T06:00:00").new
    store_matches(db, [Record(new_id, "Växjö")])
    db.close()
    page = client.get("/granska?kommun=V%C3%A4xj%C3%B6").get_data(as_text=True)
    assert '<p class="omgang">Ny omgång av en utlysning från 2025.</p>' in page
