"""`utlys web` and `utlys init`: serving the coordinator's web app, and writing a configuration
folder to start from."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.options import DB_OPTION, NEEDS_OPTION, SETTINGS_OPTION
from crawler.config.files import write_config_dir
from crawler.config.settings import load_settings
from crawler.store.queries import open_existing_db


def register(cli: click.Group) -> None:
    cli.add_command(web)
    cli.add_command(init)


@click.command()
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
    db_path: Path, settings_path: Path | None, needs_path: Path | None, host: str, port: int
) -> None:
    """Serve the coordinator's web app (in Swedish): Översikt, Granska, Utlysningar and the
    public unsubscribe page."""
    from crawler.web import create_app, serve

    load_settings(settings_path)  # a mistyped --settings is the first thing to hear about
    open_existing_db(db_path).close()
    serve(
        create_app(db_path, settings_path=settings_path, needs_path=needs_path),
        host=host,
        port=port,
    )


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Write the commented default configuration (sources.yaml, needs.yaml, settings.yaml) into
    DIRECTORY, to edit and then use with --config-dir DIRECTORY (or UTLYS_CONFIG_DIR). Existing
    files are never overwritten."""
    for path in write_config_dir(directory):
        click.echo(f"wrote {path}")
    click.echo(f"next: edit them, then run e.g. `utlys --config-dir {directory} sources list`")
