"""Who gets which mail: the addresses in needs.yaml merged with the ``subscribers`` table.

The table wins over the config in one direction only: an address that unsubscribed (``remove``
or the unsubscribe link) has a row with ``active = 0`` and is never mailed again, even while it
is still listed in needs.yaml, until ``add`` puts it back explicitly. Addresses are compared in
lower case. The newsletter list is stored under the municipality ``*``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from crawler.config import ConfigError
from crawler.config.needs import EMAIL, Inventory, Subscriber
from crawler.store import now_iso, write_transaction
from crawler.store import subscribers as store

NEWSLETTER = "*"


@dataclass(frozen=True)
class Listed:
    """One line of ``utlys subscribers list``."""

    municipality: str
    email: str
    name: str | None
    origin: str  # config / added / config+added
    active: bool


def audience_name(inventory: Inventory, municipality: str) -> str:
    """The municipality's name as spelled in needs.yaml, or ``*`` for the newsletter list;
    ConfigError for a name the inventory does not know."""
    if municipality.strip() in (NEWSLETTER, "newsletter"):
        return NEWSLETTER
    return inventory.municipality(municipality).name


def _config(inventory: Inventory, municipality: str) -> tuple[Subscriber, ...]:
    if municipality == NEWSLETTER:
        return inventory.newsletter
    return inventory.municipality(municipality).subscribers


def recipients(db: Database, inventory: Inventory, municipality: str) -> list[Subscriber]:
    """Everyone who should get this municipality's digest (or ``*``: the newsletter) now."""
    municipality = audience_name(inventory, municipality)
    rows = store.subscriptions(db, municipality)
    merged: dict[str, Subscriber] = {}
    for sub in _config(inventory, municipality):
        row = rows.get(sub.email.lower())
        if row is None or row["active"]:
            merged[sub.email.lower()] = Subscriber(sub.email.lower(), sub.name)
    for key, row in rows.items():
        if row["active"] and key not in merged:
            merged[key] = Subscriber(key, row["name"])
    return list(merged.values())


def is_active(db: Database, municipality: str, email: str) -> bool:
    """False once the address unsubscribed from this list; checked again just before sending."""
    row = store.subscriptions(db, municipality).get(email.lower())
    return row is None or bool(row["active"])


def add(
    db: Database, inventory: Inventory, municipality: str, email: str, name: str | None = None
) -> str:
    """Subscribe an address (again): returns ``added``, ``resubscribed`` or ``unchanged``."""
    municipality = audience_name(inventory, municipality)
    email = _valid_email(email)
    with write_transaction(db):
        row = store.subscriptions(db, municipality).get(email)
        if row is None:
            store.add_subscriber(db, municipality, email, name=name, at=now_iso())
            return "added"
        if row["active"] and (name is None or name == row["name"]):
            return "unchanged"
        store.resubscribe(db, row["id"], name=name, at=now_iso())
        return "resubscribed" if not row["active"] else "updated"


def remove(db: Database, inventory: Inventory, municipality: str, email: str) -> str:
    """Unsubscribe an address, also one listed only in needs.yaml (a row with active = 0 keeps
    it from being mailed). Returns ``removed``, ``already removed`` or raises ConfigError for an
    address that is on neither list."""
    municipality = audience_name(inventory, municipality)
    email = _valid_email(email)
    return unsubscribe(db, municipality, email, known=_config(inventory, municipality))


def unsubscribe(
    db: Database, municipality: str, email: str, *, known: tuple[Subscriber, ...] = ()
) -> str:
    """The unsubscribe flow (link or command); idempotent."""
    email = email.strip().lower()
    with write_transaction(db):
        row = store.subscriptions(db, municipality).get(email)
        if row is None:
            if email not in {s.email.lower() for s in known}:
                raise ConfigError(f"{email} is not subscribed to {_label(municipality)}")
            name = next((s.name for s in known if s.email.lower() == email), None)
            store.record_unsubscribed(db, municipality, email, name=name, at=now_iso())
            return "removed"
        if not row["active"]:
            return "already removed"
        store.deactivate(db, row["id"], at=now_iso())
        return "removed"


def listing(db: Database, inventory: Inventory, municipality: str | None = None) -> list[Listed]:
    """Every address of every list (or of one), with where it comes from and whether it is
    still mailed."""
    names = (
        [audience_name(inventory, municipality)]
        if municipality
        else [m.name for m in inventory.municipalities] + [NEWSLETTER]
    )
    out: list[Listed] = []
    for name in names:
        rows = store.subscriptions(db, name)
        config = {s.email.lower(): s for s in _config(inventory, name)}
        for key in sorted(set(config) | set(rows)):
            row = rows.get(key)
            sub = config.get(key)
            if row is not None and row["added_at"] is None:
                origin = "config"  # a row only recording that a config address unsubscribed
            else:
                origin = "+".join(p for p, present in (("config", sub), ("added", row)) if present)
            out.append(
                Listed(
                    municipality=name,
                    email=key,
                    name=(row["name"] if row and row["name"] else None) or (sub and sub.name),
                    origin=origin,
                    active=row is None or bool(row["active"]),
                )
            )
    return out


def _valid_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise ConfigError(f"not a valid email address: {email!r}")
    return email


def _label(municipality: str) -> str:
    return "the newsletter list" if municipality == NEWSLETTER else municipality
