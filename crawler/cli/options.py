"""Options that several `utlys` commands share, defined once so they read and default alike."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.store import DEFAULT_DB


def _file_option(name: str, dest: str, help_text: str) -> click.decorators.FC:
    return click.option(
        name, dest, type=click.Path(dir_okay=False, path_type=Path), default=None, help=help_text
    )


DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    envvar="UTLYS_DB",
    help="SQLite database file (or env UTLYS_DB).",
)
SOURCES_OPTION = _file_option(
    "--sources", "sources_path", "Sources file (default: config/sources.yaml)."
)
NEEDS_OPTION = _file_option(
    "--needs", "needs_path", "Needs inventory (default: config/needs.yaml)."
)
SETTINGS_OPTION = _file_option(
    "--settings", "settings_path", "Settings file (default: config/settings.yaml)."
)
