"""Mottagare: the addresses of each municipality's digest and of the newsletter list, with
adding and removing.

Everything goes through digest.subscribers, as `utlys subscribers add|remove|list` does: an
address listed in needs.yaml and removed here gets a row that stops its mail (needs.yaml is the
coordinator's file and is never rewritten), and adding it again lifts that. A bad form is told
in one Swedish line naming the field, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crawler.config import ConfigError
from crawler.config.needs import EMAIL, Inventory
from crawler.web import common
from digest import subscribers
from digest.subscribers import NEWSLETTER

bp = Blueprint("recipients", __name__)

NEWSLETTER_LABEL = "Månadsbrevet"
ORIGIN_WORDS = {
    "config": "från needs.yaml",
    "added": "tillagd här",
    "config+added": "från needs.yaml, tillagd här",
}
ADD_WORDS = {
    "added": "Lade till {email} för {list}.",
    "resubscribed": "Lade till {email} för {list} igen.",
    "updated": "Ändrade namnet för {email} i {list}.",
    "unchanged": "{email} fanns redan för {list}; inget ändrades.",
}


def _label(audience: str) -> str:
    return NEWSLETTER_LABEL if audience == NEWSLETTER else audience


def _lists(inv: Inventory) -> list[tuple[str, str]]:
    """(value, label) of every list, municipalities first, then the newsletter."""
    return [(m.name, m.name) for m in inv.municipalities] + [(NEWSLETTER, NEWSLETTER_LABEL)]


@bp.get("/mottagare")
def page() -> Any:
    inv = common.inventory()
    if inv is None:
        text = f"needs.yaml kunde inte läsas, så mottagarna kan inte visas: {g.inventory_error}"
        return render_template("error.html", title="Fel i needs.yaml", text=text, code=500), 500
    groups: dict[str, list[subscribers.Listed]] = {value: [] for value, _ in _lists(inv)}
    for listed in subscribers.listing(common.db(), inv):
        groups.setdefault(listed.municipality, []).append(listed)
    return render_template(
        "recipients.html",
        groups=[(value, label, anchor(value), groups[value]) for value, label in _lists(inv)],
        lists=_lists(inv),
        origin_words=ORIGIN_WORDS,
    )


def _form(inv: Inventory) -> tuple[str, str]:
    """The list and the address of the form; ConfigError in Swedish naming the field."""
    wanted = request.form.get("lista", "").strip()
    audience = next((value for value, _ in _lists(inv) if value == wanted), None)
    if audience is None:
        raise ConfigError(f"Lista: ”{wanted}” finns inte i needs.yaml; inget ändrades.")
    email = " ".join(request.form.get("adress", "").split()).lower()
    if not email:
        raise ConfigError("E-postadress: fältet är tomt; inget ändrades.")
    if not EMAIL.match(email):
        raise ConfigError(f"E-postadress: ”{email}” är ingen giltig e-postadress; inget ändrades.")
    return audience, email


def anchor(audience: str) -> str:
    """The HTML id of a list's section (names hold spaces and å, ä, ö)."""
    if audience == NEWSLETTER:
        return "lista-manadsbrev"
    return "lista-" + "".join(c if c.isalnum() else "-" for c in audience.lower())


def _back(audience: str | None = None) -> Response:
    """Back to the page, at the list that changed."""
    return redirect(url_for("recipients.page") + (f"#{anchor(audience)}" if audience else ""), 303)


@bp.post("/mottagare/lagg-till")
def add() -> Response:
    inv = common.inventory()
    if inv is None:
        common.failed(f"needs.yaml kunde inte läsas; inget ändrades: {g.inventory_error}")
        return _back()
    try:
        audience, email = _form(inv)
    except ConfigError as exc:
        common.failed(str(exc))
        return _back()
    name = " ".join(request.form.get("namn", "").split())[:200] or None
    outcome = subscribers.add(common.db(), inv, audience, email, name)
    text = ADD_WORDS[outcome].format(email=email, list=_label(audience))
    (common.failed if outcome == "unchanged" else common.done)(text)
    return _back(audience)


@bp.post("/mottagare/ta-bort")
def remove() -> Response:
    inv = common.inventory()
    if inv is None:
        common.failed(f"needs.yaml kunde inte läsas; inget ändrades: {g.inventory_error}")
        return _back()
    try:
        audience, email = _form(inv)
    except ConfigError as exc:
        common.failed(str(exc))
        return _back()
    database = common.db()
    listed = {item.email for item in subscribers.listing(database, inv, audience)}
    if email not in listed:
        common.failed(f"{email} finns inte på listan för {_label(audience)}; inget ändrades.")
        return _back(audience)
    if subscribers.remove(database, inv, audience, email) == "already removed":
        common.failed(f"{email} var redan borttagen från {_label(audience)}; inget ändrades.")
    else:
        common.done(f"Tog bort {email} från {_label(audience)}; adressen får inga fler utskick.")
    return _back(audience)
