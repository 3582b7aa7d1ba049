"""The monthly newsletter (månadsbrev): a standalone web page per month, an index of past
months, and the same content as an email to the newsletter list."""

from __future__ import annotations

import calendar
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from crawler.config import ConfigError, load_sources
from crawler.config.needs import Inventory
from crawler.match.duplicates import groups_in_db
from crawler.store import digests as store
from digest import ledger, swedish
from digest.content import Item, is_live, item_from_row, json_list
from digest.digests import BuildReport, Progress, compose, only_built, sender_of
from digest.ledger import Outgoing
from digest.message import Deadline, deadlines_ics, ics_attachment
from digest.options import mail_options
from digest.render import render, render_pair
from digest.subscribers import NEWSLETTER, recipients

PAGE = re.compile(r"^(\d{4}-\d{2})\.html$")
TOP_MATCHES = 3


@dataclass
class Highlight:
    municipality: str
    new_matches: int
    open_matches: int
    top: list[Item] = field(default_factory=list)


@dataclass
class FailedSource:
    source: str
    name: str
    status: str
    error: str
    when: str


@dataclass
class NewsletterContent:
    period: str
    today: date
    by_funder: list[tuple[str, list[Item]]]
    deadlines: list[Item]
    highlights: list[Highlight]
    failed: list[FailedSource]

    @property
    def new_count(self) -> int:
        return sum(len(items) for _, items in self.by_funder)


def newsletter_content(
    db: Database, inventory: Inventory, period: str, *, today: date, include_pending: bool = False
) -> NewsletterContent:
    start, end = swedish.parse_period(period)
    rows = store.calls_first_seen(db, start.isoformat(), end.isoformat())
    groups = groups_in_db(db)  # a news item and its call's page are one call, as in digests
    grouped: dict[str, list[Item]] = {}
    for row in rows:
        if row["id"] not in groups.secondary_ids and is_live(row, today):
            item = item_from_row(row, today, groups)
            grouped.setdefault(item.call.funder or row["source"], []).append(item)
    by_funder = [
        (funder, sorted(items, key=_deadline_key)) for funder, items in sorted(grouped.items())
    ]
    horizon = _add_months(today, 2)
    deadlines = [
        item_from_row(row, today, groups)
        for row in store.open_calls_due(db, today.isoformat(), horizon.isoformat())
        if row["id"] not in groups.secondary_ids
    ]
    return NewsletterContent(
        period=period,
        today=today,
        by_funder=by_funder,
        deadlines=deadlines,
        highlights=_highlights(db, inventory, start, end, today, include_pending),
        failed=failed_sources(db, start, end),
    )


def _highlights(
    db: Database, inventory: Inventory, start: date, end: date, today: date, pending: bool
) -> list[Highlight]:
    states = ("approved", "pending") if pending else ("approved",)
    out = []
    for municipality in inventory.municipalities:
        rows = store.best_matched_calls(db, municipality.name, states)
        live = [row for row in rows if is_live(row, today)]
        window = (start.isoformat(), end.isoformat())
        new = [row for row in live if window[0] <= (row["m_matched_at"] or "")[:10] <= window[1]]
        top = []
        for row in live[:TOP_MATCHES]:
            item = item_from_row(row, today)
            item.review = row["m_review"]
            item.reasons = json_list(row["m_reasons"])
            item.score = float(row["m_score"] or 0)
            top.append(item)
        out.append(Highlight(municipality.name, len(new), len(live), top))
    return out


def failed_sources(db: Database, start: date, end: date) -> list[FailedSource]:
    """Sources whose last run of the month did not read anything (failed or empty)."""
    rows = store.last_runs_not_ok(db, start.isoformat(), end.isoformat())
    names = _source_names()
    return [
        FailedSource(
            source=row["source"],
            name=names.get(row["source"], row["source"]),
            status="kunde inte läsas" if row["status"] == "failed" else "gav inga utlysningar",
            error=" ".join((row["error"] or "").split())[:200],
            when=swedish.datum(row["started"]),
        )
        for row in rows
    ]


def _source_names() -> dict[str, str]:
    try:
        return {s.id: s.funder for s in load_sources().sources}
    except (ConfigError, AttributeError):
        return {}


def newsletter_subject(period: str) -> str:
    return f"Månadsbrev om utlysningar – {swedish.month_name(period)}"


