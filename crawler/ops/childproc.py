"""Run one step (a crawl, a match, a digest build) as a child process with a time limit.

A Twisted reactor cannot be restarted, so every crawl gets a fresh process; the same wrapper
runs the other steps, which keeps the scheduler alive whatever a step does. The child runs in
its own process group behind a small guard (``python -m crawler.ops.childproc``) so that:

- on timeout (or shutdown, for a crawl) the whole group is killed with SIGKILL: the crawl
  command may have children of its own, and a graceful Scrapy shutdown would store a partial
  listing as if it were the whole one. A crawl writes each source's batch in one transaction,
  so a hard kill loses the batches in progress, never half of one;
- if the scheduler itself dies, even by SIGKILL, the guard notices that its parent is gone and
  kills the group, instead of leaving an orphaned crawl running unsupervised.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

POLL = 0.1  # seconds between checks of the child, the clock and the stop flag
GUARD_POLL = 0.5  # seconds between the guard's checks that its parent is alive


@dataclass
class ChildResult:
    returncode: int | None
    timed_out: bool = False
    stopped: bool = False  # killed because the scheduler is shutting down
    seconds: float = 0.0
    output: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.stopped


def run_child(
    argv: Sequence[str],
    *,
    timeout: float,
    stop: threading.Event | None = None,
    kill_on_stop: bool = True,
    keep_fds: Sequence[int] = (),
    env: dict[str, str] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> ChildResult:
    """Run `argv` under the guard; kill its process group after `timeout` seconds, or when
    `stop` is set and `kill_on_stop` (otherwise a stopping scheduler lets the step finish).

    `keep_fds` are inherited by the child (a lock it must keep holding while it runs).
    `on_line` receives each line of the child's combined output as it comes.
    """
    guard = [sys.executable, "-m", "crawler.ops.childproc", str(os.getpid()), *map(str, keep_fds)]
    started = time.monotonic()
    proc = subprocess.Popen(
        [*guard, "--", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so killpg reaches grandchildren
        pass_fds=tuple(keep_fds),
        env=env,
    )
    result = ChildResult(returncode=None)
    reader = threading.Thread(target=_read_lines, args=(proc, result, on_line), daemon=True)
    reader.start()
    deadline = started + timeout
    while proc.poll() is None:
        if kill_on_stop and stop is not None and stop.is_set():
            result.stopped = True
            break
        if time.monotonic() >= deadline:
            result.timed_out = True
            break
        time.sleep(POLL)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    result.returncode = proc.wait()
    reader.join(timeout=5)
    if proc.stdout is not None:
        proc.stdout.close()
    result.seconds = time.monotonic() - started
    return result


def _read_lines(proc: subprocess.Popen, result: ChildResult, on_line: Callable | None) -> None:
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace").rstrip()
        if not line:
            continue
        result.output.append(line)
        del result.output[:-200]  # keep the tail only: a chatty crawl must not fill memory
        if on_line is not None:
            on_line(line)


def _guard(args: list[str]) -> int:
    """python -m crawler.ops.childproc PARENT_PID [KEEP_FD ...] -- COMMAND ..."""
    split = args.index("--")
    parent = int(args[0])
    keep = tuple(int(fd) for fd in args[1:split])
    if os.getppid() != parent:
        return 125  # the scheduler died before we even started
    child = subprocess.Popen(args[split + 1 :], pass_fds=keep)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())
    while True:
        try:
            return child.wait(timeout=GUARD_POLL)
        except subprocess.TimeoutExpired:
            pass
        if stopping.is_set() or os.getppid() != parent:
            os.killpg(0, signal.SIGKILL)  # the whole group, this guard included


if __name__ == "__main__":
    sys.exit(_guard(sys.argv[1:]))
