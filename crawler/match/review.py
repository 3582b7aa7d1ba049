"""The coordinator's review of matches: approve, reject with a reason, add a note.

Every command checks all the ids it was given before changing anything, so a typo in one id
leaves every match as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from crawler.store import write_transaction
from crawler.store.matches import (
    existing_match_ids,
    matched_municipalities,
    review_rows,
    set_note,
    set_review,
)

STATES = ("pending", "approved", "rejected")
# The reasons a coordinator picks from when rejecting (the web app's list); stored at the start
# of the match's ``reason`` as "<reason>: <free text>", so the matcher can learn from them.
REJECT_REASONS = (
    "fel region",
    "fel målgrupp",
    "kommunen kan inte söka",
    "inte aktuellt",
    "redan känd",
    "annat",
)


class ReviewError(ValueError):
    """A review command that cannot be carried out, phrased as the one line to show."""


def check_municipality(db: Database, municipality: str) -> str:
    """The stored spelling of a municipality that has matches; a name with none is a typo (or a
    municipality nothing matched), said in one line rather than shown as an empty list."""
    known = matched_municipalities(db)
    wanted = municipality.strip().casefold()
    for name in known:
        if name.casefold() == wanted:
            return name
    listed = ", ".join(known) or "none yet"
    raise ReviewError(f"no municipality {municipality!r} among the matches (known: {listed})")


def list_matches(
    db: Database, *, municipality: str | None = None, state: str | None = None
) -> list[dict[str, Any]]:
    """Matches with their call's title, funder and deadline, best first per municipality."""
    if state is not None and state not in STATES:
        raise ReviewError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
    if municipality:
        check_municipality(db, municipality)
    rows = review_rows(db, state)
    if municipality:
        # In Python: SQLite's NOCASE folds ASCII only, and "älmhult" must find "Älmhult".
        wanted = municipality.strip().casefold()
        rows = [row for row in rows if (row["municipality"] or "").casefold() == wanted]
    return rows


def _check(db: Database, ids: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        raise ReviewError("no match id given")
    found = existing_match_ids(db, ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ReviewError(f"no match with id {', '.join(missing)}; nothing was changed")
    return ids


def approve(db: Database, ids: Iterable[int]) -> int:
    with write_transaction(db):
        ids = _check(db, ids)
        set_review(db, ids, "approved", None)
    return len(ids)


def reject(db: Database, ids: Iterable[int], reason: str) -> int:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReviewError("a rejection needs a reason (--reason)")
    with write_transaction(db):
        ids = _check(db, ids)
        set_review(db, ids, "rejected", reason)
    return len(ids)


def rejection_reason(choice: str, text: str = "") -> str:
    """One stored reason from a choice of REJECT_REASONS and free text: "fel region: Skåne"."""
    choice = " ".join((choice or "").split()).casefold()
    text = " ".join((text or "").split())
    if choice not in REJECT_REASONS:
        raise ReviewError(f"unknown rejection reason {choice!r}; use one of the fixed list")
    if choice == "annat" and not text:
        raise ReviewError("the reason 'annat' needs a text saying why")
    return f"{choice}: {text}" if text else choice


def split_reason(reason: str | None) -> tuple[str | None, str]:
    """A stored reason as (choice from REJECT_REASONS or None, the rest): the CLI's free-text
    reasons come back as (None, text)."""
    reason = (reason or "").strip()
    for choice in REJECT_REASONS:
        if reason == choice or reason.startswith(choice + ":"):
            return choice, reason[len(choice) :].lstrip(": ").strip()
    return None, reason


def note(db: Database, match_id: int, text: str) -> None:
    """Set (or, with an empty text, clear) the note that the digest shows with the call."""
    text = " ".join((text or "").split())
    with write_transaction(db):
        _check(db, [match_id])
        set_note(db, match_id, text or None)
