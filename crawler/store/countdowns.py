"""Countdowns in a funder's text ("Tid kvar att ansöka: 59 dagar", "12 dagar kvar").

They change every day by themselves, so a page read into a call with its countdown would be a
"changed" call on every crawl, with a change row a day and a re-match each time; and a stored
countdown is wrong by tomorrow. The deadline itself is the fact worth keeping, so countdowns are
taken out of a call's text before it is stored or compared.
"""

from __future__ import annotations

import dataclasses
import re

from crawler.model import Call

_N = r"\d{1,4}"
_UNIT = r"(?:dagar|dag|veckor|vecka|timmar|timme|minuter|minut)\b"
_AMOUNT = rf"{_N}\s*{_UNIT}(?:\s*(?:och|,)\s*{_N}\s*{_UNIT})*"
_PHRASES = [
    rf"Tid kvar\b(?:\s+att\s+ansöka)?\s*:?\s*{_AMOUNT}",
    rf"(?:Antal\s+)?dagar kvar\b(?:\s+att\s+ansöka)?\s*:\s*{_N}",
    rf"{_AMOUNT}\s+kvar\b(?:\s+(?:att\s+ansöka|till\s+sista\s+ansökningsdag(?:en)?|av\s+ansökningstiden))?",
    rf"(?:(?:Ansökan|Utlysningen|Ansökningsperioden)\s+)?(?:stänger|öppnar|går\s+ut)\s+om\s+{_AMOUNT}",
]
_PHRASE = "|".join(f"(?:{p})" for p in _PHRASES)
_COUNTDOWN = re.compile(rf"\(\s*(?:{_PHRASE})\s*\)|(?:{_PHRASE})\s*[.,;!]?", re.IGNORECASE)
# Every countdown says "kvar" or "om <n>": a cheap first look keeps storing a batch fast (the
# full pattern costs about 0.2 ms a call, more than the rest of storing it).
_OM_N = re.compile(r"\bom\s+\d")
TEXT_FIELDS = ("title", "summary", "programme", "cofinancing", "applicants")


def _has_countdown(text: str | None) -> bool:
    if not text:
        return False
    low = text.lower()
    if "kvar" not in low and not ("om" in low and _OM_N.search(low)):
        return False
    return _COUNTDOWN.search(text) is not None


def strip_countdowns(text: str | None) -> str | None:
    """The text without countdowns; text without any is returned as it is, so the content hash
    of every call that never had a countdown stays what it was."""
    if not _has_countdown(text):
        return text
    cleaned = _COUNTDOWN.sub(" ", text)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned)
    cleaned = re.sub(r" +([.,;:!?)])", r"\1", cleaned)
    cleaned = re.sub(r"(?m)^[ \t]+|[ \t]+$", "", cleaned)
    return cleaned.strip(" \t,;:")


def without_countdowns(call: Call) -> Call:
    """The call with countdowns taken out of its text fields (the same object when it had none)."""
    changes: dict[str, object] = {
        name: strip_countdowns(getattr(call, name))
        for name in TEXT_FIELDS
        if _has_countdown(getattr(call, name))
    }
    if changes.get("title") == "":
        del changes["title"]  # a title that was only a countdown is still the only title
    targets = [strip_countdowns(t) or "" for t in call.target_groups]
    if targets != call.target_groups:
        changes["target_groups"] = [t for t in targets if t]
    return dataclasses.replace(call, **changes) if changes else call
