"""`utlys demo`: offline, both months, the changes printed with titles, matches with reasons,
digests and the newsletter, everything in --workdir."""

from __future__ import annotations

import email
from email import policy
from urllib.parse import unquote_plus, urlsplit

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
from crawler.store import open_db
from crawler.web import create_app
from digest.subscribers import is_active


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
    matching = out.split("== Matching against config/needs.yaml with the example needs", 1)[1]
    assert "Växjö:" in matching and "i behovet Långtidsarbetslösa" in matching
    assert sorted(p.name for p in workdir.iterdir()) == [
        "newsletter",
        "outbox",
        "sources.yaml",
        "utlys.db",
        "utlys.db.crawl.log",
        "utlys.db.httpcache",
        "utlys.db.secret",  # signs the unsubscribe links; `utlys web` on this database reads it
    ]
    digests = sorted((workdir / "outbox").glob("utlys.digest.2026-11.*.eml"))
    assert len(digests) == 8  # every municipality of Kronoberg has matching calls in month 2
    assert (workdir / "newsletter" / "2026-11.html").exists()
    assert str(workdir / "outbox") in out
    # the example needs per municipality make the digests differ
    alvesta, ljungby = (_digest_titles(workdir, name) for name in ("alvesta", "ljungby"))
    assert alvesta and ljungby and alvesta != ljungby
    assert "Statsbidrag för lärlingsutbildning för vuxna" in ljungby - alvesta
    _one_click_unsubscribe_works(workdir, digests[0])


def _one_click_unsubscribe_works(workdir, eml) -> None:
    """The List-Unsubscribe of a demo digest is `utlys web`'s page on the demo database: a
    one-click POST there removes that address; the same link with a forged token removes none."""
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = msg["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8080/avregistrera?")
    parts = urlsplit(link)
    query = dict(p.split("=", 1) for p in parts.query.split("&"))
    list_name = query["lista"]
    address = msg["To"].addresses[0].addr_spec
    client = create_app(workdir / "utlys.db").test_client()
    forged = parts.query.replace(query["token"], "0" * len(query["token"]))
    assert (
        client.post(f"{parts.path}?{forged}", data={"List-Unsubscribe": "One-Click"}).status_code
        >= 400
    )
    municipality = unquote_plus(list_name)
    db = open_db(workdir / "utlys.db")
    try:
        assert is_active(db, municipality, address)
    finally:
        db.close()
    response = client.post(f"{parts.path}?{parts.query}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db = open_db(workdir / "utlys.db")
    try:
        assert not is_active(db, municipality, address)
    finally:
        db.close()


def _digest_titles(workdir, slug: str) -> set[str]:
    """The call titles of one municipality's digest, read from its plain-text part."""
    import email
    from email import policy

    (path,) = (workdir / "outbox").glob(f"utlys.digest.2026-11.{slug}.*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    return {
        line[2:].replace(" [EJ GRANSKAD]", "").strip()
        for line in text.splitlines()
        if line.startswith("* ")
    }


def test_demo_needs_give_each_municipality_a_part_of_the_default_needs():
    from crawler.config.needs import load_needs
    from crawler.dev.demo import demo_inventory

    default, demo = load_needs(), demo_inventory()
    assert [m.name for m in demo.municipalities] == [m.name for m in default.municipalities]
    assert demo.needs == default.needs and demo.coordinator == default.coordinator
    assert all(set(m.needs) < {n.id for n in default.needs} for m in demo.municipalities)
    assert len({m.needs for m in demo.municipalities}) == len(demo.municipalities)


def test_a_demo_needs_file_with_an_unknown_need_is_one_line(tmp_path):
    import pytest

    from crawler.config import ConfigError
    from crawler.dev.demo import demo_inventory

    path = tmp_path / "demo_needs.yaml"
    path.write_text("Alvesta: [forebyggande-unga, ingen-sadan]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="municipality Alvesta: unknown need id 'ingen-sadan'"):
        demo_inventory(path)


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
