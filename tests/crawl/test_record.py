"""`utlys sources record ID`: a real, polite crawl of one source from a local server, its pages
saved as fixtures with a manifest and a draft of the values parsed today; the saved folder
serves the same calls again."""

from __future__ import annotations

from urllib.parse import urlsplit

import yaml
from click.testing import CliRunner

from crawler.cli import cli
from crawler.crawl.record import fixture_path
from crawler.crawl.runner import run_crawl
from crawler.dev.snapserver import serve_directory
from crawler.store import load_calls, open_db
from tests.crawl.conftest import write_sources
from tests.ops.test_status_degraded import write_site


def record(*args: str):
    return CliRunner().invoke(cli, ["sources", "record", *args])


def test_record_saves_the_pages_a_polite_crawl_fetched_with_a_manifest_and_a_draft(tmp_path):
    site = write_site(tmp_path / "site", with_dates=True)
    (site / "robots.txt").write_text(
        "User-agent: *\nDisallow: /esf/utlysningar/peer-support/\n", encoding="utf-8"
    )
    out = tmp_path / "recorded"
    with serve_directory(site) as server:
        sources = write_sources(
            tmp_path / "s.yaml",
            [{"id": "esf", "funder": "ESF", "spider": "esf",
              "start_urls": [server.url("/esf/utlysningar/")]}],
            contact="samordnare@example.se",
        )  # fmt: skip
        result = record("esf", "--sources", str(sources), "--out", str(out),
                        "--today", "2026-11-01")  # fmt: skip
        fetched = {path for _, path, _ in server.log}
        agents = set(server.user_agents)
    assert result.exit_code == 0, result.output
    assert "esf: failed, 5 page(s) and 3 call(s) recorded in" in result.output  # robots: failed
    assert "/esf/utlysningar/peer-support/" not in fetched  # robots.txt obeyed
    assert any("samordnare@example.se" in agent for agent in agents)

    manifest = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    files = {urlsplit(page["url"]).path: page["file"] for page in manifest["pages"]}
    assert files["/esf/utlysningar/"] == "esf/utlysningar/index.html"
    assert (
        files["/esf/utlysningar/unga-till-arbete/"] == "esf/utlysningar/unga-till-arbete/index.html"
    )
    assert "/esf/utlysningar/peer-support/" not in files
    for page in manifest["pages"]:
        assert (out / page["file"]).is_file()
    listing = (out / "esf/utlysningar/index.html").read_bytes()
    assert listing == (site / "esf/utlysningar/index.html").read_bytes()  # the body as served

    text = (out / "expected.yaml").read_text(encoding="utf-8")
    assert text.startswith("# DRAFT") and "by hand" in text.splitlines()[1]
    expected = yaml.safe_load(text)
    assert expected["checked"] is False
    assert sorted(c["title"] for c in expected["calls"]) == [
        "Kompetens i välfärden", "Social innovation", "Unga till arbete",
    ]  # fmt: skip
    assert {c["deadline"] for c in expected["calls"]} == {"2026-12-15"}

    # The recorded folder is a fixture: served again, it gives the spider the same calls.
    db_path = tmp_path / "replay.db"
    with serve_directory(out) as replay:
        replay_sources = write_sources(
            tmp_path / "r.yaml",
            [{"id": "esf", "funder": "ESF", "spider": "esf",
              "start_urls": [replay.url("/esf/utlysningar/")]}],
        )  # fmt: skip
        [report] = run_crawl(db_path, replay_sources, today="2026-11-01")
    # robots.txt was recorded too: the forbidden page stays forbidden (a failed run, by rule)
    assert report.items == 3 and "robots.txt" in (report.error or "")
    db = open_db(db_path)
    assert {c.deadline for c in load_calls(db)} == {"2026-12-15"}
    db.close()


def test_record_refuses_a_folder_that_holds_a_recording(tmp_path):
    out = tmp_path / "recorded"
    out.mkdir()
    (out / "manifest.yaml").write_text("pages: []\n", encoding="utf-8")
    sources = write_sources(
        tmp_path / "s.yaml",
        [{"id": "esf", "funder": "ESF", "spider": "esf",
          "start_urls": ["http://127.0.0.1:9/esf/"]}],
    )  # fmt: skip
    result = record("esf", "--sources", str(sources), "--out", str(out))
    assert result.exit_code == 1
    assert f"{out}: already holds files" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_fixture_path_stays_inside_the_folder():
    assert str(fixture_path("http://x/a/b/")) == "a/b/index.html"
    assert str(fixture_path("http://x/")) == "index.html"
    assert str(fixture_path("http://x/../../etc/passwd")) == "etc/passwd"
    assert str(fixture_path("http://x/sok?page=2&q=a b")) == "sok__page_2_q_a_b"
    assert str(fixture_path("http://x/st%C3%B6d.html")) == "stöd.html"
