"""Review cards: the rows of matches with their calls, grouped into one card per call with every
municipality it matched. Reading only; the templates show what is built here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crawler.match.review import split_reason
from crawler.web.common import json_list, need_title
from digest.content import Item, item_from_row

STATE_WORDS = {"pending": "Ej granskad", "approved": "Godkänd", "rejected": "Avvisad"}


@dataclass
class MatchView:
    id: int
    municipality: str
    review: str
    score: float
    needs: list[str]
    reasons: list[str]
    reason_choice: str | None
    reason_text: str
    note: str
    reviewed_at: str | None

    @property
    def state_text(self) -> str:
        return STATE_WORDS.get(self.review, self.review)


@dataclass
class Card:
    item: Item
    anchor: str
    first_seen: str | None
    matches: list[MatchView] = field(default_factory=list)

    @property
    def call_id(self) -> str:
        return self.item.call.id

    @property
    def ids(self) -> list[int]:
        return [m.id for m in self.matches]

    @property
    def municipalities(self) -> list[str]:
        return [m.municipality for m in self.matches]

    @property
    def pending(self) -> list[MatchView]:
        return [m for m in self.matches if m.review != "approved"]


def anchor_of(call_id: str) -> str:
    """An HTML id for a call's card (call ids hold ':' and '/')."""
    return "c-" + re.sub(r"[^A-Za-z0-9_-]+", "-", call_id).strip("-")


def match_view(row: dict[str, Any], *, id_key: str = "match_id") -> MatchView:
    choice, text = split_reason(row.get("reason"))
    return MatchView(
        id=int(row[id_key]),
        municipality=row["municipality"] or "",
        review=row["review"] or "pending",
        score=float(row["score"] or 0),
        needs=[need_title(n) for n in json_list(row.get("need_ids"))],
        reasons=json_list(row.get("reasons")),
        reason_choice=choice,
        reason_text=text,
        note=row.get("note") or "",
        reviewed_at=row.get("reviewed_at"),
    )


def build_cards(
    rows: list[dict[str, Any]], today: date, *, municipality: str | None = None
) -> list[Card]:
    """One card per call, in the rows' order (soonest deadline first); with ``municipality``,
    only that municipality's matches (its name compared case-insensitively, also for å, ä, ö)."""
    wanted = municipality.strip().casefold() if municipality else None
    cards: dict[str, Card] = {}
    for row in rows:
        if wanted and (row["municipality"] or "").casefold() != wanted:
            continue
        card = cards.get(row["call_id"])
        if card is None:
            call_row = {**row, "id": row["call_id"]}
            card = cards[row["call_id"]] = Card(
                item=item_from_row(call_row, today),
                anchor=anchor_of(row["call_id"]),
                first_seen=row.get("first_seen"),
            )
        card.matches.append(match_view(row))
    return list(cards.values())
