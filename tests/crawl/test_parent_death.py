"""`kill -9` of `utlys crawl` must not leave its crawl process running: an orphan would keep
crawling (and writing) after the crawl lock was freed, beside the next crawl."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawler.dev.snapserver import serve_snapshot
from tests.crawl.conftest import write_sources


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_crawl_process_dies_with_a_killed_utlys_crawl(tmp_path):
    with serve_snapshot("month1") as server:
        server.add_fault("/esf/utlysningar/", "hang")
        source = {
            "id": "esf",
            "funder": "Svenska ESF-rådet",
            "spider": "esf",
            "start_urls": [server.base_url + "/esf/utlysningar/"],
        }
        sources = write_sources(tmp_path / "s.yaml", [source], timeout=60)
        argv = [sys.executable, "-m", "crawler", "crawl", "--db", str(tmp_path / "u.db")]
        parent = subprocess.Popen([*argv, "--sources", str(sources)], cwd=tmp_path)
        try:
            deadline = time.monotonic() + 30
            while not children_of(parent.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            (child,) = children_of(parent.pid)
            time.sleep(1.0)  # the child is inside its crawl, waiting on the hanging page
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait()
            deadline = time.monotonic() + 10
            while alive(child) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not alive(child), "the crawl process outlived its parent"
        finally:
            if parent.poll() is None:
                parent.kill()
            for pid in [p for p in (locals().get("child"),) if p and alive(p)]:
                os.kill(pid, signal.SIGKILL)
