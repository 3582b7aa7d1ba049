"""The ok / failed / empty rule, case by case (crawler/source_report.py)."""

from __future__ import annotations

import pytest

from crawler.crawl.report import SourceReport, decide

BASE = dict(problems=[], calls_found=9, pages=10, known_before=9, listing_complete=True,
            finish_reason="finished")  # fmt: skip


@pytest.mark.parametrize(
    "change, status, error, store, complete",
    [
        ({}, "ok", None, True, True),
        ({"known_before": 0}, "ok", None, True, True),
        ({"calls_found": 0}, "empty", "no calls found in 10 pages (used to find 9)", False, False),
        ({"calls_found": 0, "known_before": 0, "pages": 1}, "empty", "no calls found in 1 page",
         False, False),
        ({"problems": ["HTTP 500 on /x"]}, "failed", "HTTP 500 on /x", True, False),
        ({"problems": ["HTTP 500 on /x", "HTTP 404 on /y"], "calls_found": 0}, "failed",
         "HTTP 500 on /x (+1 more)", False, False),
        ({"listing_complete": False}, "failed",
         "listing not read completely (a listing page failed)", True, False),
        ({"finish_reason": "shutdown"}, "failed", "crawl stopped early (shutdown)", True, False),
        ({"problems": ["timeout after 30 s on /x"], "finish_reason": "closespider_timeout"},
         "failed", "timeout after 30 s on /x (+1 more)", True, False),
    ],
)  # fmt: skip
def test_decide_applies_the_rule(change, status, error, store, complete):
    verdict = decide(**{**BASE, **change})
    assert (verdict.status, verdict.error, verdict.store, verdict.complete) == (
        status,
        error,
        store,
        complete,
    )


def test_only_an_ok_crawl_may_mark_calls_gone():
    cases = [
        {"problems": ["x"]},
        {"calls_found": 0},
        {"listing_complete": False},
        {"finish_reason": "cancelled"},
    ]
    assert [decide(**{**BASE, **c}).complete for c in cases] == [False] * 4
    assert decide(**BASE).complete is True


def test_a_report_round_trips_through_json_and_gives_its_source_runs_row():
    report = SourceReport(source="esf", status="ok", items=3, new=1, new_ids=["esf:1"])
    again = SourceReport.from_dict({**report.to_dict(), "unknown": 1})
    assert again == report
    row = report.run_row()
    assert row["source"] == "esf" and row["new"] == 1 and "new_ids" not in row
