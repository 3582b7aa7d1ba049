"""The `utlys` command: a thin click layer over plain library functions.

Each area registers its own commands (crawl, match, review, digest, operations); every command
parses its options, makes one library call and prints. What they share is defined once: the
options (options.py), the output formats (output.py) and the error mapper (errors.py), which
runs every command so that an expected error is one line, never a traceback.
"""

from __future__ import annotations

import click

from crawler.cli import crawl as cli_crawl
from crawler.cli import digest as cli_digest
from crawler.cli import match as cli_match
from crawler.cli import ops as cli_ops
from crawler.cli import review as cli_review
from crawler.cli.errors import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="utlys")
def cli() -> None:
    """Watch Swedish funders for funding calls, match them to municipalities' needs and send
    monthly digests."""


for _module in (cli_crawl, cli_match, cli_review, cli_digest, cli_ops):
    _module.register(cli)
