"""The ``job_runs`` table: what each scheduled job did, written when it starts (``running``)
and when it ends, so that a restarted scheduler finds the jobs it missed. What the rows mean
(which job is due, missed or done) is decided in crawler.ops.jobs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from crawler.store.db import write_transaction


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def job_fire_times(db: Database, job: str, statuses: Sequence[str]) -> list[str]:
    """The cron times (``scheduled_for``) a job's runs in these states answered."""
    rows = db.execute_returning_dicts(
        f"select scheduled_for from job_runs where job = ? and status in ({_marks(statuses)})",
        [job, *statuses],
    )
    return [row["scheduled_for"] for row in rows if row["scheduled_for"]]


def job_ok_for_period(db: Database, job: str, period: str) -> list[str | None]:
    """When each successful run of a monthly job for ``period`` finished."""
    rows = db.execute_returning_dicts(
        "select finished from job_runs where job = ? and period = ? and status = 'ok'",
        [job, period],
    )
    return [row["finished"] for row in rows]


def last_job_run(db: Database, job: str) -> dict[str, Any] | None:
    """A job's latest real run (not the marker of a first start)."""
    rows = db.execute_returning_dicts(
        "select * from job_runs where job = ? and status != 'registered' order by id desc limit 1",
        [job],
    )
    return rows[0] if rows else None


def interrupt_running_jobs(db: Database, stamp: str) -> int:
    """Runs left ``running`` by a scheduler that died become ``interrupted``; how many."""
    with write_transaction(db):
        return db.execute(
            "update job_runs set status = 'interrupted', finished = ?,"
            " detail = 'the scheduler stopped while this ran (pid ' || pid || ')'"
            " where status = 'running'",
            [stamp],
        ).rowcount


def add_job_runs(db: Database, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Append job runs in one transaction; their ids."""
    with write_transaction(db):
        return [db["job_runs"].insert(dict(row)).last_pk for row in rows]


def finish_job_run(db: Database, run_id: int, *, status: str, detail: str, finished: str) -> None:
    with write_transaction(db):
        db.execute(
            "update job_runs set status = ?, detail = ?, finished = ? where id = ?",
            [status, detail, finished, run_id],
        )
