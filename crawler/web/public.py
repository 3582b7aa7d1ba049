"""The public pages, which answer without a login: unsubscribing from a digest or the newsletter.

``GET /avregistrera?lista=..&adress=..&token=..`` shows a confirm page; ``POST`` to the same
address unsubscribes, from the confirm page's button or from a mail client's one-click request
(RFC 8058: a POST with the body ``List-Unsubscribe=One-Click``). The token is the authority, not
a session: no CSRF token is asked for here, and a token that does not match the address and the
list gets 403 and changes nothing. Unsubscribing goes through digest.subscribers, the one place
that knows what it means (a row with active = 0, also for an address listed only in needs.yaml).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from crawler.config import ConfigError
from crawler.web import common
from digest import subscribers
from digest.unsubscribe import NEWSLETTER, list_key, verify_unsubscribe_token

bp = Blueprint("public", __name__)


def _params() -> tuple[str, str, str]:
    values = request.values  # the query string of the link, or the confirm form's fields
    address = " ".join(values.get("adress", "").split()).lower()
    return address, list_key(values.get("lista", "")), values.get("token", "").strip()


def _list_label(list_name: str) -> str:
    return (
        "nyhetsbrevet (månadsbrevet)" if list_name == NEWSLETTER else f"utskicken till {list_name}"
    )


def _refused():
    return (
        render_template(
            "unsubscribe.html",
            step="refused",
            address="",
            list_label="",
            fields={},
        ),
        403,
    )


def _verified() -> tuple[str, str, str] | None:
    address, list_name, token = _params()
    secret = current_app.config["UTLYS_SECRET"]
    if not verify_unsubscribe_token(address, list_name, token, secret):
        return None
    return address, list_name, token


@bp.get("/avregistrera")
def confirm():
    found = _verified()
    if found is None:
        return _refused()
    address, list_name, token = found
    return render_template(
        "unsubscribe.html",
        step="confirm",
        address=address,
        list_label=_list_label(list_name),
        fields={"adress": address, "lista": list_name, "token": token},
    )


@bp.post("/avregistrera")
def unsubscribe():
    found = _verified()
    if found is None:
        return _refused()
    address, list_name, _token = found
    inv = common.inventory()
    database = common.db()
    try:
        if inv is not None:
            outcome = subscribers.remove(database, inv, list_name, address)
        else:  # needs.yaml unreadable: the addresses added by command can still leave
            outcome = subscribers.unsubscribe(database, list_name, address)
    except ConfigError:
        outcome = "not subscribed"
    return render_template(
        "unsubscribe.html",
        step="done" if outcome != "not subscribed" else "not-subscribed",
        address=address,
        list_label=_list_label(list_name),
        fields={},
    )
