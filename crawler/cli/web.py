"""`utlys web` and `utlys init`: serving the coordinator's web app (and setting its password),
and writing a configuration folder to start from."""

from __future__ import annotations

import os
from pathlib import Path

import click

from crawler.cli.options import DB_OPTION, NEEDS_OPTION, SETTINGS_OPTION
from crawler.config.files import write_config_dir
from crawler.config.settings import load_settings
from crawler.store.queries import open_existing_db

SET_PASSWORD = "set-password"


def register(cli: click.Group) -> None:
    cli.add_command(web)
    cli.add_command(init)


@click.command()
@click.argument(
    "action", required=False, type=click.Choice([SET_PASSWORD]), metavar=f"[{SET_PASSWORD}]"
)
@DB_OPTION
@SETTINGS_OPTION
@NEEDS_OPTION
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (this machine only, unless told otherwise).",
)
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
def web(
    action: str | None,
    db_path: Path,
    settings_path: Path | None,
    needs_path: Path | None,
    host: str,
    port: int,
) -> None:
    """Serve the coordinator's web app (in Swedish): Översikt, Granska, Utlysningar and the
    public unsubscribe page. It needs a password: env UTLYS_WEB_PASSWORD, or `utlys web
    set-password`, which asks for one twice and stores its hash beside the database (DB.webpass);
    without either it refuses to start."""
    if action == SET_PASSWORD:
        _set_password(db_path)
        return
    # Imported here: Flask and waitress load only for the commands that need them.
    from crawler.web import create_app, serve
    from crawler.web.password import require_password

    load_settings(settings_path)  # a mistyped --settings is the first thing to hear about
    open_existing_db(db_path).close()
    require_password(db_path)
    serve(
        create_app(db_path, settings_path=settings_path, needs_path=needs_path),
        host=host,
        port=port,
    )


def _set_password(db_path: Path) -> None:
    from crawler.web.password import PASSWORD_ENV, set_password

    open_existing_db(db_path).close()  # a mistyped --db must not leave a hash beside nothing
    new = click.prompt("New password for the web app", hide_input=True, confirmation_prompt=True)
    path = set_password(db_path, new)
    click.echo(f"wrote {path}")
    if os.environ.get(PASSWORD_ENV, "").strip():
        click.echo(f"note: {PASSWORD_ENV} is set and is used instead while it is")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Write the commented default configuration (sources.yaml, needs.yaml, settings.yaml) into
    DIRECTORY, to edit and then use with --config-dir DIRECTORY (or UTLYS_CONFIG_DIR). Existing
    files are never overwritten."""
    for path in write_config_dir(directory):
        click.echo(f"wrote {path}")
    click.echo(f"next: edit them, then run e.g. `utlys --config-dir {directory} sources list`")