def render_newsletter(
    content: NewsletterContent,
    inventory: Inventory,
    *,
    recipient: str | None,
    unsubscribe: str | None,
    web_url: str | None,
    page: bool,
) -> tuple[str, str]:
    coordinator = inventory.coordinator
    return render_pair(
        "newsletter",
        n=content,
        title=newsletter_subject(content.period),
        kicker=coordinator.organisation if coordinator else "Utlysningar",
        preheader=(
            f"{swedish.count(content.new_count, 'ny utlysning', 'nya utlysningar')}, "
            f"{swedish.count(len(content.deadlines), 'ansökningstid', 'ansökningstider')} "
            "de kommande två månaderna."
        ),
        coordinator=coordinator,
        manage_text="Vill du inte längre få månadsbrevet, eller vill en kollega få det? "
        "Svara på det här mejlet eller kontakta samordnaren.",
        recipient=recipient,
        audience="",
        unsubscribe_url=unsubscribe,
        web_url=web_url,
        page=page,
    )


def build_newsletter(
    db: Database,
    inventory: Inventory,
    period: str,
    *,
    out_dir: Path,
    today: date,
    include_pending: bool = False,
) -> Path:
    """Write ``<out_dir>/<period>.html`` and refresh ``<out_dir>/index.html``; returns the page."""
    content = newsletter_content(
        db, inventory, period, today=today, include_pending=include_pending
    )
    html, _ = render_newsletter(
        content, inventory, recipient=None, unsubscribe=None, web_url=None, page=True
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / f"{period}.html"
    _write(page, html)
    write_index(out_dir)
    return page


def write_index(out_dir: Path) -> Path:
    """``index.html`` listing every month page in the folder, newest first."""
    periods = sorted((m[1] for p in out_dir.iterdir() if (m := PAGE.match(p.name))), reverse=True)
    months = [(p, swedish.month_name(p)) for p in periods]
    html = render("newsletter_index.html", months=months, title="Månadsbrev om utlysningar")
    index = out_dir / "index.html"
    _write(index, html)
    return index


def build_newsletter_mail(
    db: Database,
    inventory: Inventory,
    period: str,
    *,
    settings: dict[str, Any],
    today: date,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Record the newsletter email for everyone on the newsletter list (status built);
    ``progress`` as for build_digests, per recipient."""
    options = mail_options(settings, db)
    content = newsletter_content(
        db, inventory, period, today=today, include_pending=options.include_pending
    )
    report = BuildReport(kind="newsletter", period=period)
    subs = recipients(db, inventory, NEWSLETTER)
    coordinator = inventory.coordinator
    sender = sender_of(settings, inventory)
    web_url = f"{options.public_url}/{period}.html" if options.public_url else None
    ics = deadlines_ics(
        (Deadline.of(i.call, i.url) for i in content.deadlines),
        name="Ansökningstider",
        today=today,
    )
    attachments = [ics_attachment(ics, f"ansokningstider-{period}.ics")] if ics else []
    if not subs:
        report.skipped.append(("newsletter", "no active subscribers"))
    if content.new_count == 0 and not content.deadlines:
        report.skipped.append(("newsletter", "nothing new and no coming deadlines (no mail)"))
        subs = []
    outgoing = []
    for done, sub in enumerate(subs, start=1):
        if progress:
            progress(done, len(subs), sub.email)
        link = options.unsubscribe_link(
            NEWSLETTER, sub.email, coordinator.email if coordinator else None
        )
        html, text = render_newsletter(
            content, inventory, recipient=sub.email, unsubscribe=link, web_url=web_url, page=False
        )
        msg = compose(
            kind="newsletter",
            period=period,
            audience=NEWSLETTER,
            recipient=sub,
            subject=newsletter_subject(period),
            html=html,
            text=text,
            sender=sender,
            reply_to=coordinator.email if coordinator else None,
            unsubscribe=link,
            attachments=attachments,
            when=now or datetime.now(UTC),
        )
        outgoing.append(Outgoing("newsletter", period, NEWSLETTER, sub.email, msg))
    report.counts = ledger.record(db, outgoing, kind="newsletter", period=period)
    report.built = [
        ("newsletter", to, subject)
        for _, to, subject in only_built(db, outgoing, "newsletter", period)
    ]
    return report


def _write(path: Path, text: str) -> None:
    """Write through a temporary file and a rename: a published page is never half-written."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _deadline_key(item: Item) -> tuple:
    return (item.call.deadline or "9999-12-31", item.title.casefold())


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
