"""The scheduler holds the crawl lock and hands it to its crawl child: the real `utlys crawl`
then runs, while the same command started without the hand-over is refused."""

import os
import sys

from crawler.dev.snapserver import write_snapshot_sources
from crawler.ops.childproc import run_child
from crawler.ops.locks import CRAWL_LOCK_HELD, crawl_lock
from crawler.store import open_db


def test_a_crawl_child_runs_under_its_parents_lock_and_a_stranger_is_refused(
    tmp_path, snapshot_server
):
    db_path = tmp_path / "utlys.db"
    sources = write_snapshot_sources(snapshot_server.base_url, tmp_path / "sources.yaml")
    argv = [sys.executable, "-m", "crawler", "crawl", "--db", str(db_path)]
    argv += ["--sources", str(sources), "--only", "bra", "--today", "2026-10-15"]
    with crawl_lock(db_path) as lock:
        stranger = run_child(argv, timeout=60, env={**os.environ, CRAWL_LOCK_HELD: "0"})
        child = run_child(
            argv, timeout=60, keep_fds=[lock.fd], env={**os.environ, CRAWL_LOCK_HELD: "1"}
        )
    assert stranger.returncode == 1
    assert any("another crawl is running" in line for line in stranger.output)
    assert child.returncode == 0, child.output
    assert open_db(db_path)["calls"].count == 3
