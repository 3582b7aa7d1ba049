"""Call records from a JSONL file (`utlys match --calls`): one JSON object per line, as a
person or another tool wrote them, read leniently but never silently wrong.

Missing fields are allowed and a plain string is a one-item list; a status may be a Swedish
word. A line that is not a JSON object is one ConfigError naming the file and the line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crawler.config import ConfigError
from crawler.model import STATUSES, Call

# Status words a hand-made JSONL may use instead of the record's own values.
STATUS_WORDS = {
    "öppen": "open",
    "öppet": "open",
    "stängd": "closed",
    "stängt": "closed",
    "planerad": "planned",
    "kommande": "planned",
    "löpande": "standing",
    "pågående": "standing",
}
TEXT_FIELDS = ("title", "summary", "funder", "source", "url", "programme", "applicants")


def read_calls(path: Path) -> list[Call]:
    """The file's call records. A record without an id gets one from its URL, else from its
    line number, so that every output line can be traced back to its input."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    calls = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path} line {number}: not valid JSON: {exc.msg}") from None
        if not isinstance(record, dict):
            raise ConfigError(f"{path} line {number}: expected a JSON object")
        calls.append(_call(path, number, record))
    return calls


def _call(path: Path, number: int, record: dict[str, Any]) -> Call:
    record = dict(record)
    status = record.get("status")
    if isinstance(status, str) and status.strip().lower() not in STATUSES:
        record["status"] = STATUS_WORDS.get(status.strip().lower(), "unknown")
    elif isinstance(status, str):
        record["status"] = status.strip().lower()
    elif status is not None:
        raise ConfigError(f"{path} line {number}: field 'status': expected text")
    budget = record.get("budget_sek")
    if budget is not None and not isinstance(budget, int):
        try:
            record["budget_sek"] = int(str(budget).replace(" ", ""))
        except ValueError:
            record["budget_sek"] = None
    for name in TEXT_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            if isinstance(value, list):
                record[name] = " ".join(str(v) for v in value)
            else:
                record[name] = str(value)
    if not record.get("id") and not record.get("url"):
        record["id"] = f"line:{number}"
    try:
        return Call.from_dict(record)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path} line {number}: {exc}") from None
