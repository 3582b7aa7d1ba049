"""`python -m crawler.dev.scrapyd_check [SOURCE]` (`make scrapyd-check`): proof that the spiders
run on Scrapyd as they run under `utlys crawl`.

It starts `scrapyd` on 127.0.0.1 (a free port, a temporary folder as its home and working
folder, so no scrapyd.conf of this machine counts), deploys a copy of the project there with
`scrapyd-deploy` (a copy, because scrapyd-deploy writes a setup.py and build folders into the
project it deploys), serves the bundled snapshot, schedules one spider through scrapyd-client's
ScrapydClient and waits for it. The job learns where to store its calls from Scrapy settings
passed with schedule.json (UTLYS_DB, UTLYS_SOURCES, UTLYS_TODAY, HTTPCACHE_DIR), and its
spider list from UTLYS_CONFIG_DIR in scrapyd's environment. Then `utlys crawl` of the same
source on the same snapshot goes into a second database, and the two must hold the same calls
and the same run outcome. Prints PASS or FAIL (with why); exits 1 on FAIL.

Needs the optional extra: `pip install -e '.[scrapyd]'`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crawler.config import REPO_ROOT
from crawler.store import open_db

PROJECT = "utlys"
# The calls' own fields; when a call was seen or changed differs between two crawls by nature.
COMPARED = (
    "id", "source", "funder", "title", "url", "programme", "summary", "status", "opens_on",
    "deadline", "deadline_time", "budget_sek", "cofinancing", "regions", "target_groups",
    "applicants", "documents", "published_on", "content_hash", "gone",
)  # fmt: skip
RUN_FIELDS = ("status", "items", "new", "changed", "gone", "error")
# What a deployed project needs: its packages, and what pyproject.toml reads to build them.
PROJECT_FILES = ("crawler", "spiders", "digest", "config", "pyproject.toml", "README.md")


class CheckFailed(Exception):
    """The one line that says why the check failed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_project(target: Path, port: int) -> Path:
    """The project as scrapyd-deploy should see it, with a `check` target at our scrapyd."""
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PROJECT_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)  # links become copies
        else:
            shutil.copy2(source, target / name)
    cfg = (REPO_ROOT / "scrapy.cfg").read_text(encoding="utf-8")
    cfg += f"\n[deploy:check]\nurl = http://127.0.0.1:{port}/\nproject = {PROJECT}\n"
    (target / "scrapy.cfg").write_text(cfg, encoding="utf-8")
    return target


