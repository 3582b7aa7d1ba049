"""Turning the Swedish text funders publish into the values of a `Call`.

Every spider calls these functions instead of parsing dates, amounts and statuses itself, so a
format seen on one funder's site (``Stängd 19 mars 2024``, ``Ca 362 MSEK``) is understood on all
of them, and a fix lands once. Everything here is a pure function of its input (``today`` is a
parameter), so the tests are tables of real-world strings. The package re-exports the names the
spiders use; the modules are by kind of value.
"""

from crawler.normalize.dates import find_dates, parse_date, parse_date_range, parse_time
from crawler.normalize.money import find_amounts, parse_amount, parse_percent, parse_total_budget
from crawler.normalize.status import StatusInfo, parse_status, status_from_dates
from crawler.normalize.text import COOKIE_NOISE_PATTERNS, clean_text, ellipsize
from crawler.normalize.urls import header_safe, safe_url

__all__ = [
    "COOKIE_NOISE_PATTERNS",
    "StatusInfo",
    "clean_text",
    "ellipsize",
    "find_amounts",
    "find_dates",
    "header_safe",
    "parse_amount",
    "parse_date",
    "parse_date_range",
    "parse_percent",
    "parse_status",
    "parse_time",
    "parse_total_budget",
    "safe_url",
    "status_from_dates",
]
