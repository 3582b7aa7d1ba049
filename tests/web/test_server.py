"""End to end over HTTP: the app served by waitress on 127.0.0.1 (port 0) in a thread, used
with urllib as a browser would: log in, read the page, post the approve form with its CSRF token
and the session cookie, see the database change; and a mail client's one-click unsubscribe."""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from crawler.store import open_db
from crawler.web import make_server
from digest import subscribers
from digest.unsubscribe import unsubscribe_url

from .conftest import PASSWORD, csrf_of, match_ids, match_rows


@pytest.fixture
def base_url(app):
    server = make_server(app, "127.0.0.1", 0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        # The worker threads first: one still finishing a reply pulls the trigger that
        # close() shuts (EBADF in a waitress thread).
        server.task_dispatcher.shutdown()
        server.close()
        thread.join(timeout=5)


def _browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _logged_in(base_url: str) -> urllib.request.OpenerDirector:
    browser = _browser()
    page = browser.open(f"{base_url}/logga-in", timeout=10).read().decode("utf-8")
    form = urllib.parse.urlencode({"csrf_token": csrf_of(page), "losenord": PASSWORD}).encode()
    with browser.open(f"{base_url}/logga-in", data=form, timeout=10) as response:
        assert response.url.rstrip("/") == base_url  # the 303 to Översikt was followed
    return browser


def test_approving_over_http_with_the_pages_csrf_token_changes_the_database(base_url, db_path):
    browser = _logged_in(base_url)
    with browser.open(f"{base_url}/granska", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        page = response.read().decode("utf-8")
    assert "Utlysning 1 för långtidsarbetslösa" in page
    ids = match_ids(db_path)
    form = urllib.parse.urlencode(
        [
            ("csrf_token", csrf_of(page)),
            ("call_id", "esf:1"),
            ("id", ids[("esf:1", "Växjö")]),
            ("id", ids[("esf:1", "Alvesta")]),
        ]
    ).encode()
    with browser.open(f"{base_url}/granska/godkann", data=form, timeout=10) as response:
        assert response.status == 200  # after the 303 back to the list
        assert "Godkänd för Växjö, Alvesta." in response.read().decode("utf-8")
    rows = match_rows(db_path)
    assert rows[("esf:1", "Växjö")]["review"] == "approved"
    assert rows[("esf:1", "Alvesta")]["review"] == "approved"
    assert rows[("esf:2", "Ljungby")]["review"] == "pending"


def test_a_post_over_http_without_the_session_is_refused(base_url, db_path):
    page = _logged_in(base_url).open(f"{base_url}/granska", timeout=10).read().decode("utf-8")
    form = urllib.parse.urlencode({"csrf_token": csrf_of(page), "call_id": "esf:1", "id": 1})
    with pytest.raises(urllib.error.HTTPError) as refused:
        _browser().open(f"{base_url}/granska/godkann", data=form.encode(), timeout=10)
    assert refused.value.code == 403
    refused.value.close()
    assert {row["review"] for row in match_rows(db_path).values()} == {"pending"}


def test_a_one_click_unsubscribe_over_http(base_url, app, db_path):
    url = unsubscribe_url(
        base_url, "utlysningar@vaxjo.example.se", "Växjö", app.config["UTLYS_SECRET"]
    )
    request = urllib.request.Request(
        url,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    db = open_db(db_path)
    try:
        assert not subscribers.is_active(db, "Växjö", "utlysningar@vaxjo.example.se")
    finally:
        db.close()
