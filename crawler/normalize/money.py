"""Amounts ("Ca 362 MSEK", "2,5 miljoner kronor", "40 000* kronor") and co-financing
percentages. Counts of people or kilometres next to a number are not money.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from crawler.normalize.text import clean_text

_THOUSANDS_SEP = r"[ \u00a0\u2009\u202f.]"
_NUMBER = (
    rf"(?<![\d,.])(?:\d{{1,3}}(?:{_THOUSANDS_SEP}\d{{3}})+(?![\d])|\d+)"
    r"(?:,\d+|\.\d{1,2}(?!\d))?"
)
_WORD_NUMBERS = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8,
    "nio": 9, "tio": 10, "tolv": 12, "femton": 15, "tjugo": 20, "trettio": 30, "fyrtio": 40,
    "femtio": 50, "hundra": 100,
}  # fmt: skip
_WORD_NUMBER = r"(?<![\wåäö])(?:" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + ")"
_MULTIPLIERS: tuple[tuple[str, int], ...] = (
    (r"miljarder|miljard|mdkr|mdr\.?", 1_000_000_000),
    (r"miljoner|miljon|milj\.?|mnkr|mkr|msek", 1_000_000),
    (r"tusen(?=\s+(?:kronor|kr|sek)\b)|tkr|ksek", 1_000),
    (r"kronor|kr\.?|sek|:-", 1),
)
_UNIT = "|".join(f"(?P<u{i}>{p})" for i, (p, _) in enumerate(_MULTIPLIERS))
# "2 miljoner invånare" counts people, not money.
_NOT_MONEY = r"(?!\s+(?:invånare|människor|personer|besökare|deltagare|ton|km|kilometer|timmar))"
_AMOUNT_RE = re.compile(
    # "40 000* kronor": a footnote star between the number and its unit
    rf"(?P<lo>{_NUMBER}|{_WORD_NUMBER})(?:\s*[-–]\s*(?P<hi>{_NUMBER}))?\**\s*(?:{_UNIT})"
    rf"(?![a-zåäö]){_NOT_MONEY}"
    r"(?P<cur>\s+(?:kronor|kr\b|sek\b|svenska kronor))?"
    r"(?P<foreign>\s*(?:euro|eur\b|€|dollar|usd\b))?",
    re.IGNORECASE,
)


def _to_decimal(number: str) -> Decimal | None:
    if number.lower() in _WORD_NUMBERS:
        return Decimal(_WORD_NUMBERS[number.lower()])
    digits = re.sub(r"[ \u00a0\u2009\u202f]", "", number)
    if re.search(r"\.\d{3}(?!\d)", digits):  # 1.000.000: dots group thousands
        digits = digits.replace(".", "")
    try:
        return Decimal(digits.replace(",", "."))
    except InvalidOperation:
        return None


def find_amounts(text: str | None) -> list[int]:
    """Every amount in Swedish kronor in the text, in order ("5–10 miljoner" gives both).

    A number counts only with a currency or a multiplier word after it, so years, percentages
    ("40 procent") and counts ("200 deltagare") are not amounts; amounts in euro are skipped.
    """
    text = clean_text(text)
    out: list[int] = []
    for m in _AMOUNT_RE.finditer(text):
        if m["foreign"]:
            continue
        factor = next(f for i, (_, f) in enumerate(_MULTIPLIERS) if m.group(f"u{i}") is not None)
        for part in (m["lo"], m["hi"]):
            value = _to_decimal(part) if part else None
            if value is not None:
                out.append(int(value * factor))
    return out


def parse_amount(text: str | None) -> int | None:
    """The first amount in kronor ("Ca 362 MSEK" -> 362000000), or None."""
    amounts = find_amounts(text)
    return amounts[0] if amounts else None


_TOTAL_CUE = re.compile(
    r"\b(?:totalt|utlyst belopp|tillgängliga medel|sammanlagt|total budget|budget för "
    r"utlysningen|utlysningens budget|avsatt|omfattar|utlyser|utlyses)\b",
    re.IGNORECASE,
)


def parse_total_budget(text: str | None) -> int | None:
    """The call's total budget from prose that also names per-project amounts.

    Tillväxtverket writes "Förstudier kan max få 744 000 kronor. Totalt finns preliminärt cirka
    57,7 miljoner": the amount after a cue such as "Totalt", "Utlyst belopp" or "Tillgängliga
    medel" wins; without a cue the largest amount is the best guess at the total.
    """
    text = clean_text(text)
    for cue in _TOTAL_CUE.finditer(text):
        amounts = find_amounts(text[cue.end() : cue.end() + 160])
        if amounts:
            return amounts[0]
    amounts = find_amounts(text)
    return max(amounts) if amounts else None


_PERCENT_RE = re.compile(
    r"(?<![\d,])(\d{1,3}(?:,\d+)?)(?:\s*(?:%|procent)?\s*[-–]\s*(\d{1,3}(?:,\d+)?))?"
    r"\s*(?:%|procents?\b)",
    re.IGNORECASE,
)


def parse_percent(text: str | None) -> str | None:
    """A co-financing rate as short text: "53 %", "40 %", "75–90 %"; None without one.

    Kept as text rather than a number because funders give ranges and the digest shows it as is.
    """
    m = _PERCENT_RE.search(clean_text(text))
    if not m:
        return None
    return f"{m[1]}–{m[2]} %" if m[2] else f"{m[1]} %"
