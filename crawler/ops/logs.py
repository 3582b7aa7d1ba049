"""Logging for a process that runs unattended: one line per event, to stderr (for systemd's
journal) and to a rotating file (for a coordinator without journalctl), and the source id on
every line, so `grep ' esf '` over months of logs finds everything about one funder.

Any command logs to that file when given one: `utlys --log-file PATH` (or env UTLYS_LOG_FILE),
so a crawl or a send run by hand, or by cron, leaves the same trace as the scheduler's.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

LOGGER_NAME = "utlys"
# The file named on the command line; set in the environment so child processes log there too.
ENV_LOG_FILE = "UTLYS_LOG_FILE"
# Third-party loggers that share our handlers, at the level worth a line (APScheduler reports
# misfires and skipped instances as warnings; its INFO lines repeat ours).
LIBRARY_LEVELS = {"apscheduler": "WARNING"}
FORMAT = "%(asctime)s %(levelname)-7s %(source)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


class SourceFilter(logging.Filter):
    """Give every record a `source` attribute ("-" when the event concerns no source) and keep
    each record on one line: multi-line text from a child process or an exception would break
    the one-line-per-event promise that log readers and grep rely on."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "source", None):
            record.source = "-"
        return True


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return " | ".join(part for part in text.splitlines() if part.strip())


def get_logger(name: str = "", source: str | None = None) -> logging.LoggerAdapter:
    """A logger whose lines carry `source`; pass `extra={"source": ...}` per call to override."""
    full = f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME
    return _SourceAdapter(logging.getLogger(full), {"source": source or "-"})


class _SourceAdapter(logging.LoggerAdapter):
    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        extra = {**self.extra, **(kwargs.get("extra") or {})}
        kwargs["extra"] = extra
        return msg, kwargs


def default_log_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.log")


def setup_logging(
    file: str | Path | None,
    *,
    level: str = "INFO",
    max_bytes: int = 1_000_000,
    backups: int = 5,
    stderr: bool = True,
) -> logging.Logger:
    """Configure the `utlys` logger once per process; calling it again replaces the handlers
    (tests and the CLI may set up twice in one process). A file named by UTLYS_LOG_FILE (that
    is, `utlys --log-file`) wins over ``file``: the person at the command line decides over
    the settings file."""
    file = os.environ.get(ENV_LOG_FILE) or file
    loggers = {LOGGER_NAME: level.upper(), **LIBRARY_LEVELS}
    _remove_handlers(loggers)
    formatter = OneLineFormatter(FORMAT, DATE_FORMAT)
    handlers: list[logging.Handler] = []
    if stderr:
        handlers.append(logging.StreamHandler())
    if file:
        Path(file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
        )
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(SourceFilter())
    for name, name_level in loggers.items():
        logger = logging.getLogger(name)
        logger.setLevel(name_level)
        logger.propagate = False
        for handler in handlers:
            logger.addHandler(handler)
    return logging.getLogger(LOGGER_NAME)


def close_logging() -> None:
    """Close our handlers and hand the loggers back to the root logger, as before any setup
    (a command run in-process, as in tests, must not leave its file open or logging captured)."""
    names = [LOGGER_NAME, *LIBRARY_LEVELS]
    _remove_handlers(names)
    for name in names:
        logging.getLogger(name).setLevel(logging.NOTSET)
        logging.getLogger(name).propagate = True


def _remove_handlers(names: Iterable[str]) -> None:
    for name in names:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
