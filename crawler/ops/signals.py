"""Signals for commands that must not be cut off half-way: a service stop (SIGTERM) or a
timeout interrupts like Ctrl-C, so the code in progress unwinds through its own handlers
(a message not yet handed to the mail server goes back to ``built``, not ``sending``)."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import Any


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt while the block runs; the previous handler after."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
