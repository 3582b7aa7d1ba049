"""The `utlys` command: a thin click layer over plain library functions.

Each area registers its own commands (crawl, match, digest, operations), so the CLI module stays
small and areas do not step on each other.
"""

from __future__ import annotations

import click

from crawler.cli import crawl as cli_crawl
from crawler.cli import digest as digest_cli
from crawler.cli import match as cli_match
from crawler.cli import ops as cli_ops


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="utlys")
def cli() -> None:
    """Watch Swedish funders for funding calls, match them to municipalities' needs and send
    monthly digests."""


for _module in (cli_crawl, cli_match, digest_cli, cli_ops):
    _module.register(cli)
