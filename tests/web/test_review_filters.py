"""Granska's filters (state, municipality, source, need, deadline) and its pages of ten calls:
each filter narrows the list to exactly the right cards, and filters survive actions and paging."""

from __future__ import annotations

import re

import pytest

from crawler.store import open_db, save_calls
from crawler.store.matches import store_matches

from .conftest import Record, csrf_of, make_call, match_ids


@pytest.fixture
def more_calls(db_path):
    """Besides esf:1 (1 Dec, Växjö + Alvesta) and esf:2 (no deadline, Ljungby): mucf:5 (15 Dec,
    Växjö, need uvas) and bra:6 (1 Feb 2027, Alvesta)."""
    db = open_db(db_path)
    save_calls(
        db,
        "mucf",
        [make_call(5, id="mucf:5", source="mucf", title="MUCF-stöd", deadline="2026-12-15")],
    )
    save_calls(
        db, "bra", [make_call(6, id="bra:6", source="bra", title="Brå-stöd", deadline="2027-02-01")]
    )
    store_matches(db, [Record("mucf:5", "Växjö", need_ids=["uvas"]), Record("bra:6", "Alvesta")])
    db.close()
    return db_path


def card_ids(page: str) -> list[str]:
    return re.findall(r'<article class="kort" id="([^"]+)"', page)


def shown(client, query: str) -> list[str]:
    response = client.get("/granska?" + query)
    assert response.status_code == 200
    return card_ids(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("query", "cards"),
    [
        ("", ["c-esf-1", "c-mucf-5", "c-bra-6", "c-esf-2"]),
        ("kalla=mucf", ["c-mucf-5"]),
        ("kalla=esf", ["c-esf-1", "c-esf-2"]),
        ("behov=uvas", ["c-mucf-5", "c-esf-2"]),
        ("frist=14", ["c-esf-1"]),
        ("frist=30", ["c-esf-1", "c-mucf-5"]),
        ("fran=2027-01-01&till=2027-03-01", ["c-bra-6"]),
        ("fran=2026-12-10", ["c-mucf-5", "c-bra-6"]),
        ("till=2026-12-10", ["c-esf-1"]),
        ("kommun=alvesta&behov=langtidsarbetslosa", ["c-esf-1", "c-bra-6"]),
        ("kommun=V%C3%A4XJ%C3%96&frist=30&kalla=mucf", ["c-mucf-5"]),
        ("kalla=okand", []),
    ],
)
def test_each_filter_narrows_the_list_to_the_right_calls(client, more_calls, query, cards):
    assert shown(client, query) == cards


def test_a_municipality_filter_shows_only_its_matches_on_a_card(client, more_calls):
    page = client.get("/granska?kommun=Alvesta").get_data(as_text=True)
    assert "<h3>Alvesta" in page and "<h3>Växjö" not in page
    assert "2 matchningar av 2 utlysningar i urvalet (Alvesta)" in page


def test_within_days_wins_over_dates_and_an_unreadable_date_is_said_and_left_out(
    client, more_calls
):
    assert shown(client, "frist=14&fran=2027-01-01") == ["c-esf-1"]
    response = client.get("/granska?fran=1%20dec&kalla=bra")
    assert "Datumet ”1 dec” kunde inte läsas" in response.get_data(as_text=True)
    assert card_ids(response.get_data(as_text=True)) == ["c-bra-6"]


def test_the_filter_form_shows_the_chosen_values(client, more_calls):
    page = client.get("/granska?kalla=mucf&behov=uvas&frist=30").get_data(as_text=True)
    assert '<option value="mucf" selected>' in page
    assert '<option value="uvas" selected>Unga som varken arbetar eller studerar' in page
    assert '<option value="30" selected>Inom 30 dagar' in page


def test_an_action_returns_to_the_same_filtered_list(client, more_calls):
    ids = match_ids(more_calls)
    query = "tillstand=pending&kalla=mucf&behov=uvas&frist=30"
    token = csrf_of(client.get("/granska?" + query).get_data(as_text=True))
    response = client.post(
        "/granska/godkann",
        data={
            "csrf_token": token,
            "call_id": "mucf:5",
            "id": ids[("mucf:5", "Växjö")],
            "tillstand": "pending",
            "kalla": "mucf",
            "behov": "uvas",
            "frist": "30",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/granska?" + query + "#c-mucf-5")


def test_every_form_on_the_page_carries_the_filter(client, more_calls):
    page = client.get("/granska?kalla=esf&frist=30").get_data(as_text=True)
    forms = re.findall(r'<form method="post".*?</form>', page, re.S)
    assert forms
    for form in forms:
        assert '<input type="hidden" name="kalla" value="esf">' in form
        assert '<input type="hidden" name="frist" value="30">' in form


@pytest.fixture
def many_calls(db_path):
    """60 more calls from source "many", each matched to Växjö, deadlines in date order."""
    db = open_db(db_path)
    calls = [
        make_call(100 + n, id=f"many:{n:02d}", source="many", deadline=f"2027-03-{n % 28 + 1:02d}")
        for n in range(56)
    ] + [make_call(200 + n, id=f"many:x{n}", source="many", deadline=None) for n in range(4)]
    save_calls(db, "many", calls)
    store_matches(db, [Record(call.id, "Växjö") for call in calls])
    db.close()
    return db_path


def test_the_list_is_paged_ten_calls_a_page_with_the_filters_kept(client, many_calls):
    first = client.get("/granska?kalla=many&kommun=V%C3%A4xj%C3%B6").get_data(as_text=True)
    assert len(card_ids(first)) == 10
    assert "60 matchningar av 60 utlysningar i urvalet" in first
    assert "Sida 1 av 6" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first)[1].replace("&amp;", "&")
    assert "kalla=many" in next_link and "sida=2" in next_link and "kommun=" in next_link
    second = client.get(next_link).get_data(as_text=True)
    rest = [
        client.get(next_link.replace("sida=2", f"sida={n}")).get_data(as_text=True)
        for n in (3, 4, 5, 6)
    ]
    pages = [card_ids(p) for p in (first, second, *rest)]
    assert [len(p) for p in pages] == [10] * 6
    assert len({card for p in pages for card in p}) == 60  # every call once
    assert pages[5][-4:] == [f"c-many-x{n}" for n in range(4)]  # no deadline last
    assert (
        'rel="prev"' in second
        and "sida=" not in re.search(r'<a href="([^"]+)" rel="prev">', second)[1]
    )


def test_a_page_past_the_end_shows_the_last_page(client, many_calls):
    page = client.get("/granska?kalla=many&sida=99").get_data(as_text=True)
    assert "Sida 6 av 6" in page and len(card_ids(page)) == 10
    assert client.get("/granska?sida=x").status_code == 200


def test_an_action_on_page_two_returns_to_page_two(client, many_calls):
    page = client.get("/granska?kalla=many&sida=2").get_data(as_text=True)
    assert '<input type="hidden" name="sida" value="2">' in page
    call_id = card_ids(page)[0]
    match_id = re.search(
        rf'id="{call_id}".*?<input type="hidden" name="id" value="(\d+)">', page, re.S
    )[1]
    real_id = call_id.removeprefix("c-").replace("many-", "many:")
    response = client.post(
        "/granska/godkann",
        data={
            "csrf_token": csrf_of(page),
            "call_id": real_id,
            "id": match_id,
            "tillstand": "pending",
            "kalla": "many",
            "sida": "2",
        },
    )
    assert response.headers["Location"].endswith(
        f"/granska?tillstand=pending&kalla=many&sida=2#{call_id}"
    )
