"""The one error mapper of `utlys`: every expected failure becomes one line (``Error: ...``,
exit 1) instead of a traceback, whatever command it comes from.

The library phrases its errors for people already (a config error names the file, the entry
and the field); this module only decides which exceptions are expected and prints them. It is
applied once, to the `utlys` group, so a new command gets it without doing anything. A bug
(TypeError, KeyError, ...) still shows its traceback.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

import click

from crawler.config import ConfigError
from crawler.ops.locks import LockBusy
from crawler.store.backup import BackupError
from digest.transport import TransportError

# ConfigError and the review's errors are ValueErrors too: the library's way to say "bad input".
EXPECTED: tuple[type[BaseException], ...] = (
    ConfigError,
    ValueError,
    BackupError,
    LockBusy,
    TransportError,
    sqlite3.DatabaseError,
    OSError,
)


def one_line(exc: BaseException) -> str:
    """The line to show for an expected error."""
    if isinstance(exc, sqlite3.DatabaseError):
        return f"database: {exc}"
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}"
    return " ".join(str(exc).split()) or type(exc).__name__


@contextlib.contextmanager
def one_line_errors() -> Iterator[None]:
    """Expected errors inside the block become click.ClickException (one line, exit 1)."""
    try:
        yield
    except click.ClickException:
        raise
    except BrokenPipeError:
        raise  # click's own business: output piped into `head`
    except EXPECTED as exc:
        raise click.ClickException(one_line(exc)) from None


class Group(click.Group):
    """The `utlys` group: runs every subcommand (and its subcommands) under `one_line_errors`."""

    def invoke(self, ctx: click.Context) -> Any:
        with one_line_errors():
            return super().invoke(ctx)
