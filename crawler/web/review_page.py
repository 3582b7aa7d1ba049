"""Granska: one card per call with every municipality it matched; approve for all or per
municipality, reject with a reason from the fixed list, a note for the digest; filters, ten calls
a page, bulk actions on the filtered list (crawler.web.review_bulk) and one level of undo.

Every change is a POST carrying the CSRF token and the call it is about; the match ids must all
belong to that call, so an id from another card (or a typo) changes nothing. After a change the
browser is sent back to the same filtered list and page with a message naming what changed, and
the change becomes the one "Ångra" takes back (crawler.store.review_undo).
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crawler.match import review
from crawler.store import review_undo, web_queries
from crawler.store.matches import matched_municipalities
from crawler.web import common, review_bulk
from crawler.web.cards import STATE_WORDS, anchor_of, build_cards
from crawler.web.review_filters import (
    STATE_CHOICES,
    WITHIN_CHOICES,
    ReviewFilter,
    page_of,
)

bp = Blueprint("review", __name__)
bp.add_url_rule("/granska/alla", "bulk_confirm", review_bulk.confirm, methods=["GET"])
bp.add_url_rule("/granska/alla", "bulk", review_bulk.apply, methods=["POST"])


def _back(filters: ReviewFilter, call_id: str | None = None) -> Response:
    anchor = anchor_of(call_id) if call_id else None
    return redirect(url_for("review.page", **filters.params(), _anchor=anchor), code=303)


def need_choices(database) -> list[tuple[str, str]]:
    """The needs of the inventory, then any other need id some match was made for."""
    inv = common.inventory()
    choices = [(n.id, n.title) for n in inv.needs] if inv is not None else []
    known = {need_id for need_id, _ in choices}
    choices += [(n, n) for n in web_queries.review_need_ids(database) if n not in known]
    return choices


def _few(names: list[str], limit: int = 10) -> str:
    """At most ``limit`` names for the page's heading; the confirmation of a bulk action names
    them all."""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" och {len(names) - limit} till"


@bp.get("/granska")
def page() -> str:
    filters, problems = ReviewFilter.from_values(request.args)
    database = common.db()
    today = common.today()
    rows = filters.rows(database, today)
    shown, paging = page_of(rows, filters.page)
    return render_template(
        "review.html",
        cards=build_cards(shown, today),
        filters=filters,
        form=filters.params(page=paging.page),
        paging=paging,
        problems=problems,
        states=STATE_CHOICES,
        within_choices=WITHIN_CHOICES,
        municipalities=common.municipality_names(matched_municipalities(database)),
        sources=web_queries.review_sources(database),
        needs=need_choices(database),
        selected=_few(common.names_text([row["municipality"] for row in rows]).split(", ")),
        counts=web_queries.review_counts(database),
        reasons=review.REJECT_REASONS,
        state_words=STATE_WORDS,
        last_action=review_undo.last_action(database),
        inventory_error=getattr(common.g, "inventory_error", None),
    )


def _owned(call_id: str, raw_ids: list[str]) -> list[dict] | None:
    """The matches named by ``raw_ids`` when every one exists and belongs to ``call_id``;
    None (with a message) otherwise."""
    try:
        ids = list(dict.fromkeys(int(i) for i in raw_ids))
    except ValueError:
        common.failed("Okänd matchning i formuläret; inget ändrades.")
        return None
    if not ids or not call_id:
        common.failed("Ingen kommun vald; inget ändrades.")
        return None
    rows = web_queries.match_owners(common.db(), ids)
    if len(rows) != len(ids) or any(row["call_id"] != call_id for row in rows):
        common.failed(
            "Matchningen finns inte längre eller hör till en annan utlysning; inget ändrades."
            " Ladda om sidan."
        )
        return None
    return rows


def told(action: str) -> None:
    """Say what an action did, as the undo will name it: "godkänd för X" -> "Godkänd för X."."""
    common.done(action[:1].upper() + action[1:] + ".")


@bp.post("/granska/godkann")
def approve() -> Response:
    filters, _ = ReviewFilter.from_values(request.form)
    call_id = request.form.get("call_id", "")
    rows = _owned(call_id, request.form.getlist("id"))
    if rows is not None:
        ids = [row["id"] for row in rows]
        action = f"godkänd för {common.names_text([row['municipality'] for row in rows])}"
        try:
            with review_undo.recorded(common.db(), ids, action):
                review.approve(common.db(), ids)
        except review.ReviewError:
            common.failed("Matchningen finns inte längre; inget ändrades. Ladda om sidan.")
        else:
            told(action)
    return _back(filters, call_id)


@bp.post("/granska/avvisa")
def reject() -> Response:
    filters, _ = ReviewFilter.from_values(request.form)
    call_id = request.form.get("call_id", "")
    rows = _owned(call_id, request.form.getlist("id"))
    if rows is None:
        return _back(filters, call_id)
    try:
        reason = review.rejection_reason(
            request.form.get("orsak", ""), request.form.get("fritext", "")
        )
    except review.ReviewError:
        common.failed(
            "Välj en orsak i listan (och skriv varför om du väljer ”annat”); inget ändrades."
        )
        return _back(filters, call_id)
    ids = [row["id"] for row in rows]
    names = common.names_text([row["municipality"] for row in rows])
    action = f"avvisad för {names} ({reason})"
    try:
        with review_undo.recorded(common.db(), ids, action):
            review.reject(common.db(), ids, reason)
    except review.ReviewError:
        common.failed("Matchningen finns inte längre; inget ändrades. Ladda om sidan.")
    else:
        told(action)
    return _back(filters, call_id)


@bp.post("/granska/anteckning")
def note() -> Response:
    filters, _ = ReviewFilter.from_values(request.form)
    call_id = request.form.get("call_id", "")
    rows = _owned(call_id, request.form.getlist("id"))
    if rows is None:
        return _back(filters, call_id)
    text = " ".join(request.form.get("anteckning", "").split())
    names = common.names_text([row["municipality"] for row in rows])
    action = f"anteckning {'sparad' if text else 'borttagen'} för {names}"
    try:
        # One note for several municipalities: all or none, and one action to undo.
        with review_undo.recorded(common.db(), [row["id"] for row in rows], action):
            for row in rows:
                review.note(common.db(), row["id"], text)
    except review.ReviewError:
        common.failed("Matchningen finns inte längre; inget ändrades. Ladda om sidan.")
    else:
        told(action)
    return _back(filters, call_id)


@bp.post("/granska/angra")
def undo() -> Response:
    """Take back the last action; only that one (one level of undo, as the page says)."""
    filters, _ = ReviewFilter.from_values(request.form)
    try:
        undo_id = int(request.form.get("undo_id", ""))
    except ValueError:
        undo_id = 0
    outcome, action = review_undo.undo(common.db(), undo_id)
    if outcome == "undone" and action is not None:
        common.done(f"Ångrade: {action['action']}.")
    elif outcome == "changed" and action is not None:
        common.failed(
            f"Kunde inte ångra ({action['action']}): matchningarna har ändrats sedan dess;"
            " inget ändrades."
        )
    else:
        common.failed("Det finns ingen åtgärd att ångra (bara den senaste kan ångras).")
    return _back(filters)
