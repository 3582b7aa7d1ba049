"""Utskick: each municipality's digest of a month as it would be sent, building and sending it
behind a confirmation, the month's send ledger and the newsletter page.

Building and sending go through the very functions `utlys digest build` and `utlys digest send`
call (digest.digests.build_digests; digest.ledger.send_pending over the transport of the
settings, the SMTP password from the environment), so the web app can neither send another
message than the command nor send one twice. A build or a send happens only on a POST from
its confirmation page, which says how many messages go to whom; a send also carries the number
of messages confirmed, and sends nothing when the ledger changed in between.

The digest is shown in a sandboxed iframe: it is mail HTML, styled inline, which the app's own
Content-Security-Policy would strip. The framed page gets a policy of its own that allows inline
styles and nothing else (no script, no request, no form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from sqlite_utils import Database
from werkzeug.wrappers import Response

from crawler.config import ConfigError, default_file
from crawler.config.needs import Inventory
from crawler.config.settings import load_settings
from crawler.store.queries import deliveries_of
from crawler.web import common
from digest import ledger, swedish
from digest.content import digest_content
from digest.digests import build_digests, preview_digest
from digest.options import DigestOptions, digest_options, smtp_options, smtp_section
from digest.subscribers import recipients
from digest.transport import open_transport

bp = Blueprint("sending", __name__)

# The framed digest or newsletter: the inline styles of mail HTML, nothing else; framed by this
# app only.
FRAMED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none';"
    " base-uri 'none'; frame-ancestors 'self'"
)
CONFIRMED = "ja"
STATE_WORDS = {"built": "Byggt, inte skickat", "deferred": "Uppskjutet", "sending": "Hålls kvar",
               "sent": "Skickat", "failed": "Misslyckades"}  # fmt: skip


@dataclass
class Setup:
    """What every view of this page reads: the settings (and their file, for errors)."""

    settings: dict[str, Any]
    where: str
    options: DigestOptions


@dataclass
class Planned:
    """One municipality's digest of the month: who would get it, or why nobody does."""

    municipality: str
    new: int = 0
    changed: int = 0
    closing: int = 0
    to: list[str] = field(default_factory=list)  # would be built now
    kept: list[str] = field(default_factory=list)  # already sent, held or failed: left alone
    skipped: str | None = None


def _setup() -> Setup:
    path = current_app.config["UTLYS_SETTINGS"]
    settings = load_settings(path)
    where = str(path or default_file("settings.yaml"))
    return Setup(settings, where, digest_options(settings, where=where))


def _period(value: str | None) -> str:
    period = value or swedish.period_of(common.today())
    try:
        swedish.parse_period(period)
    except ValueError:
        abort(404)
    return period


def _inventory() -> Inventory:
    inv = common.inventory()
    if inv is None:
        raise ConfigError(g.inventory_error)
    return inv


def _trouble(exc: ConfigError) -> tuple[str, int]:
    text = f"Inställningarna kunde inte läsas, så inget byggdes eller skickades: {exc}"
    return render_template("error.html", title="Fel i inställningarna", text=text, code=500), 500


def _content(db: Database, name: str, period: str, options: DigestOptions):
    return digest_content(
        db,
        name,
        period,
        today=common.today(),
        include_pending=options.include_pending,
        closing_days=options.closing_days,
        other_limit=options.other_limit,
    )


def plan(db: Database, inv: Inventory, period: str, options: DigestOptions) -> list[Planned]:
    """What a build would do now, municipality by municipality (build_digests' own rules:
    nothing new, no mail; an address already sent to, held or failed is not rebuilt)."""
    done = {
        (row["municipality"], row["recipient"])
        for row in deliveries_of(db, "digest", period)
        if row["status"] != "built"
    }
    out = []
    for municipality in inv.municipalities:
        content = _content(db, municipality.name, period, options)
        item = Planned(
            municipality.name, len(content.new), len(content.changed), len(content.closing)
        )
        subs = [s.email for s in recipients(db, inv, municipality.name)]
        if content.is_empty:
            item.skipped = "inget nytt den här månaden, så inget utskick"
        elif not subs:
            item.skipped = "inga mottagare (lägg till under Mottagare)"
        for email in subs if not item.skipped else []:
            (item.kept if (municipality.name, email) in done else item.to).append(email)
        out.append(item)
    return out


