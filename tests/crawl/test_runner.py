"""Choosing what one crawl runs: the selected sources, and which of them share a host."""

from __future__ import annotations

import pytest

from crawler.config import ConfigError, load_sources
from crawler.crawl.runner import host_groups, run_crawl, select_sources
from tests.crawl.conftest import write_sources


def entry(source_id: str, url: str, **more) -> dict:
    return {"id": source_id, "funder": "X", "spider": "esf", "start_urls": [url], **more}


@pytest.fixture
def config(tmp_path):
    return load_sources(
        write_sources(
            tmp_path / "s.yaml",
            [
                entry("esf", "https://www.esf.se/utlysningar/"),
                entry("esf-nyheter", "https://esf.se/feed/"),
                entry("amif", "https://www.migrationsverket.se/x.html"),
                entry("old", "https://old.example.se/", enabled=False),
                entry("local-a", "http://127.0.0.1:8000/a/"),
                entry("local-b", "http://127.0.0.1:8000/b/"),
            ],
        )
    )


def test_sources_on_one_host_are_crawled_one_after_the_other(config):
    groups = [[s.id for s in group] for group in host_groups(config.enabled())]
    assert ["esf", "esf-nyheter"] in groups  # www.esf.se and esf.se are one site
    assert ["amif"] in groups
    # Our own test servers have no politeness limit: those run side by side.
    assert ["local-a"] in groups and ["local-b"] in groups


def test_without_only_every_enabled_source_is_selected(config):
    assert [s.id for s in select_sources(config)] == [
        "esf",
        "esf-nyheter",
        "amif",
        "local-a",
        "local-b",
    ]


def test_only_keeps_the_given_order_without_duplicates(config):
    assert [s.id for s in select_sources(config, ["amif", "esf", "amif"])] == ["amif", "esf"]


@pytest.mark.parametrize(
    "only, message",
    [(["nope"], "no source with id 'nope'"), (["old"], "source old: field 'enabled'")],
)
def test_only_refuses_unknown_and_disabled_sources(config, only, message):
    with pytest.raises(ConfigError, match=message):
        select_sources(config, only)


def test_a_bad_day_is_refused_before_anything_runs(tmp_path, config):
    with pytest.raises(ValueError, match="not a date"):
        run_crawl(tmp_path / "u.db", config.path, today="2026-13-45")
    assert not (tmp_path / "u.db").exists()


def test_an_unknown_option_is_a_config_error_before_anything_is_crawled(tmp_path):
    """One mistyped option must not fail every source at crawl time: it is found first, named by
    file, source and key, and no source is crawled or recorded."""
    path = write_sources(
        tmp_path / "s.yaml",
        [
            entry("esf", "http://127.0.0.1:9/utlysningar/"),
            entry("esf-2", "http://127.0.0.1:9/andra/", options={"colour": "red"}),
        ],
    )
    with pytest.raises(ConfigError) as info:
        run_crawl(tmp_path / "utlys.db", path)
    assert str(info.value) == (
        f"{path}: source esf-2: field 'options': unknown key 'colour' for spider esf (known: none)"
    )
    assert not (tmp_path / "utlys.db").exists()
