"""Översikt (what waits, what closes soon, what failed) and Utlysningar (search, one page per
call with its history and matches). Reading only."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from flask import Blueprint, abort, render_template, request

from crawler.model import STATUSES
from crawler.store import queries, rounds, web_queries
from crawler.web import common
from crawler.web.cards import anchor_of, match_view
from digest import swedish
from digest.content import item_from_row

bp = Blueprint("calls", __name__)

DUE_DAYS = 14
# The fields of call_changes in Swedish, for the history table.
FIELD_WORDS = {
    "title": "Titel",
    "url": "Länk",
    "funder": "Finansiär",
    "programme": "Program",
    "summary": "Sammanfattning",
    "status": "Status",
    "opens_on": "Öppnar",
    "deadline": "Sista ansökningsdag",
    "deadline_time": "Klockslag",
    "budget_sek": "Budget",
    "cofinancing": "Medfinansiering",
    "regions": "Regioner",
    "target_groups": "Målgrupper",
    "applicants": "Vem kan söka",
    "documents": "Dokument",
    "published_on": "Publicerad",
    "gone": "Borttagen från webbplatsen",
}
RUN_WORDS = {"ok": "ok", "failed": "misslyckades", "empty": "tom (inga utlysningar)"}


@bp.get("/")
def overview() -> str:
    database = common.db()
    today = common.today()
    due = [
        item_from_row(row, today)
        for row in web_queries.calls_due(
            database, today.isoformat(), (today + timedelta(days=DUE_DAYS)).isoformat()
        )
    ]
    runs = web_queries.last_source_runs(database)
    return render_template(
        "overview.html",
        counts=web_queries.review_counts(database),
        pending=web_queries.pending_per_municipality(database),
        due=due,
        due_days=DUE_DAYS,
        failed=[run for run in runs if run["status"] != "ok"],
        sources=len(runs),
        run_words=RUN_WORDS,
    )


@bp.get("/utlysningar")
def calls() -> str:
    text = " ".join(request.args.get("q", "").split())[:200]
    include_gone = request.args.get("borttagna") == "1"
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    try:
        rows = queries.query_calls(
            common.db(), search=text, status=status or None, include_gone=include_gone
        )
    except sqlite3.OperationalError:  # text FTS cannot read even quoted, such as a lone '"'
        rows = []
        common.failed("Sökningen kunde inte tolkas; skriv ett eller flera ord.")
    today = common.today()
    return render_template(
        "calls.html",
        q=text,
        status=status,
        statuses=[(s, swedish.status_text(s)) for s in STATUSES],
        include_gone=include_gone,
        items=[item_from_row(row, today) for row in rows],
    )


@bp.get("/utlysningar/<path:call_id>")
def call(call_id: str) -> str:
    database = common.db()
    row = web_queries.call_row(database, call_id)
    if row is None:
        abort(404)
    history = [
        {
            "field": FIELD_WORDS.get(change["field"], change["field"]),
            "old": _change_value(change["field"], change["old"]),
            "new": _change_value(change["field"], change["new"]),
            "seen_at": change["seen_at"],
        }
        for change in web_queries.call_history(database, call_id)
    ]
    matches = [match_view(m, id_key="id") for m in web_queries.call_matches(database, call_id)]
    return render_template(
        "call.html",
        item=item_from_row(row, common.today()),
        row=row,
        anchor=anchor_of(call_id),
        history=history,
        matches=matches,
        documents=[d for d in (common.json_list(row.get("documents"))) if d],
        next_round=rounds.next_round(database, call_id),
    )


def _change_value(field: str, value: str | None) -> str:
    if value is None or value == "":
        return "–"
    if field == "gone":
        return "ja" if value == "1" else "nej"
    if field == "status":
        return swedish.status_text(value)
    if field in ("deadline", "opens_on", "published_on"):
        return swedish.datum(value)
    if field == "budget_sek":
        try:
            return swedish.kronor(int(value))
        except ValueError:
            return value
    if field in ("regions", "target_groups", "documents"):
        return ", ".join(common.json_list(value)) or "–"
    return value
