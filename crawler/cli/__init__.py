"""The `utlys` command: a thin click layer over plain library functions.

Each area registers its own commands (crawl, match, review, digest, operations); every command
parses its options, makes one library call and prints. What they share is defined once: the
options (options.py), the output formats (output.py) and the error mapper (errors.py), which
runs every command so that an expected error is one line, never a traceback.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import click

from crawler.cli import crawl as cli_crawl
from crawler.cli import digest as cli_digest
from crawler.cli import match as cli_match
from crawler.cli import ops as cli_ops
from crawler.cli import review as cli_review
from crawler.cli import web as cli_web
from crawler.cli.errors import Group
from crawler.config.files import ENV_CONFIG_DIR
from crawler.ops.logs import ENV_LOG_FILE, close_logging, get_logger, setup_logging

_WORDS = "utlys.words"  # ctx.meta: the command line as typed, for the log


class LoggedGroup(Group):
    """With a log file (--log-file, env UTLYS_LOG_FILE) every command, not only `schedule`,
    leaves a line when it starts and one saying how it ended, and what it logs on the way: a
    crawl run by hand or by cron is then as traceable as the scheduler's."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> click.Context:
        words = list(args)
        ctx = super().make_context(info_name, args, parent, **extra)
        ctx.meta[_WORDS] = words
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        log_file: Path | None = ctx.params.get("log_file")
        if log_file is None:
            return super().invoke(ctx)
        # Through the environment, so the crawl process and the scheduler see it too.
        os.environ[ENV_LOG_FILE] = str(log_file.resolve())
        setup_logging(log_file, stderr=False)  # the terminal already gets the command's output
        log = get_logger("cli")
        command = " ".join(["utlys", *ctx.meta.get(_WORDS, [])])
        log.info("%s: started", command)
        outcome = "interrupted"
        try:
            result = super().invoke(ctx)
            outcome = "done"
            return result
        except click.ClickException as exc:
            outcome = f"error: {exc.format_message()}"
            raise
        except (SystemExit, click.exceptions.Exit) as exc:
            code = exc.code if isinstance(exc, SystemExit) else exc.exit_code
            outcome = "done" if code in (0, None) else f"ended with exit code {code}"
            raise
        except Exception as exc:
            outcome = f"crashed: {type(exc).__name__}: {exc}"
            raise
        finally:
            level = logging.INFO if outcome == "done" else logging.ERROR
            log.log(level, "%s: %s", command, outcome)
            close_logging()


def _log_folder(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and not value.parent.is_dir():
        raise click.BadParameter(f"{value.parent}: no such folder for the log file")
    return value


@click.group(cls=LoggedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="utlys")
@click.option(
    "--config-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar=ENV_CONFIG_DIR,
    help="Folder with sources.yaml, needs.yaml and settings.yaml (or env UTLYS_CONFIG_DIR);"
    " default: ./config if it has a sources.yaml, else the configuration shipped with utlys.",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=ENV_LOG_FILE,
    callback=_log_folder,
    help="Log what the command does to this rotating file (or env UTLYS_LOG_FILE); for"
    " `schedule` it replaces logging.file of the settings. Default: no log file, except"
    " for `schedule`.",
)
def cli(config_dir: Path | None, log_file: Path | None) -> None:
    """Watch Swedish funders for funding calls, match them to municipalities' needs and send
    monthly digests."""
    if config_dir is not None:
        # Through the environment, so the crawl process and the scheduler's steps see it too.
        os.environ[ENV_CONFIG_DIR] = str(config_dir.resolve())


for _module in (cli_crawl, cli_match, cli_review, cli_digest, cli_ops, cli_web):
    _module.register(cli)
