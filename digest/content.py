"""What goes into one municipality's digest for one month.

"New" and "changed" are judged against what the municipality was actually told: every sent
digest keeps a snapshot of its calls (deadline, status, gone) in ``deliveries.items``. A call
told before is reported again only when its deadline moved, it reopened or it closed early; a
matching call never told is new. A municipality that never got a digest is told every open
match. Calls are read from the database only; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from sqlite_utils import Database

from crawler.match.duplicates import CallGroups, groups_in_db, is_news
from crawler.model import Call
from crawler.model import as_list as json_list  # JSON text of a list column
from crawler.normalize import safe_url
from crawler.store import digests as store
from crawler.store import row_to_call
from digest import ledger, swedish
from digest.options import CLOSING_DAYS, OTHER_LIMIT

SUMMARY_CHARS = 300
WATCHED_FIELDS = ("deadline", "status", "gone")


@dataclass
class Item:
    """A call as one municipality sees it, with everything the templates show."""

    call: Call
    url: str | None
    today: date
    review: str | None = None  # approved / pending, None when the call is not matched
    reasons: list[str] = field(default_factory=list)
    note: str | None = None
    score: float = 0.0
    changes: list[str] = field(default_factory=list)
    gone: bool = False
    previous_round: str | None = None  # the year of the round before, when this is a new round
    new_round: bool = False
    # (label, url) of the same call's other pages: "Nyhet om utlysningen" (one call once)
    related: list[tuple[str, str]] = field(default_factory=list)

    @property
    def round_text(self) -> str | None:
        """ "Ny omgång av en utlysning från 2025": the page held an earlier round, which the
        reader may know (and may have applied to) under the same title."""
        if not self.new_round:
            return None
        if self.previous_round:
            return f"Ny omgång av en utlysning från {self.previous_round}."
        return "Ny omgång av en tidigare utlysning."

    @cached_property
    def days_left(self) -> int | None:
        return swedish.days_left(self.call.deadline, self.today)

    @cached_property
    def title(self) -> str:
        """One line: a scraped title with line breaks must not break the plain-text layout."""
        return " ".join(self.call.title.split()) or "(utan titel)"

    @cached_property
    def deadline_text(self) -> str:
        """ "1 december 2026 kl. 16.00 (8 dagar kvar)", or "löpande" for standing programmes."""
        call = self.call
        if not call.deadline:
            return "löpande" if self.standing else "inte angiven"
        text = swedish.datum(call.deadline)
        if call.deadline_time:
            text += " " + swedish.time_text(call.deadline_time)
        left = swedish.days_left_text(self.days_left)
        return f"{text} ({left})" if left else text

    @cached_property
    def summary_text(self) -> str:
        """The call's summary cut at a word near 300 characters: enough to decide whether to
        click, short enough for a mail that lists many calls."""
        text = " ".join(self.call.summary.split())
        if len(text) <= SUMMARY_CHARS:
            return text
        return text[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",.;:") + " …"

    @cached_property
    def status_text(self) -> str:
        return swedish.status_text(self.call.status)

    @cached_property
    def budget_text(self) -> str:
        return swedish.kronor(self.call.budget_sek)

    @cached_property
    def regions_text(self) -> str:
        return ", ".join(self.call.regions)

    @property
    def unreviewed(self) -> bool:
        return self.review == "pending"

    @property
    def standing(self) -> bool:
        return self.call.status == "standing"

    def snapshot(self, section: str) -> dict[str, Any]:
        return {
            "id": self.call.id,
            "section": section,
            "deadline": self.call.deadline,
            "status": self.call.status,
            "gone": int(self.gone),
        }


@dataclass
class DigestContent:
    municipality: str
    period: str
    today: date
    new: list[Item] = field(default_factory=list)
    changed: list[Item] = field(default_factory=list)
    closing: list[Item] = field(default_factory=list)
    other: list[Item] = field(default_factory=list)
    closing_days: int = CLOSING_DAYS

    @property
    def is_empty(self) -> bool:
        """Nothing new for this municipality: reminders and other calls alone make no mail."""
        return not self.new and not self.changed

    @property
    def matched(self) -> list[Item]:
        """The matched calls whose deadlines go into the calendar attachment."""
        seen: dict[str, Item] = {}
        for item in self.new + self.changed + self.closing:
            seen.setdefault(item.call.id, item)
        return list(seen.values())

    def snapshot(self) -> list[dict[str, Any]]:
        """What this digest tells, to compare against next month."""
        rows = [i.snapshot("new") for i in self.new]
        rows += [i.snapshot("changed") for i in self.changed]
        rows += [i.snapshot("closing") for i in self.closing]
        rows += [i.snapshot("other") for i in self.other]
        unique: dict[str, dict[str, Any]] = {}
        for row in rows:
            unique.setdefault(row["id"], row)
        return list(unique.values())


def digest_content(
    db: Database,
    municipality: str,
    period: str,
    *,
    today: date,
    include_pending: bool = False,
    closing_days: int = CLOSING_DAYS,
    other_limit: int = OTHER_LIMIT,
) -> DigestContent:
    """Choose the calls of one municipality's digest; rejected matches never get in."""
    start, end = swedish.parse_period(period)
    content = DigestContent(municipality, period, today, closing_days=closing_days)
    states = ("approved", "pending") if include_pending else ("approved",)
    told = told_snapshots(db, municipality, period)
    groups = groups_in_db(db)
    all_matched = {groups.primary(i) for i in store.matched_call_ids(db, municipality)}
    rows = one_row_per_call(store.matched_calls(db, municipality, states), groups)
    horizon = today + timedelta(days=closing_days)
    for row in rows:
        item = item_from_row(row, today, groups)
        item.review = row["m_review"]
        item.reasons = json_list(row["m_reasons"])
        item.note = (row["m_note"] or "").strip() or None
        item.score = float(row["m_score"] or 0)
        now = _state(row)
        live = is_live(now, today)
        same = (item.call.id, *(o.id for o in groups.others(item.call.id)))
        told_as = [i for i in same if i in told]
        if told_as:  # told before, perhaps as the news item of the same call
            item.changes = describe_changes(told[told_as[0]], now, today)
            if item.changes:
                content.changed.append(item)
        else:
            # Never told, but seen to change this month (a deadline moved since we first saw
            # it): say so with the call, the reader may know the old date from the funder.
            before = _state_before(db, item.call.id, now, row["first_seen"], start, end)
            item.changes = describe_changes(before, now, today) if before != now else []
            if live:
                content.new.append(item)
            elif item.changes:
                content.changed.append(item)
        deadline = swedish.as_date(item.call.deadline)
        if live and deadline is not None and today <= deadline <= horizon:
            content.closing.append(item)
    shown = {i.call.id for i in content.new + content.changed}
    other_rows = store.open_calls_first_seen(
        db, other_since(db, municipality, period).isoformat(), max(end, today).isoformat()
    )
    for row in other_rows:
        if row["id"] in groups.secondary_ids:
            continue  # its call page speaks for it
        if row["id"] in all_matched or row["id"] in told or row["id"] in shown:
            continue
        if is_live(_state(row), today):
            content.other.append(item_from_row(row, today, groups))
    content.new.sort(key=_by_deadline)
    content.changed.sort(key=_by_deadline)
    content.closing.sort(key=_by_deadline)
    content.other.sort(key=_by_deadline)
    content.other = content.other[:other_limit]
    return content


