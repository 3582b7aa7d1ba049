"""Granska: one card per call with every municipality it matched; approve for all or per
municipality, reject with a reason from the fixed list, a note for the digest.

Every change is a POST carrying the CSRF token and the call it is about; the match ids must all
belong to that call, so an id from another card (or a typo) changes nothing. After a change the
browser is sent back to the same filtered list with a message naming what changed.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crawler.match import review
from crawler.store import web_queries, write_transaction
from crawler.web import common
from crawler.web.cards import STATE_WORDS, anchor_of, build_cards

bp = Blueprint("review", __name__)

STATE_CHOICES = (("pending", "Ej granskade"), ("approved", "Godkända"), ("rejected", "Avvisade"))
ALL_STATES = "alla"


def _filters(values) -> tuple[str | None, str | None]:
    """State (default: pending; ``alla`` for every state) and municipality from a request."""
    state = (values.get("tillstand") or "pending").strip()
    if state == ALL_STATES:
        state = None
    elif state not in review.STATES:
        state = "pending"
    municipality = (values.get("kommun") or "").strip() or None
    return state, municipality


def _back(state: str | None, municipality: str | None, call_id: str | None = None) -> Response:
    params = {"tillstand": state or ALL_STATES}
    if municipality:
        params["kommun"] = municipality
    anchor = anchor_of(call_id) if call_id else None
    return redirect(url_for("review.page", **params, _anchor=anchor), code=303)


@bp.get("/granska")
def page() -> str:
    state, municipality = _filters(request.args)
    database = common.db()
    rows = web_queries.review_card_rows(database, state)
    cards = build_cards(rows, common.today(), municipality=municipality)
    names = common.municipality_names([r["municipality"] for r in rows])
    return render_template(
        "review.html",
        cards=cards,
        state=state or ALL_STATES,
        municipality=municipality or "",
        states=STATE_CHOICES,
        municipalities=names,
        counts=web_queries.review_counts(database),
        reasons=review.REJECT_REASONS,
        state_words=STATE_WORDS,
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


@bp.post("/granska/godkann")
def approve() -> Response:
    state, municipality = _filters(request.form)
    call_id = request.form.get("call_id", "")
    rows = _owned(call_id, request.form.getlist("id"))
    if rows is not None:
        try:
            review.approve(common.db(), [row["id"] for row in rows])
        except review.ReviewError:
            common.failed("Matchningen finns inte längre; inget ändrades. Ladda om sidan.")
        else:
            names = common.names_text([row["municipality"] for row in rows])
            common.done(f"Godkänd för {names}.")
    return _back(state, municipality, call_id)


@bp.post("/granska/avvisa")
def reject() -> Response:
    state, municipality = _filters(request.form)
    call_id = request.form.get("call_id", "")
    rows = _owned(call_id, request.form.getlist("id"))
    if rows is None:
        return _back(state, municipality, call_id)
    try:
        reason = review.rejection_reason(
            request.form.get("orsak", ""), request.form.get("fritext", "")
        )
    except review.ReviewError:
        common.failed(
            "Välj en orsak i listan (och skriv varför om du väljer ”annat”); inget ändrades."
        )
        return _back(state, municipality, call_id)
    try:
        review.reject(common.db(), [row["id"] for row in rows], reason)
    except review.ReviewError:
        common.failed("Matchningen finns inte längre; inget ändrades. Ladda om sidan.")
    else:
        names = common.names_text([row["municipality"] for row in rows])
        common.done(f"Avvisad för {names} ({reason}).")
    return _back(state, municipality, call_id)


@bp.post("/granska/anteckning")
def note() -> Response:
    state, municipality = _filters(request.form)
    call_id = request.form.get("call_id", "")
    rows = _owned(call_id, request.form.getlist("id"))
    if rows is None:
        return _back(state, municipality, call_id)
    text = " ".join(request.form.get("anteckning", "").split())
    try:
        with write_transaction(common.db()):  # one note for several municipalities: all or none
            for row in rows:
                review.note(common.db(), row["id"], text)
    except review.ReviewError:
        common.failed("Matchningen finns inte längre; inget ändrades. Ladda om sidan.")
    else:
        names = common.names_text([row["municipality"] for row in rows])
        if text:
            common.done(f"Anteckning sparad för {names}.")
        else:
            common.done(f"Anteckning borttagen för {names}.")
    return _back(state, municipality, call_id)
