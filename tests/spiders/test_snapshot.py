"""Every spider reads the bundled snapshot as crawler/dev/snapshot/README.md documents it: month 1
(today 2026-10-15) for every source, and the month-2 changes (today 2026-11-16)."""

from pathlib import Path

import pytest
import yaml

from crawler.config import load_sources

EXPECTED = yaml.safe_load((Path(__file__).parent / "snapshot_month1.yaml").read_text("utf-8"))

SOURCE_IDS = [s.id for s in load_sources().sources]


@pytest.mark.parametrize("source_id", SOURCE_IDS)
def test_month1_snapshot_gives_the_documented_calls(crawl_snapshot, source_id):
    result = crawl_snapshot(source_id)
    assert not result.errors and result.spider.complete
    got = {
        (source_id, c.title): (c.status, c.opens_on, c.deadline, c.regions, c.budget_sek)
        for c in result.calls
    }
    expected = {
        (source_id, c["title"]): (
            c["status"],
            c["opens_on"],
            c["deadline"],
            c["regions"],
            c["budget_sek"],
        )
        for c in EXPECTED[source_id]
    }
    assert got == expected


def test_month1_has_at_least_forty_calls_across_sources(crawl_snapshot):
    assert sum(len(crawl_snapshot(s).calls) for s in SOURCE_IDS) >= 40


def test_month2_moves_a_deadline_opens_a_call_drops_one_and_adds_two(crawl_snapshot):
    def by_id(source, month):
        return {c.id: c for c in crawl_snapshot(source, month).calls}

    esf1, esf2 = by_id("esf", "month1"), by_id("esf", "month2")
    tvv1, tvv2 = by_id("tillvaxtverket", "month1"), by_id("tillvaxtverket", "month2")
    assert (esf1["esf:2026/00412"].deadline, esf2["esf:2026/00412"].deadline) == (
        "2026-11-26", "2026-12-10",
    )  # fmt: skip
    assert set(esf1) - set(esf2) == {"esf:2026/00366"}
    assert set(esf2) - set(esf1) == {"esf:2026/00447"}
    new = esf2["esf:2026/00447"]
    assert (new.status, new.regions) == ("open", ["Småland och Öarna"])
    opened = [k for k in tvv1 if "gronomstallning" in k][0]
    assert (tvv1[opened].status, tvv2[opened].status, tvv2[opened].deadline) == (
        "planned", "open", "2027-01-15",
    )  # fmt: skip
    assert len(set(tvv2) - set(tvv1)) == 1 and not set(tvv1) - set(tvv2)
    assert crawl_snapshot("esf", "month2").spider.complete


def test_esf_clarifications_stay_out_of_the_summary(crawl_snapshot):
    call = next(c for c in crawl_snapshot("esf").calls if c.id == "esf:2026/00398")
    assert "Timanställda" not in call.summary
