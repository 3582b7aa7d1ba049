"""The schedule:, health: and logging: sections: defaults, and one-line errors naming the
file, the section and the field."""

from __future__ import annotations

import pytest

from crawler.config import ConfigError
from crawler.config.settings import load_ops_settings


def test_the_shipped_settings_file_is_valid():
    settings = load_ops_settings()
    assert settings.schedule.timezone == "Europe/Stockholm"
    assert settings.health.failures_in_a_row == 3 and settings.health.shrink_ratio == 0.5


def test_a_missing_section_means_defaults(write_settings):
    settings = load_ops_settings(write_settings())
    assert settings.schedule.crawl == "0 6 * * *"
    assert settings.logging.level == "INFO" and settings.logging.file is None


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"schedule": {"crawl": "0 6 * *"}}, "schedule: field 'crawl': not a valid cron"),
        ({"schedule": {"crawl": "0 6 * * 0"}}, "schedule: field 'crawl': write days of the week"),
        ({"schedule": {"digest_send": "0 8 * * 1-5"}}, "field 'digest_send': write days"),
        ({"schedule": {"crawll": "0 6 * * *"}}, "schedule: unknown field 'crawll'"),
        ({"schedule": {"timezone": "Europe/Växjö"}}, "schedule: field 'timezone': unknown"),
        ({"schedule": {"crawl_timeout": "long"}}, "field 'crawl_timeout': expected int"),
        ({"schedule": {"digest_send_day": 31}}, "field 'digest_send_day': must be a day 1-28"),
        ({"health": {"failures_in_a_row": 0}}, "health: field 'failures_in_a_row'"),
        ({"health": {"shrink_ratio": 2}}, "health: field 'shrink_ratio': must be between"),
        ({"health": {"failures_in_a_row": True}}, "health: field 'failures_in_a_row': expected"),
        ({"logging": {"level": "LOUD"}}, "logging: field 'level'"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_field(write_settings, sections, message):
    path = write_settings(**sections)
    with pytest.raises(ConfigError) as caught:
        load_ops_settings(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text
