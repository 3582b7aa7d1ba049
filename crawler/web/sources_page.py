"""Källor: every source with its health, last run, last success, items, the share of its calls
with each field, and what went wrong, in the coordinator's words.

The figures are `utlys status`'s (crawler.ops.status.source_status, stored_fill_rows) and the
health verdict's own Swedish sentence (crawler.ops.health: the words of the alert emails). A
run's error is recorded in English (crawler.crawl.problems writes it for logs and the CLI);
``error_sv`` says the known kinds of it in Swedish and keeps the technical text beside it, so
nothing is lost in translation.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, render_template

from crawler.config import ConfigError, load_sources
from crawler.config.settings import load_ops_settings
from crawler.ops.health import FIELD_SV, assess, fill_verdict, recent_runs
from crawler.ops.status import source_status, stored_fill_rows
from crawler.store.fill_rates import FIELDS
from crawler.web import common
from crawler.web.calls_pages import RUN_WORDS

bp = Blueprint("sources", __name__)

HEALTH_WORDS = {
    "ok": "fungerar",
    "unhealthy": "fungerar inte",
    "failing": "misslyckades senast",
    "degraded": "läser inte alla uppgifter",
    "no calls yet": "inga utlysningar än",
    "unknown": "okänt",
}
# The errors crawler.crawl writes, most specific first: (pattern, Swedish with \g<name> parts).
ERRORS = [
    (r"connection refused (?P<h>\S+)", r"servern \g<h> tog inte emot anslutningen"),
    (r"host not found (?P<h>\S+)", r"adressen \g<h> finns inte (namnet går inte att slå upp)"),
    (r"timeout after (?P<s>.+?) on (?P<p>\S+)( \(\d+ tries\))?",
     r"sidan \g<p> svarade inte inom \g<s>"),
    (r"page too large on (?P<p>\S+).*", r"sidan \g<p> är större än utlys hämtar"),
    (r"download of (?P<p>\S+) cancelled", r"hämtningen av \g<p> avbröts"),
    (r"incomplete answer on (?P<p>\S+)", r"sidan \g<p> kom bara delvis"),
    (r"bad answer from (?P<h>\S+) on (?P<p>\S+).*", r"\g<h> svarade konstigt på \g<p>"),
    (r"HTTP 404 on (?P<p>\S+)", r"sidan \g<p> finns inte längre (HTTP 404)"),
    (r"HTTP 410 on (?P<p>\S+)", r"sidan \g<p> är borttagen (HTTP 410)"),
    (r"HTTP 40[13] on (?P<p>\S+)", r"webbplatsen nekar utlys att läsa \g<p>"),
    (r"HTTP 429 on (?P<p>\S+)", r"webbplatsen tycker att utlys frågar för ofta (\g<p>)"),
    (r"HTTP 5\d\d on (?P<p>\S+)", r"webbplatsens server hade fel på \g<p> (ofta tillfälligt)"),
    (r"HTTP (?P<c>\d+) on (?P<p>\S+)", r"sidan \g<p> gick inte att läsa (HTTP \g<c>)"),
    (r"redirect to another site \((?P<h>[^)]*)\) on (?P<p>\S+)",
     r"\g<p> skickar vidare till en annan webbplats (\g<h>)"),
    (r"redirect loop on (?P<p>\S+)", r"\g<p> skickar vidare i en cirkel"),
    (r"parse error on (?P<p>\S+?):.*", r"sidan \g<p> kunde inte tolkas (sidan kan ha ändrats)"),
    (r"call dropped from (?P<p>\S+?):.*", r"en utlysning på \g<p> saknade rubrik eller länk"),
    (r"could not store a call from (?P<p>\S+?):.*", r"en utlysning från \g<p> gick inte att spara"),
    (r"(?P<n>\d+) page\(s\) forbidden by robots\.txt",
     r"\g<n> sidor får inte läsas enligt webbplatsens robots.txt"),
    (r"listing not read completely.*", r"listan med utlysningar lästes inte färdigt"),
    (r"crawl stopped early \((?P<r>[^)]*)\)", r"hämtningen avbröts i förtid (\g<r>)"),
    (r"no calls found in (?P<n>\d+) pages? \(used to find (?P<m>\d+)\)",
     r"inga utlysningar hittades (brukade vara \g<m>)"),
    (r"no calls found in (?P<n>\d+) pages?", r"inga utlysningar hittades"),
    (r"crawl process ended before this source finished.*",
     r"hämtningen tog slut innan källan var klar"),
    (r"stopped after (?P<s>.+)", r"hämtningen stoppades efter \g<s>"),
    (r"spider could not start.*", r"källans läsare kunde inte starta (ett fel i utlys)"),
]  # fmt: skip
_ERRORS = [(re.compile(pattern), words) for pattern, words in ERRORS]
_MORE = re.compile(r"\s*\(\+(\d+) more\)$")


def error_sv(error: str | None) -> str:
    """A run's error in Swedish ("HTTP 503 on /x" -> "webbplatsens server hade fel på /x
    (ofta tillfälligt)"); "" for none, the text as it is for a kind not known here."""
    text = " ".join((error or "").split())
    if not text:
        return ""
    more = _MORE.search(text)
    if more:
        text = text[: more.start()]
    for pattern, words in _ERRORS:
        found = pattern.fullmatch(text)
        if found:
            text = found.expand(words)
            break
    if more:
        text += f" (och {more[1]} fel till)"
    return text[:1].upper() + text[1:]


def _percent(count: int, calls: int) -> str:
    return f"{round(100 * count / calls)}\u00a0%" if calls else "–"


def _fills(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(Swedish field, share of calls with it) of a source's last counted run."""
    calls = row.get("calls")
    if not calls:
        return []
    return [(FIELD_SV[name], _percent(row.get(name) or 0, calls)) for name in FIELDS]


def _words(db, entry: dict[str, Any], settings) -> str:
    """Why the source is as it is, in the verdict's own Swedish (as in the alert emails)."""
    if entry["health"] == "degraded":
        return fill_verdict(db, entry["source"]).detail_sv
    verdict = assess(recent_runs(db, entry["source"], settings.health), settings.health)
    # The verdict repeats the run's error after a colon; the page says that one in Swedish.
    return verdict.detail_sv.split(": ", 1)[0] if entry["error"] else verdict.detail_sv


@bp.get("/kallor")
def page() -> Any:
    config = current_app.config
    database = common.db()
    try:
        settings = load_ops_settings(config["UTLYS_SETTINGS"])
        sources = load_sources(config["UTLYS_SOURCES"])
    except ConfigError as exc:
        text = f"Källorna eller inställningarna kunde inte läsas: {exc}"
        return render_template(
            "error.html", title="Fel i inställningarna", text=text, code=500
        ), 500
    names = {s.id: s.funder for s in sources.sources}
    entries = source_status(database, sources, settings, today=common.today())
    fills = stored_fill_rows(database, [e["source"] for e in entries])
    rows = []
    for entry in entries:
        rows.append(
            {
                **entry,
                "funder": names.get(entry["source"]) or "",
                "health_text": HEALTH_WORDS.get(entry["health"], entry["health"]),
                "why": _words(database, entry, settings),
                "error_text": error_sv(entry["error"]),
                "run_text": RUN_WORDS.get(entry["last_status"] or "", "aldrig hämtad"),
                "fills": _fills(fills.get(entry["source"], {})),
                "fill_run": fills.get(entry["source"], {}).get("run"),
            }
        )
    broken = sum(r["health"] in ("unhealthy", "failing", "degraded") for r in rows)
    return render_template("sources.html", rows=rows, broken=broken)