@contextmanager
def scrapyd(home: Path, port: int, config_dir: Path) -> Iterator[Any]:
    """A scrapyd process on 127.0.0.1:port; yields a ScrapydClient once it answers."""
    from scrapyd_client.pyclient import ScrapydClient

    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.5\nmax_proc = 1\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HOME": str(home), "UTLYS_CONFIG_DIR": str(config_dir)}
    env.pop("PYTHONPATH", None)  # the deployed egg, not this checkout, is what runs
    log = (home / "scrapyd.out").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("scrapyd"))], cwd=home, env=env, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    client = ScrapydClient(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.daemonstatus()
                break
            except Exception as exc:  # noqa: BLE001 (not up yet: connection refused)
                if process.poll() is not None or time.monotonic() > deadline:
                    raise CheckFailed(f"scrapyd did not start ({exc}); see {log.name}") from None
                time.sleep(0.3)
        yield client
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def deploy(project: Path, home: Path) -> None:
    """`scrapyd-deploy check -p utlys` from the copy of the project."""
    env = {**os.environ, "HOME": str(home)}
    result = subprocess.run(
        [str(Path(sys.executable).with_name("scrapyd-deploy")), "check", "-p", PROJECT,
         "--version", "check"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode != 0 or '"status": "ok"' not in result.stdout:
        tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
        raise CheckFailed(f"scrapyd-deploy failed (exit {result.returncode}): {' | '.join(tail)}")


def wait_for(client: Any, job: str, timeout: float) -> str:
    """The job's final state ("finished"), or CheckFailed after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.status(job, PROJECT).get("currstate")
        if state == "finished":
            return state
        time.sleep(0.5)
    raise CheckFailed(f"job {job} did not finish in {timeout:g} s")


def stored(db_path: Path, source: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The source's calls (compared fields, by id) and run rows of one database."""
    if not db_path.exists():
        raise CheckFailed(f"{db_path}: no database was written")
    db = open_db(db_path)
    try:
        calls = [{k: row[k] for k in COMPARED} for row in db["calls"].rows_where(
            "source = ?", [source], order_by="id")]  # fmt: skip
        runs = [{k: row[k] for k in RUN_FIELDS} for row in db["source_runs"].rows_where(
            "source = ?", [source], order_by="id")]  # fmt: skip
    finally:
        db.close()
    return calls, runs


def differences(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[str]:
    """Readable lines for the calls that differ between two crawls."""
    a, b = {c["id"]: c for c in ours}, {c["id"]: c for c in theirs}
    lines = [f"only under utlys crawl: {i}" for i in sorted(a.keys() - b.keys())]
    lines += [f"only on scrapyd: {i}" for i in sorted(b.keys() - a.keys())]
    for call_id in sorted(a.keys() & b.keys()):
        for key in COMPARED:
            if a[call_id][key] != b[call_id][key]:
                lines.append(f"{call_id} {key}: {a[call_id][key]!r} != {b[call_id][key]!r}")
    return lines


def check(source: str, month: str, timeout: float, keep: bool) -> list[str]:
    """Run the whole check; the lines of its report (the last says PASS), or CheckFailed."""
    from crawler.crawl.runner import run_crawl
    from crawler.dev.snapserver import serve_snapshot, write_snapshot_sources

    home = Path(tempfile.mkdtemp(prefix="utlys-scrapyd-"))
    report: list[str] = [f"scrapyd home: {home}"]
    try:
        port = free_port()
        project = copy_project(home / "project", port)
        with serve_snapshot(month) as server:
            assert server.manifest is not None
            today = server.manifest.months[month]
            config_dir = home / "config"
            config_dir.mkdir()
            sources = write_snapshot_sources(server.base_url, config_dir / "sources.yaml")
            with scrapyd(home, port, config_dir) as client:
                report.append(f"scrapyd {client.daemonstatus().get('status')} on port {port}")
                deploy(project, home)
                spiders = client.spiders(PROJECT)
                report.append(f"deployed {PROJECT}: {len(spiders)} spiders")
                if source not in spiders:
                    raise CheckFailed(f"spider {source!r} not deployed (have: {spiders})")
                db_path = home / "scrapyd.db"
                settings = {
                    "UTLYS_DB": db_path,
                    "UTLYS_SOURCES": sources,
                    "UTLYS_TODAY": today,
                    "HTTPCACHE_DIR": home / "scrapyd.httpcache",
                }
                job = client.schedule(
                    PROJECT, source, [("setting", f"{k}={v}") for k, v in settings.items()]
                )
                report.append(f"scheduled {source} (job {job}) on the {month} snapshot")
                wait_for(client, job, timeout)
            reference = home / "utlys-crawl.db"
            run_crawl(reference, sources, only=[source], today=today)
        on_scrapyd, scrapyd_runs = stored(db_path, source)
        under_utlys, utlys_runs = stored(reference, source)
        report.append(
            f"stored: {len(on_scrapyd)} calls on scrapyd, {len(under_utlys)} under utlys crawl"
        )
        if not on_scrapyd:
            raise CheckFailed(f"the scrapyd job stored no calls of {source} (see {home}/logs)")
        diff = differences(under_utlys, on_scrapyd)
        if diff:
            raise CheckFailed(f"{len(diff)} difference(s): " + "; ".join(diff[:5]))
        if scrapyd_runs != utlys_runs:
            raise CheckFailed(f"runs differ: scrapyd {scrapyd_runs} != utlys crawl {utlys_runs}")
        report.append(f"run: {scrapyd_runs[-1]['status']}, same calls and outcome on both")
        return report
    except CheckFailed as exc:
        raise CheckFailed("\n".join([*report, f"FAIL: {exc}"])) from None
    finally:
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.dev.scrapyd_check", description=(
        "Deploy utlys on a local Scrapyd, crawl one source of the bundled snapshot there, and "
        "compare what it stored with `utlys crawl` of the same source."))  # fmt: skip
    parser.add_argument("source", nargs="?", default="esf", help="source id (default: esf)")
    parser.add_argument("--month", choices=["month1", "month2"], default="month1")
    parser.add_argument("--timeout", type=float, default=180, help="seconds for the job")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    try:
        import scrapyd  # noqa: F401
        import scrapyd_client  # noqa: F401
    except ImportError as exc:
        print(f"FAIL: {exc.name} is not installed: pip install -e '.[scrapyd]'", file=sys.stderr)
        return 1
    try:
        lines = check(args.source, args.month, args.timeout, args.keep)
    except CheckFailed as exc:
        print(exc)
        return 1
    print("\n".join(lines))
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
