"""The ``subscribers`` table: the addresses added to a municipality's digest (or, under the
municipality ``*``, to the newsletter list) and those that unsubscribed (``active = 0``).
Merging them with needs.yaml is ``digest.subscribers``; the writes run inside its transaction.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from crawler.store.db import write_transaction


def subscriptions(db: Database, municipality: str) -> dict[str, dict[str, Any]]:
    """Every row of one list (the name compared without case), by address in lower case."""
    return {
        row["email"].lower(): row
        for row in db.execute_returning_dicts(
            "select * from subscribers where municipality = ? collate nocase", [municipality]
        )
    }


def add_subscriber(
    db: Database, municipality: str, email: str, *, name: str | None, at: str
) -> None:
    """A new active row: the address was added to the list ``at``."""
    with write_transaction(db):
        db["subscribers"].insert(
            {
                "municipality": municipality,
                "email": email,
                "name": name,
                "active": 1,
                "added_at": at,
            }
        )


def record_unsubscribed(
    db: Database, municipality: str, email: str, *, name: str | None, at: str
) -> None:
    """A new inactive row for an address listed only in needs.yaml that unsubscribed ``at``:
    without ``added_at``, so it still counts as coming from the config."""
    with write_transaction(db):
        db["subscribers"].insert(
            {
                "municipality": municipality,
                "email": email,
                "name": name,
                "active": 0,
                "added_at": None,
                "unsubscribed_at": at,
            }
        )


def resubscribe(db: Database, subscriber_id: int, *, name: str | None, at: str) -> None:
    """Make a row active again as added ``at``; a given name replaces the stored one."""
    with write_transaction(db):
        db.execute(
            "update subscribers set active = 1, unsubscribed_at = null, added_at = ?,"
            " name = coalesce(?, name) where id = ?",
            [at, name, subscriber_id],
        )


def deactivate(db: Database, subscriber_id: int, *, at: str) -> None:
    """The address unsubscribed ``at``: never mailed again until resubscribed."""
    with write_transaction(db):
        db.execute(
            "update subscribers set active = 0, unsubscribed_at = ? where id = ?",
            [at, subscriber_id],
        )
