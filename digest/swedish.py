"""How dates, amounts, statuses and periods read in Swedish mail.

Kept out of the templates so the HTML and the plain-text version say exactly the same thing,
and out of the locale machinery (``locale.setlocale`` is process-wide and the sv_SE locale is
often not installed on servers).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

STATUS = {
    "planned": "Planerad",
    "open": "Öppen",
    "closed": "Stängd",
    "standing": "Löpande",
    "unknown": "Okänd status",
}

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_period(period: str) -> tuple[date, date]:
    """First and last day of a ``YYYY-MM`` period; ValueError with a one-line message."""
    match = PERIOD.match(period or "")
    if not match:
        raise ValueError(f"period {period!r}: expected YYYY-MM, such as 2026-11")
    year, month = int(match[1]), int(match[2])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_name(period: str) -> str:
    """``2026-11`` -> ``november 2026``."""
    start, _ = parse_period(period)
    return f"{MONTHS[start.month - 1]} {start.year}"


def datum(value: str | date | None) -> str:
    """``2026-12-01`` -> ``1 december 2026``; unknown text is returned as it is."""
    if value is None or value == "":
        return ""
    day = as_date(value)
    if day is None:
        return str(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def kronor(amount: int | None) -> str:
    """``40000000`` -> ``40 000 000 kr`` with no-break spaces, so the number never wraps."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"


def count(n: int, one: str, many: str) -> str:
    """``count(1, "ny matchning", "nya matchningar")`` -> ``1 ny matchning``."""
    return f"{n} {one if n == 1 else many}"


def days_left(deadline: str | None, today: date) -> int | None:
    day = as_date(deadline) if deadline else None
    return None if day is None else (day - today).days


def days_left_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return "har passerat"
    if days == 0:
        return "i dag"
    if days == 1:
        return "i morgon"
    return f"{days} dagar kvar"


def status_text(status: str | None) -> str:
    return STATUS.get(status or "unknown", STATUS["unknown"])


def time_text(value: str | None) -> str:
    """``16:00`` -> ``kl. 16.00``, the Swedish way of writing a time of day."""
    if not value:
        return ""
    return "kl. " + value[:5].replace(":", ".")


def as_date(value: str | date | None) -> date | None:
    """A date from a date or ISO text (a timestamp is cut to its day); None when it is none."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
