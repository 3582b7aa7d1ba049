"""The scheduler's decisions on a controllable clock: what fired last, what was missed while
the machine was off, and that monthly work is done once per period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from crawler.ops.jobs import digest_send_decision, missed_jobs, previous_fire_time
from crawler.store import open_db

from .conftest import STOCKHOLM, at

QUIET = {  # jobs that do not fire in the tests' window unless a test says so
    "digest_build": "0 7 1 1 *",
    "digest_send": "0 8 1 1 *",
    "newsletter_build": "0 9 1 1 *",
}


@pytest.mark.parametrize(
    ("cron", "now", "expected"),
    [
        ("0 6 * * *", "2026-11-23 10:00", "2026-11-23 06:00"),
        ("0 6 * * *", "2026-11-23 05:59", "2026-11-22 06:00"),
        ("0 6 * * *", "2026-11-23 06:00", "2026-11-23 06:00"),
        ("* * * * *", "2026-11-23 10:00", "2026-11-23 10:00"),
        ("*/15 * * * *", "2026-11-23 10:14", "2026-11-23 10:00"),
        ("0 7 1-3 * mon-fri", "2026-11-23 10:00", "2026-11-03 07:00"),  # Nov 1 is a Sunday
        ("0 9 last * *", "2026-11-23 10:00", "2026-10-31 09:00"),
        ("0 8 1 1 *", "2026-11-23 10:00", "2026-01-01 08:00"),
    ],
)
def test_previous_fire_time_is_the_latest_cron_time_not_after_now(cron, now, expected):
    trigger = CronTrigger.from_crontab(cron, timezone=STOCKHOLM)
    assert previous_fire_time(trigger, at(now)) == at(expected)


def test_previous_fire_time_follows_summer_time_change():
    trigger = CronTrigger.from_crontab("30 2 * * *", timezone=STOCKHOLM)
    # 2026-03-29 02:30 does not exist in Stockholm (clocks jump 02:00 -> 03:00).
    fire = previous_fire_time(trigger, at("2026-03-29 12:00"))
    assert fire is not None and fire < at("2026-03-29 12:00")
    assert fire.utcoffset() in (timedelta(hours=1), timedelta(hours=2))


def test_a_fresh_install_missed_nothing(harness):
    h = harness({"crawl": "0 6 * * *", **QUIET})
    assert h.runner.startup(at("2026-11-23 10:00")) == []
    assert {r["status"] for r in h.job_runs()} == {"registered"}
    assert h.ran() == []


def test_a_missed_daily_crawl_runs_once(harness):
    h = harness({"crawl": "0 6 * * *", **QUIET})
    h.runner.startup(at("2026-11-20 05:00"))  # first start, then the machine was off
    missed = h.runner.startup(at("2026-11-23 10:00"))  # three 06:00 crawls missed
    assert missed == ["crawl"]
    outcome = h.runner.run("crawl", at("2026-11-23 10:00"))
    assert outcome is not None and outcome.status == "ok", outcome
    assert h.ran().count("crawl -") == 1
    # The run answered the latest cron time, so nothing is missed any more.
    assert h.runner.startup(at("2026-11-23 10:05")) == []
    [run] = [r for r in h.job_runs("crawl") if r["status"] != "registered"]
    assert run["scheduled_for"] == "2026-11-23T06:00:00+01:00"


def test_a_crawl_interrupted_by_a_killed_scheduler_is_run_again_once(harness):
    h = harness({"crawl": "0 6 * * *", **QUIET})
    h.runner.startup(at("2026-11-22 05:00"))
    db = open_db(h.db_path)
    db["job_runs"].insert(  # what a scheduler killed by SIGKILL mid-crawl leaves behind
        {
            "job": "crawl",
            "scheduled_for": "2026-11-23T06:00:00+01:00",
            "started": "2026-11-23T06:00:00+01:00",
            "status": "running",
            "pid": 999999,
        }
    )
    db.close()
    assert h.runner.startup(at("2026-11-23 06:10")) == ["crawl"]
    [stale] = [r for r in h.job_runs("crawl") if r["pid"] == 999999]
    assert stale["status"] == "interrupted"
    h.runner.run("crawl", at("2026-11-23 06:10"))
    assert h.runner.startup(at("2026-11-23 06:20")) == []
    assert h.ran() == ["crawl -", "match -"]


def test_a_missed_monthly_digest_is_built_once(harness):
    h = harness({"crawl": "0 6 1 1 *", "digest_build": "0 7 1-3 * mon-fri"})
    h.runner.startup(at("2026-10-30 12:00"))
    # Off from October 30 to November 5: the build of Monday November 2 was missed.
    missed = h.runner.startup(at("2026-11-05 09:00"))
    assert "digest-build" in missed
    first = h.runner.run("digest-build", at("2026-11-05 09:00"))
    assert first.status == "ok" and first.period == "2026-11"
    # Its later cron times in the month (Nov 3) and a restart do not build it again.
    assert "digest-build" not in h.runner.startup(at("2026-11-05 09:10"))
    again = h.runner.run("digest-build", at("2026-11-05 09:10"))
    assert again.status == "skipped"
    assert h.ran() == ["build 2026-11"]


def _deliveries(db_path, period, statuses):
    db = open_db(db_path)
    for n, status in enumerate(statuses):
        db["deliveries"].insert(
            {
                "kind": "digest",
                "period": period,
                "recipient": f"r{n}@example.se",
                "status": status,
                "created_at": "2026-11-02T06:00:00+00:00",
            }
        )
    return db


def _match(db, review, matched_at="2026-11-01T05:00:00+00:00"):
    db.execute("pragma foreign_keys = off")
    db["matches"].insert(
        {
            "call_id": f"c{db['matches'].count}",
            "municipality": "Växjö",
            "review": review,
            "matched_at": matched_at,
        }
    )


@pytest.mark.parametrize(
    ("statuses", "reviews", "day", "action"),
    [
        ([], [], 5, "wait"),  # nothing built yet
        (["built"], ["pending"], 5, "wait"),  # not reviewed, before the send day
        (["built"], ["pending"], 10, "send"),  # the send day: sent reviewed or not
        (["built"], ["approved", "rejected"], 5, "send"),  # all reviewed
        (["sent", "sent"], [], 5, "done"),  # never twice
        (["sent", "built"], ["pending"], 5, "resume"),  # an interrupted send goes on
    ],
)
def test_digest_send_decision(db_path, statuses, reviews, day, action):
    db = _deliveries(db_path, "2026-11", statuses)
    for review in reviews:
        _match(db, review)
    decision = digest_send_decision(db, "2026-11", at(f"2026-11-{day:02d} 08:00"), send_day=10)
    assert decision.action == action, decision.reason


def test_matches_found_after_the_build_do_not_hold_the_digest(db_path):
    db = _deliveries(db_path, "2026-11", ["built"])
    _match(db, "approved")
    _match(db, "pending", matched_at="2026-11-04T05:00:00+00:00")  # after the build
    decision = digest_send_decision(db, "2026-11", at("2026-11-05 08:00"), send_day=10)
    assert decision.action == "send"


def test_the_monthly_digest_is_never_sent_twice(harness, monkeypatch):
    monkeypatch.setenv("STANDIN_RECIPIENTS", "a@example.se,b@example.se")
    h = harness(
        {
            "crawl": "0 6 1 1 *",
            "digest_build": "0 7 1-3 * mon-fri",
            "digest_send": "0 8 * * mon-fri",
            "newsletter_build": "0 9 1 1 *",
        }
    )
    h.runner.startup(at("2026-11-01 12:00"))
    h.runner.run("digest-build", at("2026-11-02 07:00"))
    sent = h.runner.run("digest-send", at("2026-11-02 08:00"))  # nothing pending: send
    assert sent.status == "ok", sent
    # The next days' cron times, and a restart that thinks it missed them, send nothing.
    for now in ("2026-11-03 08:00", "2026-11-10 08:00"):
        h.runner.startup(at(now))
        assert h.runner.run("digest-send", at(now)).status == "skipped"
        assert h.runner.run("digest-build", at(now)).status == "skipped"
    assert h.ran() == ["build 2026-11", "build 2026-11", "send 2026-11"]
    db = open_db(h.db_path)
    rows = db.execute_returning_dicts("select status from deliveries where period = '2026-11'")
    assert [r["status"] for r in rows] == ["sent", "sent"]


def test_a_failing_step_is_recorded_and_the_scheduler_goes_on(harness):
    h = harness({"crawl": "0 6 * * *", **QUIET})
    h.runner.commands["digest-build"] = h.runner.commands["digest-build"][:-1] + ["fail"]
    h.runner.startup(at("2026-11-01 12:00"))
    outcome = h.runner.run("digest-build", at("2026-11-02 07:00"))
    assert outcome.status == "failed"
    assert "exit 2" in outcome.detail and "stand-in failure" in outcome.detail
    # A failed build is not "done": the next cron time in the month tries again.
    assert h.runner.run("digest-build", at("2026-11-03 07:00")).status == "failed"


def test_missed_jobs_ignores_jobs_whose_cron_time_is_before_their_last_run(harness):
    h = harness({"crawl": "0 6 * * *", **QUIET})
    h.runner.startup(at("2026-11-23 05:00"))
    h.runner.run("crawl", at("2026-11-23 06:00"))
    db = open_db(h.db_path)
    assert missed_jobs(db, h.runner.settings.schedule, at("2026-11-23 23:00")) == []
    assert missed_jobs(db, h.runner.settings.schedule, at("2026-11-24 06:00")) == ["crawl"]


def test_a_month_with_nothing_sent_yet_is_checked_again(db_path):
    """A send check that found nothing approved does not close the month: matches approved
    later still go out at the next check."""
    db = open_db(db_path)
    for job in ("digest-build", "digest-send"):
        db["job_runs"].insert(
            {"job": job, "period": "2026-11", "status": "ok",
             "finished": "2026-11-10T08:00:00+01:00"}
        )  # fmt: skip
    _match(db, "approved")
    decision = digest_send_decision(db, "2026-11", at("2026-11-11 08:00"), send_day=10)
    assert decision.action == "send"


@pytest.mark.parametrize(("send", "expected"), [(False, []), (True, ["newsletter-send 2026-11"])])
def test_the_newsletter_is_built_once_a_month_and_sent_only_if_configured(harness, send, expected):
    h = harness({"newsletter_build": "0 9 last * *", "newsletter_send": send})
    h.runner.startup(at("2026-11-01 12:00"))
    assert h.runner.run("newsletter-build", at("2026-11-30 09:00")).status == "ok"
    assert h.runner.run("newsletter-build", at("2026-11-30 09:30")).status == "skipped"
    assert h.ran() == ["newsletter 2026-11", *expected]
