"""Översikt (what waits, what closes soon, what failed) and Utlysningar (search, one page per
call with its history and matches). Reading only."""

from __future__ import annotations

import io
import sqlite3
from datetime import datetime, time, timedelta

from flask import Blueprint, Response, abort, render_template, request

from crawler.model import STATUSES
from crawler.ops.export import CALL_COLUMNS, ExportFilter, export_rows, write_csv, write_ics
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


def _listed() -> tuple[str, str, bool, list[dict]]:
    """The list's search text, status, whether gone calls are shown, and its rows: one reading
    of the request for the page and for its exports, so an export is the list shown."""
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
    return text, status, include_gone, rows


@bp.get("/utlysningar")
def calls() -> str:
    text, status, include_gone, rows = _listed()
    today = common.today()
    return render_template(
        "calls.html",
        q=text,
        status=status,
        statuses=[(s, swedish.status_text(s)) for s in STATUSES],
        include_gone=include_gone,
        items=[item_from_row(row, today) for row in rows],
    )


@bp.get("/utlysningar.csv", defaults={"fmt": "csv"}, endpoint="export_csv")
@bp.get("/utlysningar.ics", defaults={"fmt": "ics"}, endpoint="export_ics")
def export(fmt: str) -> Response:
    """The list as shown, as CSV for a Swedish Excel or as a calendar of deadlines, written by
    the same writers as `utlys export` (formulas defused, only http(s) links)."""
    _text, status, include_gone, rows = _listed()
    order = [row["id"] for row in rows]
    cleaned = {
        row["id"]: row
        for row in export_rows(
            common.db(), "calls", ExportFilter(status=status or None, include_gone=include_gone)
        )
    }
    listed = [cleaned[call_id] for call_id in order if call_id in cleaned]
    out = io.StringIO()
    if fmt == "csv":
        write_csv(listed, out, CALL_COLUMNS, excel=True)
        mimetype = "text/csv"
    else:
        write_ics(listed, out, now=datetime.combine(common.today(), time(12), common.STOCKHOLM))
        mimetype = "text/calendar"
    return Response(
        out.getvalue(),
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=utlysningar.{fmt}"},
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