def other_since(db: Database, municipality: str, period: str) -> date:
    """Where "other new calls" start: the day the last sent digest was built, so a digest built
    on the 1st of the month still lists what appeared since the previous one; without an
    earlier digest, the first day of the month before the period."""
    start, _ = swedish.parse_period(period)
    sent = ledger.sent_history(db, "digest", municipality, before=period)
    since = swedish.as_date(max((r["created_at"] for r in sent if r["created_at"]), default=None))
    if since is not None:
        return since
    return (start - timedelta(days=1)).replace(day=1)


def told_snapshots(db: Database, municipality: str, period: str) -> dict[str, dict[str, Any]]:
    """Each call's state as last told to the municipality in a sent digest of an earlier month."""
    told: dict[str, dict[str, Any]] = {}
    for row in ledger.sent_history(db, "digest", municipality, before=period):
        for entry in row["items"] or []:
            told[entry["id"]] = {k: entry.get(k) for k in WATCHED_FIELDS}
    return told


def describe_changes(before: dict[str, Any], now: dict[str, Any], today: date) -> list[str]:
    """The changes a reader cares about, as Swedish sentences: a moved deadline, a reopened
    call, a call closed before its deadline, a planned call that opened."""
    changes: list[str] = []
    was_live = is_live(before, today, ignore_deadline=True)
    now_live = is_live(now, today, ignore_deadline=True)
    if before.get("deadline") != now.get("deadline"):
        old, new = before.get("deadline"), now.get("deadline")
        if old and new:
            changes.append(
                f"Sista ansökningsdag har ändrats från {swedish.datum(old)} "
                f"till {swedish.datum(new)}."
            )
        elif new:
            changes.append(f"Sista ansökningsdag är nu satt till {swedish.datum(new)}.")
        else:
            changes.append("Sista ansökningsdagen är inte längre angiven.")
    if not was_live and now_live:
        changes.append("Utlysningen har öppnat igen.")
    elif was_live and not now_live:
        deadline = swedish.as_date(before.get("deadline"))
        if deadline is None or deadline >= today:
            if now.get("gone"):
                changes.append("Utlysningen har tagits bort från finansiärens webbplats.")
            else:
                changes.append("Utlysningen har stängts före sista ansökningsdag.")
    elif before.get("status") == "planned" and now.get("status") == "open":
        changes.append("Utlysningen har öppnat för ansökningar.")
    return changes


