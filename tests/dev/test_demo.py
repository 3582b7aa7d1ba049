"""`utlys demo`: offline, both months, the changes printed with titles, matches with reasons,
digests and the newsletter, everything in --workdir."""

from __future__ import annotations

from click.testing import CliRunner

from crawler.cli import cli
from crawler.dev.demo import (
    DEMO_STEPS,
    DemoContext,
    crawl_month1,
    crawl_month2,
    digest_month2,
    match_month2,
    run_demo,
)


def test_demo_crawls_both_months_and_prints_the_changes(tmp_path):
    workdir = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--workdir", str(workdir)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "== Crawl of month1 (as on 2026-10-15)" in out
    assert "== Crawl of month2 (as on 2026-11-16)" in out
    changes = out.split("== What changed between the two months", 1)[1]
    assert "new      Samverkan för unga vuxna med missbruk och psykisk ohälsa" in changes
    assert "new      Innovationsstöd för små och medelstora företag i Blekinge och Skåne" in changes
    assert "changed  Vägar till arbete med stöd av peer support" in changes
    assert "deadline: 2026-11-26 -> 2026-12-10" in changes
    assert "status: planned -> open" in changes
    assert (
        "missing  Livslångt lärande i små och medelstora företag (gone if the next crawl misses"
        " it too)" in changes
    )
    matching = out.split("== Matching against config/needs.yaml", 1)[1]
    assert "Växjö:" in matching and "i behovet Långtidsarbetslösa" in matching
    assert sorted(p.name for p in workdir.iterdir()) == [
        "newsletter",
        "outbox",
        "sources.yaml",
        "utlys.db",
        "utlys.db.crawl.log",
        "utlys.db.httpcache",
    ]
    digests = sorted((workdir / "outbox").glob("utlys.digest.2026-11.*.eml"))
    assert len(digests) == 8  # every municipality of Kronoberg has matching calls in month 2
    assert (workdir / "newsletter" / "2026-11.html").exists()
    assert str(workdir / "outbox") in out


def test_demo_starts_from_an_empty_database_and_runs_later_steps(tmp_path):
    seen: list[tuple[str | None, int]] = []

    def count_calls(ctx: DemoContext) -> None:
        from crawler.store import open_db

        seen.append((ctx.server.month, open_db(ctx.db_path)["calls"].count))
        ctx.extra["counted"] = True

    (tmp_path / "utlys.db").write_text("left over from an earlier run", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not ours", encoding="utf-8")
    result = run_demo(tmp_path, echo=lambda line: None, steps=[count_calls])
    assert seen == [("month1", 0)]  # the left-over file was removed, not opened
    assert result.extra == {"counted": True}
    assert (tmp_path / "notes.txt").exists()


def test_the_demo_crawls_then_matches_then_builds_digests():
    assert DEMO_STEPS == [crawl_month1, crawl_month2, match_month2, digest_month2]
