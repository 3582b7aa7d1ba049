"""Who may do what: every route of the app (read from its url_map, so a page added later is
covered without touching this file) refuses an anonymous request and a POST without the CSRF
token, and changes nothing; the login, its rate limit, the session cookie and the headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.store import open_db
from crawler.web import auth, create_app
from crawler.web.password import set_password

from .conftest import PASSWORD, csrf_of, log_in

# The endpoints that answer without a login; adding one must be a decision, made here too.
PUBLIC = {"static", "auth.login", "public.confirm", "public.unsubscribe"}
ANONYMOUS_POST_OK = {"auth.login", "public.unsubscribe"}  # they judge the POST themselves


def _routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule and method of the app, with sample arguments."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            url = rule.build({name: "1" for name in rule.arguments}, append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url))
    return found


def _snapshot(db_path: Path) -> dict[str, list[dict]]:
    db = open_db(db_path)
    try:
        return {name: list(db[name].rows) for name in db.table_names()}
    finally:
        db.close()


def test_only_the_public_pages_are_public():
    assert auth.PUBLIC_ENDPOINTS == PUBLIC
    assert auth.CSRF_EXEMPT == {"public.unsubscribe"}


def test_every_private_route_refuses_an_anonymous_request(app, anonymous, db_path):
    before = _snapshot(db_path)
    private = [r for r in _routes(app) if r[0] not in PUBLIC]
    assert {"calls.overview", "review.page", "review.approve", "auth.logout"} <= {
        endpoint for endpoint, _, _ in private
    }
    for endpoint, method, url in private:
        response = anonymous.open(url, method=method, data={"call_id": "esf:1", "id": "1"})
        text = response.get_data(as_text=True)
        if method == "GET":
            assert response.status_code == 303, endpoint
            assert response.headers["Location"].startswith("/logga-in?nasta="), endpoint
        else:
            assert response.status_code == 403, (endpoint, method)
            assert "logga in" in text
        assert "Utlysning 1" not in text and "Växjö" not in text, endpoint
    assert _snapshot(db_path) == before


def test_a_post_with_a_stolen_csrf_token_but_no_login_is_refused(anonymous, client, db_path):
    token = csrf_of(client.get("/granska").get_data(as_text=True))
    anonymous.get("/logga-in")
    response = anonymous.post("/granska/godkann", data={"csrf_token": token, "call_id": "esf:1"})
    assert response.status_code == 403


def test_every_post_without_the_csrf_token_is_refused_and_changes_nothing(app, client, db_path):
    before = _snapshot(db_path)
    posts = [r for r in _routes(app) if r[1] not in ("GET",) and r[0] not in auth.CSRF_EXEMPT]
    assert {"review.approve", "review.reject", "review.note", "auth.logout", "auth.login"} <= {
        endpoint for endpoint, _, _ in posts
    }
    form = {"call_id": "esf:1", "id": "1", "orsak": "annat", "fritext": "x", "anteckning": "x"}
    for endpoint, method, url in posts:
        for token in ({}, {"csrf_token": "forged"}):
            response = client.open(url, method=method, data={**form, **token})
            assert response.status_code == 400, (endpoint, method, token)
            assert "inget ändrades" in response.get_data(as_text=True)
    assert _snapshot(db_path) == before
    assert client.get("/granska").status_code == 200  # the refused logout logged nobody out


def test_after_login_the_page_asked_for_is_shown(anonymous):
    wanted = anonymous.get("/granska?kommun=Alvesta").headers["Location"]
    page = anonymous.get(wanted).get_data(as_text=True)
    assert "<h1>Logga in</h1>" in page and '<label for="losenord">Lösenord</label>' in page
    assert 'name="nasta" value="/granska?kommun=Alvesta"' in page
    form = {"csrf_token": csrf_of(page), "losenord": PASSWORD, "nasta": "/granska?kommun=Alvesta"}
    response = anonymous.post("/logga-in", data=form)
    assert response.status_code == 303
    assert response.headers["Location"] == "/granska?kommun=Alvesta"
    assert "Granska matchningar" in anonymous.get("/granska").get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_the_login_never_sends_the_browser_to_another_site(anonymous, target):
    page = anonymous.get("/logga-in").get_data(as_text=True)
    form = {"csrf_token": csrf_of(page), "losenord": PASSWORD, "nasta": target}
    response = anonymous.post("/logga-in", data=form)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_wrong_password_is_refused_in_swedish(anonymous):
    response = log_in(anonymous, "fel lösenord här")
    assert response.status_code == 401
    assert "Fel lösenord." in response.get_data(as_text=True)
    assert anonymous.get("/granska").status_code == 303


def test_a_login_post_without_the_login_pages_token_is_refused(anonymous):
    response = anonymous.post("/logga-in", data={"losenord": PASSWORD})
    assert response.status_code == 400
    assert anonymous.get("/").status_code == 303


def test_five_failures_in_five_minutes_block_the_address(app, anonymous):
    now = [1000.0]
    limiter = app.extensions["utlys_login_limiter"]
    limiter.clock = lambda: now[0]
    for _ in range(5):
        assert log_in(anonymous, "gissning-123").status_code == 401
    blocked = log_in(anonymous, PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert "För många misslyckade inloggningar. Vänta 5 minuter" in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) == 300
    assert anonymous.get("/granska").status_code == 303
    now[0] += 301
    assert log_in(anonymous, PASSWORD).status_code == 303
    assert anonymous.get("/granska").status_code == 200


def test_the_limit_counts_per_client_address(app):
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "192.0.2.1"
    for _ in range(5):
        log_in(guesser, "gissning-123")
    assert log_in(guesser, PASSWORD).status_code == 429
    coordinator = app.test_client()  # from 127.0.0.1
    assert log_in(coordinator).status_code == 303


def test_logging_out_ends_the_session(client):
    page = client.get("/granska").get_data(as_text=True)
    assert "Logga ut" in page
    response = client.post("/logga-ut", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303 and response.headers["Location"] == "/logga-in"
    assert "Du är utloggad." in client.get("/logga-in").get_data(as_text=True)
    assert client.get("/granska").status_code == 303


def test_a_new_password_ends_the_sessions_of_the_old_one(db_path, needs_file, monkeypatch):
    monkeypatch.delenv("UTLYS_WEB_PASSWORD")
    set_password(db_path, "första lösenordet")
    app = create_app(db_path, needs_path=needs_file)
    client = app.test_client()
    assert log_in(client, "första lösenordet").status_code == 303
    assert client.get("/granska").status_code == 200
    set_password(db_path, "andra lösenordet")
    assert client.get("/granska").status_code == 303
    assert log_in(client, "första lösenordet").status_code == 401
    assert log_in(client, "andra lösenordet").status_code == 303


def test_without_a_password_nobody_logs_in(db_path, needs_file, monkeypatch):
    monkeypatch.delenv("UTLYS_WEB_PASSWORD")
    client = create_app(db_path, needs_path=needs_file).test_client()
    for guess in ("", PASSWORD):
        assert log_in(client, guess).status_code == 401
    assert client.get("/").status_code == 303


def test_the_session_cookie_is_httponly_samesite_and_secure_only_for_https(
    anonymous, db_path, needs_file, tmp_path
):
    cookie = log_in(anonymous).headers["Set-Cookie"]
    assert cookie.startswith("utlys_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    settings = tmp_path / "https.yaml"
    settings.write_text("web:\n  base_url: https://utlys.example.se\n", encoding="utf-8")
    secure = create_app(db_path, needs_path=needs_file, settings_path=settings)
    response = log_in(secure.test_client(), base_url="https://utlys.example.se")
    assert response.status_code == 303
    assert "; Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("path", ["/logga-in", "/granska", "/avregistrera", "/finns-inte"])
def test_every_answer_forbids_scripts_framing_and_sniffing(client, anonymous, path):
    for who in (client, anonymous):
        headers = who.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_no_template_has_inline_script_or_style():
    """The policy allows neither, so an inline one would silently not work."""
    templates = Path(auth.__file__).parent / "templates"
    inline = re.compile(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)
    offenders = [p.name for p in templates.glob("*.html") if inline.search(p.read_text("utf-8"))]
    assert offenders == []


def test_a_blueprint_added_later_is_private_and_csrf_checked_without_doing_anything(app):
    from flask import Blueprint

    later = Blueprint("later", __name__)
    changed: list[str] = []
    later.add_url_rule("/senare", "page", lambda: "Utskick")
    later.add_url_rule(
        "/senare/skicka", "send", lambda: changed.append("sent") or "ok", methods=["POST"]
    )
    app.register_blueprint(later)
    anonymous = app.test_client()
    assert anonymous.get("/senare").status_code == 303
    assert anonymous.post("/senare/skicka").status_code == 403
    client = app.test_client()
    log_in(client)
    assert client.get("/senare").get_data(as_text=True) == "Utskick"
    assert client.post("/senare/skicka").status_code == 400
    assert changed == []
    token = csrf_of(client.get("/").get_data(as_text=True))  # the logout form's token
    assert client.post("/senare/skicka", data={"csrf_token": token}).status_code == 200
    assert changed == ["sent"]
