"""Loading config/sources.yaml: the shipped file is valid, and each kind of mistake is one line
that names the file, the source and the field."""

from pathlib import Path

import pytest

from crawler.config import DEFAULT_SOURCES, ConfigError, load_sources

GOOD = """
sources:
  - id: esf
    funder: Svenska ESF-rådet
    spider: esf
    start_urls: [https://www.esf.se/utlysningar/]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sources_load_and_cover_the_core_funders():
    config = load_sources(DEFAULT_SOURCES)
    ids = {s.id for s in config.sources}
    assert {"esf", "amif", "tillvaxtverket", "arvsfonden", "sf-varend"} <= ids
    assert (
        len(ids - {"esf", "esf-nyheter", "amif", "tillvaxtverket", "arvsfonden", "sf-varend"}) >= 3
    )
    for source in config.sources:
        assert all(url.startswith("https://") for url in source.start_urls), source.id


def test_a_valid_minimal_file_loads(tmp_path):
    config = load_sources(write(tmp_path, GOOD))
    assert config.get("esf").funder == "Svenska ESF-rådet"
    assert config.get("esf").enabled is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("    funder: Svenska ESF-rådet\n", ""),
            "source esf: field 'funder': missing",
        ),
        (GOOD + "    colour: red\n", "source esf: field 'colour': unknown field"),
        (GOOD + GOOD.replace("sources:\n", ""), "source esf: field 'id': duplicate id"),
        (
            GOOD.replace("https://www.esf.se/utlysningar/", "javascript:alert(1)"),
            "source esf: field 'start_urls': 'javascript:alert(1)' is not an http(s) URL",
        ),
        (
            GOOD.replace("https://www.esf.se/utlysningar/", "file:///etc/passwd"),
            "field 'start_urls'",
        ),
        (
            GOOD.replace("spider: esf", "spider: nosuch"),
            "source esf: field 'spider': unknown spider",
        ),
        (GOOD + "    enabled: maybe\n", "source esf: field 'enabled': must be true or false"),
        ("sources: [\n", "line"),
        ("colour: red\nsources: []\n", "unknown top-level key 'colour'"),
    ],
)
def test_a_mistake_is_one_line_naming_file_source_and_field(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert expected in message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_sources(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ('  max_page_bytes: "5MB"\n', "crawler: field 'max_page_bytes': must be a whole number"),
        ("  timeout: thirty\n", "crawler: field 'timeout': must be a number of seconds"),
        ("  timeout: 0\n", "crawler: field 'timeout': must be more than 0"),
        ("  download_delay: -5\n", "crawler: field 'download_delay': must be 0 or more"),
        ("  download_delay: true\n", "crawler: field 'download_delay': must be a number"),
        ("  contact: 42\n", "crawler: field 'contact': must be a text"),
        ("  user_agent: 'utlys {nope}'\n", "crawler: field 'user_agent': unknown placeholder"),
    ],
)
def test_the_crawler_block_is_type_checked_naming_the_field(tmp_path, block, expected):
    path = write(tmp_path, "crawler:\n" + block + GOOD)
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)


def test_the_crawler_block_accepts_whole_numbers_for_float_fields(tmp_path):
    config = load_sources(
        write(tmp_path, "crawler:\n  download_delay: 2\n  timeout: 12.5\n" + GOOD)
    )
    assert config.crawler.download_delay == 2.0
    assert config.crawler.timeout == 12.5


def test_a_per_source_schedule_is_refused_because_nothing_reads_it(tmp_path):
    """Crawls follow the settings' one `schedule.crawl`; a per-source field that silently did
    nothing would promise what utlys does not do."""
    with pytest.raises(ConfigError, match="field 'schedule': unknown field"):
        load_sources(write(tmp_path, GOOD + "    schedule: '0 5 * * *'\n"))
