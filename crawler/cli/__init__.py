"""The `utlys` command: a thin click layer over plain library functions.

Each area registers its own commands (crawl, match, review, digest, operations); every command
parses its options, makes one library call and prints. What they share is defined once: the
options (options.py), the output formats (output.py) and the error mapper (errors.py), which
runs every command so that an expected error is one line, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from crawler.cli import crawl as cli_crawl
from crawler.cli import digest as cli_digest
from crawler.cli import match as cli_match
from crawler.cli import ops as cli_ops
from crawler.cli import review as cli_review
from crawler.cli import web as cli_web
from crawler.cli.errors import Group
from crawler.config.files import ENV_CONFIG_DIR


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="utlys")
@click.option(
    "--config-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar=ENV_CONFIG_DIR,
    help="Folder with sources.yaml, needs.yaml and settings.yaml (or env UTLYS_CONFIG_DIR);"
    " default: ./config if it has a sources.yaml, else the configuration shipped with utlys.",
)
def cli(config_dir: Path | None) -> None:
    """Watch Swedish funders for funding calls, match them to municipalities' needs and send
    monthly digests."""
    if config_dir is not None:
        # Through the environment, so the crawl process and the scheduler's steps see it too.
        os.environ[ENV_CONFIG_DIR] = str(config_dir.resolve())


for _module in (cli_crawl, cli_match, cli_review, cli_digest, cli_ops, cli_web):
    _module.register(cli)
