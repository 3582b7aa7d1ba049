"""The one level of undo of the web app's review (table ``review_undo``): each action records
the review state of every match it changed, before and after, and undoing puts back the
"before" of exactly those rows.

An undo is refused, changing nothing, when any of its rows is no longer as the action left it
(changed by a later `utlys review`, or removed by a match run): putting back the old state then
would overwrite a decision made since.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlite_utils import Database

from crawler.store.db import now_iso, write_transaction

# What a review action may change of a match, and so what an undo puts back.
FIELDS = ("review", "reason", "note", "reviewed_at")


def match_states(db: Database, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The review fields of the given matches that exist, by id."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        for row in db.execute_returning_dicts(
            f"select id, {', '.join(FIELDS)} from matches where id in ({marks})", chunk
        ):
            found[int(row.pop("id"))] = row
    return found


@contextlib.contextmanager
def recorded(db: Database, ids: Sequence[int], action: str) -> Iterator[None]:
    """Run a review action on ``ids`` in one transaction and make it the one to undo; an action
    that fails records nothing and changes nothing. ``action`` says what it did, in Swedish
    ("godkänd för Växjö, Alvesta")."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    with write_transaction(db):
        before = match_states(db, ids)
        yield
        after = match_states(db, ids)
        rows = [
            {"id": i, "before": before[i], "after": after[i]}
            for i in ids
            if i in before and i in after and before[i] != after[i]
        ]
        if rows:  # an action that changed nothing leaves the one before it to undo
            cursor = db.execute(
                "insert into review_undo (action, created_at, rows) values (?, ?, ?)",
                [action, now_iso(), json.dumps(rows, ensure_ascii=False)],
            )
            db.execute("delete from review_undo where id < ?", [cursor.lastrowid])


def last_action(db: Database) -> dict[str, Any] | None:
    """The action an undo would take back: id, action, created_at and how many rows."""
    rows = db.execute_returning_dicts(
        "select id, action, created_at, undone_at, json_array_length(rows) as rows"
        " from review_undo order by id desc limit 1"
    )
    return rows[0] if rows and not rows[0]["undone_at"] else None


def undo(db: Database, undo_id: int) -> tuple[str, dict[str, Any] | None]:
    """Put back the rows of action ``undo_id`` when it is still the last one and none of its
    rows changed since: ("undone", the action), ("gone", None) when there is no such action to
    undo, or ("changed", the action) when a row changed since (nothing is changed then)."""
    with write_transaction(db):
        found = db.execute_returning_dicts(
            "select id, action, created_at, rows from review_undo where id = ?"
            " and undone_at is null",
            [undo_id],
        )
        if not found:
            return "gone", None
        action = found[0]
        rows = json.loads(action.pop("rows"))
        now = match_states(db, [row["id"] for row in rows])
        if any(now.get(row["id"]) != row["after"] for row in rows):
            return "changed", action
        for row in rows:
            db.execute(
                f"update matches set {', '.join(f'{name} = ?' for name in FIELDS)} where id = ?",
                [*(row["before"][name] for name in FIELDS), row["id"]],
            )
        db.execute("update review_undo set undone_at = ? where id = ?", [now_iso(), undo_id])
        action["rows"] = len(rows)
        return "undone", action