def _state_before(
    db: Database,
    call_id: str,
    now: dict[str, Any],
    first_seen: str | None,
    start: date,
    end: date,
) -> dict[str, Any]:
    """The watched fields as they were before this month's changes (``call_changes`` seen in
    the period, after the call was first seen)."""
    before = dict(now)
    rows = store.watched_changes(
        db, call_id, start.isoformat(), end.isoformat(), after=first_seen or ""
    )
    for row in rows:  # newest first, so the earliest change's old value wins
        value = row["old"]
        before[row["field"]] = int(value or 0) if row["field"] == "gone" else value
    return before


def item_from_row(row: dict[str, Any], today: date, groups: CallGroups | None = None) -> Item:
    call = row_to_call(row)
    url = safe_url(call.url)
    return Item(
        call=call,
        url=url,
        today=today,
        gone=bool(row.get("gone")),
        previous_round=row.get("previous_round"),
        new_round=bool(row.get("previous_id")),
        related=related_links(groups, call.id, url) if groups else [],
    )


def one_row_per_call(rows: list[dict[str, Any]], groups: CallGroups) -> list[dict[str, Any]]:
    """One matched row per call when a news item and its call page both matched: the call
    page's row, else the reviewed or better one; a municipality is told a call once."""
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = groups.primary(row["id"])
        rank = (row["id"] == key, row["m_review"] == "approved", float(row["m_score"] or 0))
        kept = best.get(key)
        if kept is None or rank > (
            kept["id"] == key,
            kept["m_review"] == "approved",
            float(kept["m_score"] or 0),
        ):
            best[key] = row
    return list(best.values())


def related_links(groups: CallGroups, call_id: str, url: str | None) -> list[tuple[str, str]]:
    """The other pages of the same call, as (Swedish label, safe url), without repeats."""
    links: list[tuple[str, str]] = []
    seen = {url}
    for other in groups.others(call_id):
        other_url = safe_url(other.url)
        if other_url is None or other_url in seen:
            continue
        seen.add(other_url)
        label = "Nyhet om utlysningen" if is_news(other) else "Samma utlysning på annan sida"
        links.append((label, other_url))
    return links


def _state(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "deadline": row.get("deadline"),
        "status": row.get("status"),
        "gone": int(row.get("gone") or 0),
    }


def is_live(state: dict[str, Any], today: date, *, ignore_deadline: bool = False) -> bool:
    if state.get("gone") or state.get("status") == "closed":
        return False
    if ignore_deadline:
        return True
    deadline = swedish.as_date(state.get("deadline"))
    return deadline is None or deadline >= today


def _by_deadline(item: Item) -> tuple:
    deadline = item.call.deadline or "9999-12-31"
    return (deadline, -item.score, item.call.title.casefold())
