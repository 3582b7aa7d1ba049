"""Options that several `utlys` commands share, defined once so they read, default and fail
alike: the files (--db, --sources, --needs, --settings), the day (--today) and the output
(--format)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from crawler.config import ConfigError
from crawler.store import DEFAULT_DB

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY_ENV = "UTLYS_TODAY"  # the demo and tests fix the day with it
FORMATS = ("table", "csv", "json")


def _file_option(name: str, dest: str, help_text: str) -> Callable[[Any], Any]:
    return click.option(
        name, dest, type=click.Path(dir_okay=False, path_type=Path), default=None, help=help_text
    )


def _db_folder(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """A database in a folder that does not exist is a typo: said here, once, for every command,
    instead of a lock file or SQLite failing later with its own words."""
    if not value.parent.is_dir():
        raise click.BadParameter(f"{value.parent}: no such folder for the database")
    return value


DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    envvar="UTLYS_DB",
    callback=_db_folder,
    help="SQLite database file (or env UTLYS_DB).",
)
SOURCES_OPTION = _file_option(
    "--sources",
    "sources_path",
    "Sources file (default: sources.yaml of the config folder, see utlys --help).",
)
NEEDS_OPTION = _file_option(
    "--needs",
    "needs_path",
    "Needs inventory (default: needs.yaml of the config folder, see utlys --help).",
)
SETTINGS_OPTION = _file_option(
    "--settings",
    "settings_path",
    "Settings file, which must exist (default: settings.yaml of the config folder, if there).",
)


class IsoDay(click.ParamType):
    """A day written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


TODAY_OPTION = click.option(
    "--today",
    type=IsoDay(),
    default=None,
    help="The day to act as on (default: env UTLYS_TODAY, else today in Stockholm).",
)


def today_or_default(day: date | None) -> date:
    """The day a command acts as on: --today, else UTLYS_TODAY, else today in Stockholm (the
    funders' deadlines are Swedish days, whatever the machine's time zone)."""
    if day is not None:
        return day
    value = os.environ.get(TODAY_ENV)
    if value:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ConfigError(f"{TODAY_ENV}={value!r}: expected YYYY-MM-DD") from None
    return datetime.now(STOCKHOLM).date()


FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Aligned columns, or every field as CSV (spreadsheet-safe) or JSON.",
)
