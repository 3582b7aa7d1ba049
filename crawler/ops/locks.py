"""OS file locks next to the database, so two processes never crawl into it at once.

`flock` locks belong to the open file, not the process: the kernel drops them when the last
process holding the file dies, however it dies (SIGKILL included), so a crash never leaves a
stale lock behind. A crawl's child process inherits the descriptor, which keeps the lock held
for as long as any part of the crawl still runs, even if the scheduler that started it was
killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path


class LockBusy(RuntimeError):
    """Another process holds the lock; the message says which file and, if known, which pid."""


class FileLock:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.fd: int | None = None

    def acquire(self, wait: float = 0.0, poll: float = 0.2) -> FileLock:
        """Take the lock, waiting up to `wait` seconds; raise LockBusy when it stays held."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise LockBusy(f"{self.path} is held by another process{holder}") from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def is_locked(path: str | Path) -> bool:
    """Whether some process holds the lock now (for `utlys status`; racy by nature)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock we may just have taken
    return False


# Set by a parent that already holds the crawl lock for its child (the scheduler), so that the
# child's `utlys crawl` does not wait for a lock its own parent holds.
CRAWL_LOCK_HELD = "UTLYS_CRAWL_LOCK_HELD"


def crawl_lock(db_path: str | Path) -> FileLock:
    """The lock every crawl into `db_path` should hold (the scheduler does)."""
    return FileLock(f"{db_path}.crawl.lock")


@contextlib.contextmanager
def crawl_guard(db_path: str | Path) -> Iterator[None]:
    """Hold the crawl lock for a crawl started by hand, without waiting: a manual crawl while
    the scheduler crawls stops with LockBusy instead of racing it. A child whose parent holds
    the lock for it (CRAWL_LOCK_HELD) crawls under its parent's lock."""
    if os.environ.get(CRAWL_LOCK_HELD) == "1":
        yield
        return
    try:
        lock = crawl_lock(db_path).acquire(wait=0)
    except LockBusy as exc:
        raise LockBusy(f"another crawl is running: {exc}") from None
    try:
        yield
    finally:
        lock.release()


def scheduler_lock(db_path: str | Path) -> FileLock:
    """Held by `utlys schedule` for its whole life: one scheduler per database."""
    return FileLock(f"{db_path}.schedule.lock")


def _read_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
