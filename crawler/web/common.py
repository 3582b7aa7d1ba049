"""What every page of the web app shares: the database of this request, the needs inventory,
today's date and the Swedish messages shown after an action."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, flash, g
from sqlite_utils import Database

from crawler.config import ConfigError
from crawler.config.needs import Inventory, load_needs
from crawler.store import open_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def db() -> Database:
    """One connection per request (SQLite connections stay in the thread that opened them)."""
    if "db" not in g:
        g.db = open_db(current_app.config["UTLYS_DB"])
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    database = g.pop("db", None)
    if database is not None:
        database.close()


def inventory() -> Inventory | None:
    """The needs inventory, or None (with the one-line error in ``g.inventory_error``) when
    needs.yaml cannot be read: review still works, with need ids instead of titles."""
    if "inventory" not in g:
        try:
            g.inventory = load_needs(current_app.config["UTLYS_NEEDS"])
            g.inventory_error = None
        except ConfigError as exc:
            g.inventory, g.inventory_error = None, str(exc)
    return g.inventory


def today() -> date:
    """The app's TODAY setting (tests), else UTLYS_TODAY (the demo), else today in Stockholm."""
    value = current_app.config.get("TODAY") or os.environ.get("UTLYS_TODAY")
    if isinstance(value, date):
        return value
    if value:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            pass
    return datetime.now(STOCKHOLM).date()


def need_title(need_id: str) -> str:
    inv = inventory()
    if inv is not None:
        for need in inv.needs:
            if need.id == need_id:
                return need.title
    return need_id


def municipality_names(seen: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The inventory's municipalities, then any other name that has matches."""
    inv = inventory()
    names = [m.name for m in inv.municipalities] if inv is not None else []
    known = {n.casefold() for n in names}
    names += sorted({n for n in seen if n and n.casefold() not in known}, key=str.casefold)
    return names


def json_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        loaded = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    return [str(v) for v in loaded] if isinstance(loaded, list) else [str(loaded)]


def done(text: str) -> None:
    flash(text, "ok")


def failed(text: str) -> None:
    flash(text, "fel")


def names_text(names: list[str]) -> str:
    """The names an action touched, each once, as the messages say them: "Växjö, Alvesta"."""
    return ", ".join(dict.fromkeys(names))