def messages_text(groups: dict[str, list[str]]) -> str:
    """One message per address: "3 meddelanden till 3 mottagare i Växjö (2), Alvesta (1)"."""
    groups = {name: emails for name, emails in groups.items() if emails}
    total = sum(len(emails) for emails in groups.values())
    if not total:
        return "Inga meddelanden"
    where = ", ".join(f"{name} ({len(emails)})" for name, emails in groups.items())
    return (
        f"{swedish.count(total, 'meddelande', 'meddelanden')} till "
        f"{swedish.count(total, 'mottagare', 'mottagare')} i {where}"
    )


def _built(db: Database, period: str) -> dict[str, list[str]]:
    """The addresses of the built messages per municipality, in the order of needs.yaml."""
    groups: dict[str, list[str]] = {}
    for row in deliveries_of(db, "digest", period):
        if row["status"] == "built":
            groups.setdefault(row["municipality"], []).append(row["recipient"])
    order = common.municipality_names(list(groups))
    return {name: groups[name] for name in order if name in groups}


def state_of(row: dict[str, Any]) -> str:
    """The ledger's state as the page tells it: a built message with an error was deferred."""
    return "deferred" if row["status"] == "built" and row.get("error") else row["status"]


def transport_text(settings: dict[str, Any], where: str) -> str:
    options = smtp_options(smtp_section(settings), where=where)
    if options.host:
        return f"via e-postservern {options.host}:{options.port}"
    return f"som .eml-filer i mappen {options.outbox} (inget skickas med e-post)"


def _newsletter_page(options: DigestOptions, period: str) -> Path:
    return Path(options.newsletter_dir) / f"{period}.html"


@bp.get("/utskick")
def page() -> Any:
    period = _period(request.args.get("manad"))
    database = common.db()
    try:
        setup = _setup()
        inv = _inventory()
        planned = plan(database, inv, period, setup.options)
        transport = transport_text(setup.settings, setup.where)
    except ConfigError as exc:
        return _trouble(exc)
    rows = [
        {**row, "state": state_of(row), "error": (row["error"] or "").strip()}
        for row in deliveries_of(database, "digest", period)
    ]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return render_template(
        "sending.html",
        period=period,
        month=swedish.month_name(period),
        planned=planned,
        rows=rows,
        counts=counts,
        state_words=STATE_WORDS,
        built_text=messages_text(_built(database, period)),
        transport=transport,
        newsletter=_newsletter_page(setup.options, period).is_file(),
        newsletter_counts=ledger.summary(database, kind="newsletter", period=period),
        public_url=setup.options.public_url,
    )


def _framed(html: str) -> Response:
    response = current_app.make_response(html)
    response.headers["Content-Security-Policy"] = FRAMED_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/utskick/<period>/kommun/<name>")
def digest_page(period: str, name: str) -> Any:
    """The page around one municipality's framed digest."""
    period = _period(period)
    try:
        name = _inventory().municipality(name).name  # as spelled in needs.yaml
    except ConfigError:
        abort(404)
    g.frames = True  # this page may frame the digest below (crawler.web._headers)
    month = swedish.month_name(period)
    return render_template("sending_digest.html", period=period, month=month, municipality=name)


@bp.get("/utskick/<period>/kommun/<name>/forhandsvisning")
def preview(period: str, name: str) -> Any:
    """The digest's HTML exactly as `utlys digest preview` writes it (the footer names a
    preview recipient instead of one address)."""
    period = _period(period)
    try:
        setup = _setup()
        inv = _inventory()
        municipality = inv.municipality(name).name
    except ConfigError:
        abort(404)
    _shown, html, _text = preview_digest(
        common.db(), inv, municipality, period, options=setup.options, today=common.today()
    )
    return _framed(html)


@bp.get("/utskick/<period>/manadsbrev")
def newsletter(period: str) -> Any:
    """The newsletter page `utlys newsletter build` wrote for the month."""
    period = _period(period)
    try:
        path = _newsletter_page(_setup().options, period)
    except ConfigError:
        abort(404)
    if not path.is_file():
        abort(404)
    return _framed(path.read_text(encoding="utf-8"))


