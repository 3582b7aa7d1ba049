"""The call record: the one thing every spider yields and every later stage reads."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

STATUSES = ("planned", "open", "closed", "standing", "unknown")
LIST_FIELDS = ("regions", "target_groups", "documents")


@dataclass
class Call:
    """A funding call as published by a funder, with Swedish source text kept as text.

    Dates are ISO strings (``YYYY-MM-DD``) so that the record round-trips through JSON and
    SQLite unchanged; ``None`` means the funder did not say.
    """

    id: str
    source: str
    funder: str
    title: str
    url: str
    programme: str | None = None
    summary: str = ""
    status: str = "unknown"
    opens_on: str | None = None
    deadline: str | None = None
    deadline_time: str | None = None
    budget_sek: int | None = None
    cofinancing: str | None = None
    regions: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    applicants: str | None = None
    documents: list[str] = field(default_factory=list)
    published_on: str | None = None
    scraped_at: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"call {self.id}: status {self.status!r} is not one of {STATUSES}")

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its deepcopy was half the cost of storing a batch.
        return {
            f.name: list(value) if isinstance(value := getattr(self, f.name), list) else value
            for f in dataclasses.fields(self)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Call:
        """Build a call from a loose mapping (JSONL, a database row): unknown keys are ignored,
        list fields may be JSON text or a plain string."""
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in LIST_FIELDS:
            values[name] = as_list(values.get(name))
        values.setdefault("source", "")
        values.setdefault("funder", "")
        values.setdefault("title", "")
        values.setdefault("url", "")
        values.setdefault(
            "id", call_id(values["source"], url=values["url"]) if values["url"] else ""
        )
        values["summary"] = values.get("summary") or ""
        values["status"] = values.get("status") or "unknown"
        if values.get("budget_sek") is not None:
            values["budget_sek"] = int(values["budget_sek"])
        return cls(**values)

    def content_hash(self) -> str:
        """Hash of what the funder published: ``scraped_at`` is left out so that re-crawling an
        unchanged page is recognised as unchanged."""
        data = self.to_dict()
        data.pop("scraped_at", None)
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()


def as_list(value: Any) -> list[str]:
    """A list field from JSON text, a plain string (one item) or a list."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError:
                return [text]
            return [str(v) for v in parsed]
        return [text]
    return [str(v) for v in value]


def call_id(source: str, own_id: str | None = None, url: str | None = None) -> str:
    """The stable id of a call: the source and the funder's own id (a diarienummer), else the
    path and query of the call's URL.

    The host is left out on purpose: the same site served over http or https, with or without
    ``www``, or from a local snapshot server, keeps its ids.
    """
    if own_id:
        return f"{source}:{own_id.strip()}"
    if not url:
        raise ValueError(f"{source}: a call needs its own id or a URL")
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{source}:{path}" + (f"?{parts.query}" if parts.query else "")
