"""The public unsubscribe page: a signed link shows a confirm page, a POST (the page's button or
a mail client's one-click request) unsubscribes, a forged token changes nothing."""

from __future__ import annotations

import os
import re
import stat
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.config import ConfigError
from crawler.store import open_db
from crawler.web import create_app
from digest import subscribers
from digest.options import digest_options, mail_options
from digest.unsubscribe import secret_path, unsubscribe_token, unsubscribe_url

VAXJO = "utlysningar@vaxjo.example.se"


def _link(app, address=VAXJO, list_name="Växjö") -> str:
    url = unsubscribe_url("http://localhost", address, list_name, app.config["UTLYS_SECRET"])
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _active(db_path, municipality, address) -> bool:
    db = open_db(db_path)
    try:
        return subscribers.is_active(db, municipality, address)
    finally:
        db.close()


def test_the_link_shows_a_confirm_page_and_a_get_changes_nothing(app, client, db_path):
    response = client.get(_link(app))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Vill du sluta få utskicken till Växjö till <strong>utlysningar@vaxjo" in text
    assert "Ja, avregistrera mig" in text
    assert "Granska" not in text  # the public page shows none of the coordinator's pages
    assert _active(db_path, "Växjö", VAXJO)


def test_the_confirm_button_unsubscribes_an_address_listed_in_needs_yaml(app, db_path):
    client = app.test_client()
    page = client.get(_link(app)).get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    response = client.post("/avregistrera", data=fields)
    assert response.status_code == 200
    assert "Du är avregistrerad" in response.get_data(as_text=True)
    assert not _active(db_path, "Växjö", VAXJO)
    assert _active(db_path, "Alvesta", "post@alvesta.example.se")


def test_a_one_click_post_from_a_mail_client_unsubscribes(app, db_path):
    """RFC 8058: the client POSTs List-Unsubscribe=One-Click to the link, with no cookie."""
    response = app.test_client().post(
        _link(app, "post@alvesta.example.se", "alvesta"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not _active(db_path, "Alvesta", "post@alvesta.example.se")
    assert _active(db_path, "Växjö", VAXJO)


def test_the_newsletter_list_can_be_left(app, db_path):
    link = _link(app, "styrgrupp@vaxjo.example.se", "*")
    assert parse_qs(urlsplit(link).query)["lista"] == ["*"]
    page = app.test_client().get(link).get_data(as_text=True)
    assert "nyhetsbrevet" in page
    assert app.test_client().post(link).status_code == 200
    assert not _active(db_path, "*", "styrgrupp@vaxjo.example.se")


def test_a_forged_unsubscribe_token_changes_nothing(app, client, db_path):
    good = _link(app)
    forged = [
        good.replace(parse_qs(urlsplit(good).query)["token"][0], "0" * 32),
        # A real token of one address does not unsubscribe another, nor another list.
        good.replace("utlysningar%40vaxjo", "chef%40vaxjo"),
        good.replace("lista=V%C3%A4xj%C3%B6", "lista=Alvesta"),
        "/avregistrera?adress=utlysningar%40vaxjo.example.se&lista=V%C3%A4xj%C3%B6",
        "/avregistrera",
    ]
    for link in forged:
        assert client.get(link).status_code == 403, link
        response = client.post(link, data="List-Unsubscribe=One-Click")
        assert response.status_code == 403, link
        assert "ingenting ändrades" in response.get_data(as_text=True)
    assert _active(db_path, "Växjö", VAXJO)
    assert _active(db_path, "Alvesta", "post@alvesta.example.se")


def test_a_valid_link_for_an_address_on_no_list_says_so(app, db_path):
    response = app.test_client().post(_link(app, "okand@example.se", "Växjö"))
    assert response.status_code == 200
    assert "Ingen prenumeration" in response.get_data(as_text=True)


def test_the_secret_is_made_once_and_kept_beside_the_database(app, db_path, needs_file):
    path = secret_path(db_path)
    assert path.parent == db_path.parent
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = create_app(db_path, needs_path=needs_file)
    assert again.config["UTLYS_SECRET"] == app.config["UTLYS_SECRET"]
    assert len(app.config["UTLYS_SECRET"]) == 64
    assert app.config["SECRET_KEY"] != app.config["UTLYS_SECRET"].encode()


def test_links_signed_by_the_digest_secret_verify_in_the_app(
    db_path, needs_file, monkeypatch: pytest.MonkeyPatch
):
    """With UTLYS_UNSUBSCRIBE_SECRET set, the digest's own tokens and the app's agree."""
    monkeypatch.setenv("UTLYS_UNSUBSCRIBE_SECRET", "s3cret")
    app = create_app(db_path, needs_path=needs_file)
    assert app.config["UTLYS_SECRET"] == "s3cret"
    template = "https://x.example.se/av?lista={municipality}&adress={email}&token={token}"
    db = open_db(db_path)
    try:
        options = mail_options({"digest": {"unsubscribe_url": template}}, db)
    finally:
        db.close()
    token = options.unsubscribe_link("Växjö", VAXJO, None).rsplit("token=", 1)[1]
    assert token == unsubscribe_token(VAXJO, "Växjö", "s3cret")


def test_without_setup_a_digest_links_to_the_apps_one_click_page(
    app, anonymous, db_path, monkeypatch: pytest.MonkeyPatch
):
    """No secret in the environment: the digest and the app share the file beside the database,
    and web.base_url puts the app's own page in List-Unsubscribe."""
    monkeypatch.delenv("UTLYS_UNSUBSCRIBE_SECRET", raising=False)
    db = open_db(db_path)
    try:
        options = mail_options({"web": {"base_url": "http://127.0.0.1:8080/"}}, db)
    finally:
        db.close()
    link = options.unsubscribe_link("Växjö", VAXJO, "samordnare@example.se")
    assert link.startswith("http://127.0.0.1:8080/avregistrera?")
    parts = urlsplit(link)
    response = anonymous.post(f"{parts.path}?{parts.query}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not _active(db_path, "Växjö", VAXJO)


def test_a_bad_web_base_url_is_a_one_line_error():
    with pytest.raises(ConfigError, match="web: field 'base_url': expected an http"):
        digest_options({"web": {"base_url": "javascript:alert(1)"}})


def test_unsubscribe_url_is_a_link_to_this_app():
    url = unsubscribe_url("https://utlys.example.se/", "Chef@Vaxjo.example.se", "Växjö", "k")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "utlys.example.se",
        "/avregistrera",
    )
    query = parse_qs(parts.query)
    assert query["adress"] == ["chef@vaxjo.example.se"]
    assert query["lista"] == ["Växjö"]
    assert query["token"] == [unsubscribe_token("chef@vaxjo.example.se", "växjö", "k")]
