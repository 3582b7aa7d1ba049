"""The filters of Granska, read from GET parameters (and from the hidden fields of every form on
the page), so a link, a bookmark and the redirect after an action all show the same list.

One filter gives one set of matches: the page shows it PAGE_CALLS calls at a time, and a bulk action
re-computes it from the same filter when it is confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from crawler.match import review
from crawler.store import web_queries
from crawler.store.matches import matched_municipalities
from digest import swedish

ALL_STATES = "alla"
STATE_CHOICES = (("pending", "Ej granskade"), ("approved", "Godkända"), ("rejected", "Avvisade"))
WITHIN_CHOICES = (("14", "Inom 14 dagar"), ("30", "Inom 30 dagar"))
# Ten calls of ten municipalities each make a page of about 260 KB (bench/bench_web.py); 25
# calls made the demo's first page nearly as big as the whole list.
PAGE_CALLS = 10


@dataclass(frozen=True)
class ReviewFilter:
    state: str | None = "pending"  # None: every state
    municipality: str = ""
    source: str = ""
    need: str = ""
    within: str = ""  # "14" / "30": a deadline from today to that many days ahead
    start: date | None = None  # a deadline range, when ``within`` is not set
    end: date | None = None
    page: int = 1

    @classmethod
    def from_values(cls, values: Any) -> tuple[ReviewFilter, list[str]]:
        """The filter of a request's args or form, and a line for every value that could not
        be read (that value is then left out)."""
        problems: list[str] = []
        state = (values.get("tillstand") or "pending").strip()
        state = None if state == ALL_STATES else state if state in review.STATES else "pending"
        within = (values.get("frist") or "").strip()
        if within not in dict(WITHIN_CHOICES):
            within = ""
        dates = {}
        for key in ("fran", "till"):
            text = (values.get(key) or "").strip()
            try:
                dates[key] = date.fromisoformat(text) if text else None
            except ValueError:
                dates[key] = None
                problems.append(
                    f"Datumet ”{text[:20]}” kunde inte läsas; skriv det som ÅÅÅÅ-MM-DD."
                )
        try:
            page = max(1, int(values.get("sida") or 1))
        except ValueError:
            page = 1
        found = cls(
            state=state,
            municipality=" ".join((values.get("kommun") or "").split()),
            source=(values.get("kalla") or "").strip(),
            need=(values.get("behov") or "").strip(),
            within=within,
            start=None if within else dates["fran"],
            end=None if within else dates["till"],
            page=page,
        )
        return found, problems

    def params(self, **changes: Any) -> dict[str, str]:
        """The GET parameters of this filter (values left at their default left out), for
        links, redirects and the hidden fields of forms."""
        me = replace(self, **changes) if changes else self
        params = {"tillstand": me.state or ALL_STATES}
        for key, value in (
            ("kommun", me.municipality),
            ("kalla", me.source),
            ("behov", me.need),
            ("frist", me.within),
            ("fran", me.start.isoformat() if me.start else ""),
            ("till", me.end.isoformat() if me.end else ""),
            ("sida", str(me.page) if me.page > 1 else ""),
        ):
            if value:
                params[key] = value
        return params

    def deadline_range(self, today: date) -> tuple[date | None, date | None]:
        if self.within:
            return today, today + timedelta(days=int(self.within))
        return self.start, self.end

    def rows(self, db: Database, today: date) -> list[dict[str, Any]]:
        """Every match this filter selects, with its call, in the page's order. The
        municipality is compared case-insensitively also for å, ä, ö (SQLite's NOCASE folds
        ASCII only), by finding its stored spelling first."""
        municipality = None
        if self.municipality:
            wanted = self.municipality.casefold()
            stored = [n for n in matched_municipalities(db) if n.casefold() == wanted]
            municipality = stored[0] if stored else self.municipality
        start, end = self.deadline_range(today)
        return web_queries.review_card_rows(
            db,
            self.state,
            municipality=municipality,
            source=self.source or None,
            need=self.need or None,
            deadline_from=start.isoformat() if start else None,
            deadline_to=end.isoformat() if end else None,
        )

    def describe(self, today: date, need_title: Any = str) -> str:
        """The filter in Swedish words, for the confirmation of a bulk action."""
        parts = [dict(STATE_CHOICES).get(self.state or "", "alla tillstånd").lower()]
        if self.municipality:
            parts.append(f"kommun {self.municipality}")
        if self.source:
            parts.append(f"källa {self.source}")
        if self.need:
            parts.append(f"behov {need_title(self.need)}")
        start, end = self.deadline_range(today)
        if start and end:
            parts.append(f"sista ansökningsdag {swedish.datum(start)}–{swedish.datum(end)}")
        elif start:
            parts.append(f"sista ansökningsdag från {swedish.datum(start)}")
        elif end:
            parts.append(f"sista ansökningsdag senast {swedish.datum(end)}")
        return ", ".join(parts)


def by_call(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The rows grouped per call, in their order (a call's rows are together)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["call_id"], []).append(row)
    return list(groups.values())


@dataclass(frozen=True)
class Paging:
    page: int
    pages: int
    calls: int
    matches: int

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def page_of(rows: list[dict[str, Any]], page: int) -> tuple[list[dict[str, Any]], Paging]:
    """The rows of one page of PAGE_CALLS calls (a page past the end shows the last one)."""
    groups = by_call(rows)
    pages = max(1, -(-len(groups) // PAGE_CALLS))
    page = min(max(1, page), pages)
    shown = groups[(page - 1) * PAGE_CALLS : page * PAGE_CALLS]
    paging = Paging(page=page, pages=pages, calls=len(groups), matches=len(rows))
    return [row for group in shown for row in group], paging
