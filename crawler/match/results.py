"""What matching returns: a (call, municipality) match, a need met by a call, and the Swedish
sentence that explains it. Kept apart from the scoring so that readers of matches (the store,
the web app, the digests) need not know how scores are made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.config.needs import Need

# Where in the call a word was found, in the coordinator's words.
FIELD_NAMES = {
    "title": "titel",
    "target_groups": "målgrupp",
    "programme": "program",
    "summary": "beskrivning",
    "remit": "finansiärens uppdrag",
}


@dataclass(slots=True)
class Match:
    """One (call, municipality) pair that passed the filters and the threshold.

    ``filtered`` is set only on pairs returned with ``include_filtered=True``: the hard filter
    that rejected a pair whose words matched.
    """

    call_id: str
    municipality: str
    score: float
    need_ids: list[str]
    reasons: list[str]
    filtered: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "municipality": self.municipality,
            "score": self.score,
            "need_ids": self.need_ids,
            "reasons": self.reasons,
        }


@dataclass
class NeedResult:
    need: Need
    score: float
    hits: list[tuple[str, str, str]] = field(default_factory=list)  # (call words, field, role)
    rank: float = 0.0  # the score with the need's weight: what orders matches (0..1)


def reason_text(result: NeedResult) -> str:
    """One Swedish sentence per need, naming the call's words and where they stood, e.g.
    "träffar 'arbetslöshet' (titel), 'peer support' (beskrivning) i behovet Långtidsarbetslösa"."""
    seen: list[str] = []
    for words, field_name, _ in result.hits:
        part = f"'{words}' ({FIELD_NAMES[field_name]})"
        if part not in seen:
            seen.append(part)
    return f"träffar {', '.join(seen[:4])} i behovet {result.need.title}"
