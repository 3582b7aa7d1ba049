"""Översikt and Utlysningar: search with prefixes, a call's history and matches, what waits."""

from __future__ import annotations

from crawler.store import open_db, record_run, save_calls

from .conftest import make_call


def test_search_finds_a_word_by_its_beginning(client):
    page = client.get("/utlysningar?q=studi").get_data(as_text=True)
    assert "Unga till studier" in page and "Utlysning 1" not in page
    assert "1 utlysning för ”studi”" in page


def test_search_arbetslos_finds_arbetslosa(client, db_path):
    db = open_db(db_path)
    save_calls(db, "mucf", [make_call(7, id="mucf:7", source="mucf", title="Stöd för arbetslösa")])
    db.close()
    page = client.get("/utlysningar?q=arbetsl%C3%B6s").get_data(as_text=True)
    assert "Stöd för arbetslösa" in page
    assert "Unga till studier" not in page


def test_search_text_with_fts_operators_is_read_as_plain_words(client):
    for query in ("studier*", "-studier", "(studier", "studier)", "^studi"):
        response = client.get("/utlysningar", query_string={"q": query})
        assert response.status_code == 200, query
        assert "Unga till studier" in response.get_data(as_text=True), query
    for query in ('"', '""', "*", "OR", "studier OR", "NEAR(", "title:unga"):
        assert client.get("/utlysningar", query_string={"q": query}).status_code == 200, query


def test_a_call_page_shows_its_history_and_matches(client, db_path):
    db = open_db(db_path)
    save_calls(db, "esf", [make_call(1, deadline="2026-12-15"), make_call(2, title="Unga")])
    db.close()
    page = client.get("/utlysningar/esf:1").get_data(as_text=True)
    assert "<td>Sista ansökningsdag</td><td>1 december 2026</td><td>15 december 2026</td>" in page
    assert "<h3>Växjö" in page and "<h3>Alvesta" in page
    assert "Behov:</strong> Långtidsarbetslösa" in page
    assert "15 december 2026 (22 dagar kvar)" in page


def test_an_unknown_call_is_not_found(client):
    response = client.get("/utlysningar/esf:999")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)


def test_call_ids_with_slashes_and_question_marks_have_pages(client, db_path):
    db = open_db(db_path)
    save_calls(
        db, "bra", [make_call(5, id="bra:/bidrag/sok?id=5", source="bra", title="Brå-bidrag")]
    )
    db.close()
    listing = client.get("/utlysningar?q=br%C3%A5").get_data(as_text=True)
    assert 'href="/utlysningar/bra:/bidrag/sok%3Fid=5"' in listing
    assert "Brå-bidrag" in client.get("/utlysningar/bra:/bidrag/sok%3Fid%3D5").get_data(
        as_text=True
    )


def test_the_overview_shows_what_waits_what_closes_soon_and_what_failed(client, db_path):
    db = open_db(db_path)
    record_run(db, {"source": "esf", "started": "2026-11-22T06:00:00+00:00", "status": "ok"})
    record_run(
        db,
        {
            "source": "mucf",
            "started": "2026-11-22T06:00:00+00:00",
            "status": "failed",
            "error": "HTTP 503 på listningssidan",
        },
    )
    db.close()
    page = client.get("/").get_data(as_text=True)
    assert "3 matchningar att granska" in page
    assert "Växjö</a>:\n      1 matchning på 1 utlysning" in page
    assert "Utlysning 1 för långtidsarbetslösa" in page  # 1 december: within 14 days
    assert "Unga till studier" not in page  # no deadline
    assert "<strong>mucf</strong>: misslyckades 22 november 2026 – HTTP 503" in page
    assert "<strong>esf</strong>" not in page


def test_the_list_of_calls_filters_by_status(client, db_path):
    db = open_db(db_path)
    save_calls(
        db, "mucf", [make_call(8, id="mucf:8", source="mucf", title="Planerad", status="planned")]
    )
    db.close()
    page = client.get("/utlysningar?status=planned").get_data(as_text=True)
    assert "Planerad</a>" in page and "Utlysning 1" not in page
    assert '<option value="planned" selected>Planerad</option>' in page


def _listed_titles(client, query: str) -> list[str]:
    import re

    page = client.get(f"/utlysningar?{query}").get_data(as_text=True)
    return re.findall(r'<a href="[^"]*">([^<]+)</a>\s*<span class="liten">', page)


def test_the_list_filters_by_funder_county_and_deadline_range_and_exports_the_same(client, db_path):
    db = open_db(db_path)
    save_calls(
        db,
        "tillvaxtverket",
        [
            make_call(20, id="tvv:20", source="tillvaxtverket", funder="Tillväxtverket",
                      title="Skåne bara", regions=["Skåne"], deadline="2027-01-15"),
            make_call(21, id="tvv:21", source="tillvaxtverket", funder="Tillväxtverket",
                      title="Hela landet", regions=["Nationell"], deadline="2027-03-01"),
        ],
    )  # fmt: skip
    db.close()
    assert _listed_titles(client, "finansiar=Tillv%C3%A4xtverket") == ["Skåne bara", "Hela landet"]
    # Kronoberg: its own ESF region (esf:1) and the whole country, not Skåne; esf:2 names the
    # same region
    kronoberg = _listed_titles(client, "lan=Kronoberg")
    assert "Skåne bara" not in kronoberg and "Hela landet" in kronoberg
    assert "Utlysning 1 för långtidsarbetslösa" in kronoberg
    # a deadline range leaves out calls without a deadline ("Unga till studier")
    assert _listed_titles(client, "fran=2027-01-01&till=2027-02-01") == ["Skåne bara"]
    csv = client.get("/utlysningar.csv?fran=2027-01-01&till=2027-02-01").get_data(as_text=True)
    assert "Skåne bara" in csv and "Hela landet" not in csv and "Utlysning 1" not in csv


def test_a_bad_date_in_the_filter_is_said_in_swedish_and_ignored(client):
    page = client.get("/utlysningar?fran=2027-13-01").get_data(as_text=True)
    assert "Datumet ”2027-13-01” kunde inte läsas" in page
    assert "Utlysning 1 för långtidsarbetslösa" in page
