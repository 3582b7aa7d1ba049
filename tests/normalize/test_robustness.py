"""Scraped text is untrusted: no input may crash a parser or make it return a malformed value."""

import random
import re
from datetime import date

import pytest

from crawler.model import STATUSES
from crawler.normalize import (
    clean_text,
    find_amounts,
    header_safe,
    parse_date,
    parse_date_range,
    parse_percent,
    parse_status,
    parse_time,
    parse_total_budget,
    safe_url,
)
from crawler.normalize.regions import normalize_regions

ALPHABET = list("0123456789 -–—./:,;%?=&#") + [
    "\u00a0", "\u00ad", "\u200b", "\r\n", "\t", "kl.", "den ", "mars ", "Maj ", "sept. ",
    "2024", "2026-", "miljoner ", "kr", "MSEK", "procent", "Stängd ", "Öppnar ", "Stänger ",
    "Löpande", "till ", "javascript:", "http://", "=?utf-8?q?", "?=", "Kakor ", "Region ",
    "Kronobergs län", "och ", "Småland ", "Öarna",
]  # fmt: skip
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def random_texts(count: int) -> list[str]:
    rng = random.Random(20261123)
    return ["".join(rng.choices(ALPHABET, k=rng.randint(0, 40))) for _ in range(count)]


@pytest.mark.parametrize("text", random_texts(400))
def test_parsers_return_well_formed_values_for_any_text(text):
    today = date(2026, 11, 23)
    for value in (parse_date(text, default_year=2026), *parse_date_range(text)):
        assert value is None or ISO_DATE.fullmatch(value)
    time = parse_time(text)
    assert time is None or re.fullmatch(r"[0-2]\d:[0-5]\d", time)
    assert all(isinstance(a, int) and a >= 0 for a in find_amounts(text))
    budget = parse_total_budget(text)
    assert budget is None or budget >= 0
    percent = parse_percent(text)
    assert percent is None or percent.endswith(" %")
    info = parse_status(text, today=today)
    assert info is None or info.status in STATUSES
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip() and "  " not in cleaned and "\n" not in cleaned
    header = header_safe(text)
    assert "\n" not in header and "\r" not in header and "=?" not in header
    url = safe_url(text, "http://127.0.0.1/")
    assert url is None or re.match(r"https?://[^\s\"<>]+$", url)
    assert isinstance(normalize_regions([text]), list)


def test_parsers_stay_fast_on_a_large_page():
    """A pathological page must not hang a crawl (catastrophic regex backtracking)."""
    text = ("1 2 3 4 5 6 7 8 9 0 " * 2000) + ("kl. den till - " * 2000) + "Kakor " * 2000
    assert parse_date(text) is None
    assert find_amounts(text) == []
    assert parse_status(text, today=date(2026, 11, 23)) is None
    assert clean_text(text)
