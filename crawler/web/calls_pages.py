"""Översikt (what waits, what closes soon, what failed) and Utlysningar (search, one page per
call with its history and matches). Reading only."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, render_template, request

from crawler.model import STATUSES
from crawler.normalize.regions import region_covers
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


@dataclass
class Listing:
    """One reading of the list's request, for the page and for its exports, so that an export is
    the list shown: the choices made and the rows they leave."""

    q: str = ""
    status: str = ""
    include_gone: bool = False
    funder: str = ""
    county: str = ""
    start: date | None = None
    end: date | None = None
    funders: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)


def _day(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        common.failed(f"Datumet ”{value[:20]}” kunde inte läsas; skriv det som 2026-12-31.")
        return None


def _listed() -> Listing:
    args = request.args
    status = args.get("status", "")
    listing = Listing(
        q=" ".join(args.get("q", "").split())[:200],
        status=status if status in STATUSES else "",
        include_gone=args.get("borttagna") == "1",
        funder=args.get("finansiar", "").strip(),
        county=args.get("lan", "").strip(),
        start=_day("fran"),
        end=_day("till"),
    )
    try:
        rows = queries.query_calls(
            common.db(),
            search=listing.q,
            status=listing.status or None,
            include_gone=listing.include_gone,
        )
    except sqlite3.OperationalError:  # text FTS cannot read even quoted, such as a lone '"'
        rows = []
        common.failed("Sökningen kunde inte tolkas; skriv ett eller flera ord.")
    listing.funders = sorted({row["funder"] for row in rows if row.get("funder")})
    inv = common.inventory()
    listing.counties = sorted({m.county for m in inv.municipalities}) if inv else []
    listing.rows = [row for row in rows if _chosen(row, listing)]
    return listing


def _chosen(row: dict, listing: Listing) -> bool:
    """Funder, county (a call for the county, its ESF region or the whole country, or one that
    names no area) and deadline range; a range leaves out calls without a deadline."""
    if listing.funder and row.get("funder") != listing.funder:
        return False
    if listing.county and not region_covers(row.get("regions") or [], listing.county):
        return False
    if listing.start or listing.end:
        deadline = (row.get("deadline") or "")[:10]
        if not deadline:
            return False
        if listing.start and deadline < listing.start.isoformat():
            return False
        if listing.end and deadline > listing.end.isoformat():
            return False
    return True


@bp.get("/utlysningar")
def calls() -> str:
    listing = _listed()
    today = common.today()
    return render_template(
        "calls.html",
        listing=listing,
        statuses=[(s, swedish.status_text(s)) for s in STATUSES],
        items=[item_from_row(row, today) for row in listing.rows],
    )


@bp.get("/utlysningar.csv", defaults={"fmt": "csv"}, endpoint="export_csv")
@bp.get("/utlysningar.ics", defaults={"fmt": "ics"}, endpoint="export_ics")
def export(fmt: str) -> Response:
    """The list as shown, as CSV for a Swedish Excel or as a calendar of deadlines, written by
    the same writers as `utlys export` (formulas defused, only http(s) links)."""
    listing = _listed()
    order = [row["id"] for row in listing.rows]
    cleaned = {
        row["id"]: row
        for row in export_rows(
            common.db(),
            "calls",
            ExportFilter(status=listing.status or None, include_gone=listing.include_gone),
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