@bp.route("/utskick/<period>/bygg", methods=["GET", "POST"])
def build(period: str) -> Any:
    period = _period(period)
    database = common.db()
    try:
        setup = _setup()
        inv = _inventory()
        planned = plan(database, inv, period, setup.options)
    except ConfigError as exc:
        return _trouble(exc)
    if request.method == "GET" or request.form.get("bekraftat") != CONFIRMED:
        if request.method == "POST":
            common.failed("Inget byggdes: bekräfta först.")
        return render_template(
            "sending_confirm.html",
            step="build",
            period=period,
            month=swedish.month_name(period),
            planned=planned,
            text=messages_text({p.municipality: p.to for p in planned}),
            count=sum(len(p.to) for p in planned),
        )
    report = build_digests(database, inv, period, settings=setup.settings, today=common.today())
    groups: dict[str, list[str]] = {}
    for municipality, to, _subject in report.built:
        groups.setdefault(municipality, []).append(to)
    text = f"Byggde {messages_text(groups)}" if groups else "Inga meddelanden byggdes"
    kept = report.counts.get("kept", 0)
    if kept:
        text += f"; {kept} redan skickade eller kvarhållna lämnades orörda"
    common.done(text + ". Inget är skickat än.")
    return redirect(url_for("sending.page", manad=period), code=303)


@bp.route("/utskick/<period>/skicka", methods=["GET", "POST"])
def send(period: str) -> Any:
    period = _period(period)
    database = common.db()
    try:
        setup = _setup()
        transport = transport_text(setup.settings, setup.where)
    except ConfigError as exc:
        return _trouble(exc)
    groups = _built(database, period)
    count = sum(len(emails) for emails in groups.values())
    confirmed = request.method == "POST" and request.form.get("bekraftat") == CONFIRMED
    if confirmed and request.form.get("antal") != str(count):
        common.failed("Inget skickades: utskicken har ändrats sedan du bekräftade. Se nedan.")
        confirmed = False
    elif request.method == "POST" and not confirmed:
        common.failed("Inget skickades: bekräfta först.")
    if not confirmed:
        return render_template(
            "sending_confirm.html",
            step="send",
            period=period,
            month=swedish.month_name(period),
            groups=groups,
            text=messages_text(groups),
            count=count,
            transport=transport,
            held=ledger.held(database, kind="digest", period=period),
        )
    try:
        mail = open_transport(smtp_options(smtp_section(setup.settings), where=setup.where))
    except ConfigError as exc:
        return _trouble(exc)
    report = ledger.send_pending(database, mail, kind="digest", period=period)
    _tell(report)
    return redirect(url_for("sending.page", manad=period), code=303)


def _tell(report: ledger.SendReport) -> None:
    """One message per outcome of the send, naming every address."""
    if report.sent:
        sent = swedish.count(len(report.sent), "meddelande", "meddelanden")
        common.done(f"Skickade {sent}: {', '.join(report.sent)}.")
    elif not (report.failed or report.deferred or report.held or report.stopped):
        common.done("Det fanns inget att skicka.")
    for recipient, error in report.failed:
        common.failed(f"Misslyckades till {recipient}: e-postservern svarade {error}.")
    for recipient, error in report.deferred:
        common.failed(f"Uppskjutet till {recipient} ({error}); skickas igen nästa gång.")
    for recipient in report.unsubscribed:
        common.failed(f"Skickades inte till {recipient}: avregistrerad efter bygget.")
    for item in report.held:
        common.failed(f"Hålls kvar: meddelandet till {item['recipient']} kan redan ha kommit fram.")
    if report.stopped:
        common.failed(
            f"Sändningen avbröts, e-postservern gick inte att nå ({report.stopped}). Det som inte"
            " skickades ligger kvar och skickas nästa gång."
        )


@bp.post("/utskick/<period>/kvarhallna")
def release(period: str) -> Response:
    """The coordinator's decision on a held message, as `--resend` / `--mark-sent`."""
    period = _period(period)
    database = common.db()
    resend = request.form.get("beslut") == "skicka-igen"
    try:
        delivery_id = int(request.form.get("id", ""))
        row = next(r for r in deliveries_of(database, "digest", period) if r["id"] == delivery_id)
        ledger.release(database, [delivery_id], resend=resend)
    except (ValueError, StopIteration):
        common.failed("Meddelandet hålls inte kvar (längre); inget ändrades.")
    else:
        then = "skickas igen nästa gång du väljer Skicka" if resend else "är markerat som skickat"
        common.done(f"Meddelandet till {row['recipient']} {then}.")
    return redirect(url_for("sending.page", manad=period), code=303)
