"""Export of Utlysningar's filtered list: the links carry the list's filters, and the CSV and the
calendar hold exactly the calls the list shows, in its order."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

from crawler.store import open_db, save_calls
from digest.message import event_uid

from .conftest import make_call


def listed_titles(client, query: str) -> list[str]:
    page = client.get("/utlysningar?" + query).get_data(as_text=True)
    return [unescape(t) for t in re.findall(r'<a href="/utlysningar/[^"]+">([^<]+)</a>', page)]


def csv_rows(client, query: str) -> list[dict[str, str]]:
    response = client.get("/utlysningar.csv?" + query)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel set to Swedish reads UTF-8 only with a BOM
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def add_calls(db_path) -> None:
    db = open_db(db_path)
    save_calls(
        db,
        "mucf",
        [
            make_call(
                7,
                id="mucf:7",
                source="mucf",
                title='=HYPERLINK("x") studiestöd',
                status="planned",
                deadline="2027-01-10",
            ),
            make_call(
                8,
                id="mucf:8",
                source="mucf",
                title="Stängd studieresa",
                status="closed",
                deadline="2026-10-01",
            ),
        ],
    )
    db.close()


def test_the_list_page_links_to_exports_with_its_filters(client):
    page = client.get("/utlysningar?q=studi&status=open").get_data(as_text=True)
    assert 'href="/utlysningar.csv?q=studi&amp;status=open"' in page
    assert 'href="/utlysningar.ics?q=studi&amp;status=open"' in page


def test_the_csv_holds_exactly_the_listed_calls_in_their_order(client, db_path):
    add_calls(db_path)
    for query in ("", "q=studi", "status=planned", "status=closed", "q=utlysning&status=open"):
        listed = listed_titles(client, query)
        exported = [row["title"] for row in csv_rows(client, query)]
        assert exported == [t if not t.startswith("=") else "'" + t for t in listed], query
    assert sorted(r["id"] for r in csv_rows(client, "q=studi")) == ["esf:2", "mucf:7", "mucf:8"]
    assert [r["id"] for r in csv_rows(client, "q=studi&status=closed")] == ["mucf:8"]


def test_a_formula_in_a_scraped_title_is_defused_in_the_csv(client, db_path):
    add_calls(db_path)
    row = next(r for r in csv_rows(client, "status=planned"))
    assert row["title"] == '\'=HYPERLINK("x") studiestöd'


def test_the_calendar_has_one_event_per_listed_call_with_a_deadline(client, db_path):
    add_calls(db_path)
    response = client.get("/utlysningar.ics?q=studi")
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    # Listed: mucf:7 (10 Jan 2027), mucf:8 (1 Oct 2026) and esf:2 (no deadline: no event).
    assert text.count("BEGIN:VEVENT") == 2
    assert event_uid("mucf:7") in text and event_uid("mucf:8") in text
    assert event_uid("esf:1") not in text
    assert "DTSTART;VALUE=DATE:20270110" in text
    planned = client.get("/utlysningar.ics?status=planned").get_data(as_text=True)
    assert planned.count("BEGIN:VEVENT") == 1 and event_uid("mucf:7") in planned


def test_an_export_needs_the_login(anonymous):
    for path in ("/utlysningar.csv", "/utlysningar.ics"):
        response = anonymous.get(path)
        assert response.status_code in (303, 403)
        assert "Utlysning 1" not in response.get_data(as_text=True)
