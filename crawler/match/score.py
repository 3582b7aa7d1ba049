"""Matching calls to municipalities' needs: a pure function from (calls, inventory) to matches.

How a pair is scored (the numbers are constants below, measured with `make eval`):

1. Each need is read once into concepts: its title, its own synonyms and its description go
   through the domain vocabulary (crawler/match/synonyms.yaml + the needs file's `synonyms`), so
   "nyanlända" and "tredjelandsmedborgare" become one concept; words outside the vocabulary stay
   concepts of their own. Title and synonym concepts weigh fully, description concepts half.
2. Each call is read once: its title, target groups, programme and summary, each field with its
   weight (title and target groups count more than the summary, and the first SUMMARY_LEAD
   words of a long summary more than the rest).
3. Evidence for a need = the sum, over the need's concepts found in the call, of concept weight x
   field weight x how the word was found (whole word, compound, related word). The score is the
   evidence divided by the weight of the need's title (capped, so a long title does not demand
   every word), and a need matches at THRESHOLD or above.
4. Calls are scored against each distinct need once, through an inverted index from concept to
   needs, and the matched needs fan out to the municipalities that listed them, after the hard
   filters (crawler/match/filters.py) for each municipality.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crawler.config import Source
from crawler.config.needs import Inventory, Municipality, Need
from crawler.match.filters import (
    CallGate,
    call_gate,
    members_by_source,
    municipality_reason,
    region_reason,
)
from crawler.match.profile import NeedReader
from crawler.match.text import (
    TERM,
    ConceptFinder,
    Lexicon,
    Token,
    as_text,
    load_lexicon,
    tokenize,
)
from crawler.model import Call

# A need matches a call when its score reaches this (1.0 = the need's title fully met in the
# call's title). Chosen on the tuning part of eval/ (`make eval`): F1 is flat from 0.65 to 0.8.
THRESHOLD = 0.7
# Field weights: where in the call a word was found.
FIELD_WEIGHTS = {"title": 1.0, "target_groups": 1.0, "programme": 0.6, "summary": 0.8}
FIELD_NAMES = {
    "title": "titel",
    "target_groups": "målgrupp",
    "programme": "program",
    "summary": "beskrivning",
}
SUMMARY_LEAD = 120  # words of the summary that count fully; later ones count LATE_SUMMARY
LATE_SUMMARY = 0.6
# At least this share of the required evidence must come from the need's title or synonyms:
# a call that only echoes the description's wording is about something else.
ANCHOR = 0.35


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


class Matcher:
    """The inventory compiled for matching: build once, match many calls."""

    def __init__(
        self,
        inventory: Inventory,
        *,
        lexicon: Lexicon | None = None,
        sources: Mapping[str, Source] | None = None,
    ) -> None:
        self.inventory = inventory
        self.sources = dict(sources or {})
        self.lexicon = lexicon or load_lexicon(extra_groups=inventory.synonyms)
        reader = NeedReader(self.lexicon)
        used = {n.id for m in inventory.municipalities for n in _needs_of(inventory, m)}
        self.profiles = [reader.profile(n) for n in inventory.needs if n.id in used]
        concepts = {c for p in self.profiles for c in p.weights}
        expressions = [e for e in self.lexicon.expressions() if e[1] in concepts]
        expressions += [((c[2:],), c, TERM) for c in concepts if c.startswith("w:")]
        self.call_reader = ConceptFinder(
            expressions,
            prefix_deny=self.lexicon.prefix_deny,
            stop_phrases=self.lexicon.stop_phrases,
            whole_or_head={c for c in concepts if c.startswith("w:")},
            suffix_deny=self.lexicon.suffix_deny,
        )
        self.postings: dict[str, list[tuple[int, float, bool]]] = defaultdict(list)
        for index, profile in enumerate(self.profiles):
            for concept, weight in profile.weights.items():
                anchor = profile.roles[concept] != "beskrivning"
                self.postings[concept].append((index, weight, anchor))
        self.members = members_by_source(inventory)
        # need id -> county -> indices of the municipalities that listed the need
        self.need_counties: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for index, municipality in enumerate(inventory.municipalities):
            for need_id in municipality.needs:
                self.need_counties[need_id].setdefault(municipality.county, []).append(index)

    # -- reading calls -------------------------------------------------------------------

    def call_hits(self, call: Call) -> dict[str, tuple[float, str, str]]:
        """Concept -> (strength x field weight, call words, field) for the best place found."""
        best: dict[str, tuple[float, str, str]] = {}
        for name, weight in FIELD_WEIGHTS.items():
            tokens = _field_tokens(getattr(call, name))
            if not tokens:
                continue
            parts = [(tokens, weight)]
            if name == "summary" and len(tokens) > SUMMARY_LEAD:
                # A long body: the lead says what the call is about; the rest is often
                # boilerplate about the programme, the funder or how to apply.
                parts = [(tokens[:SUMMARY_LEAD], weight), (tokens[SUMMARY_LEAD:], LATE_SUMMARY)]
            for part, part_weight in parts:
                for concept, hit in self.call_reader.find(part).items():
                    value = hit.strength * part_weight
                    if value > best.get(concept, (0.0, "", ""))[0]:
                        best[concept] = (value, hit.words, name)
        return best

    def score_needs(self, call: Call) -> list[NeedResult]:
        """Every need the call meets at the threshold, best first."""
        hits = self.call_hits(call)
        evidence: dict[int, float] = defaultdict(float)
        anchored: dict[int, float] = defaultdict(float)
        for concept, (value, _, _) in hits.items():
            for index, weight, anchor in self.postings.get(concept, ()):
                evidence[index] += weight * value
                if anchor:
                    anchored[index] += weight * value
        results = []
        for index, total in evidence.items():
            profile = self.profiles[index]
            score = total / profile.required
            if score < THRESHOLD or anchored[index] < ANCHOR * profile.required:
                continue
            if profile.excludes is not None and _excluded(profile.excludes, call):
                continue
            found = sorted(
                (
                    (profile.weights[c] * hits[c][0], hits[c][1], hits[c][2], profile.roles[c])
                    for c in profile.weights
                    if c in hits
                ),
                reverse=True,
            )
            results.append(
                NeedResult(profile.need, round(score, 3), [(w, f, r) for _, w, f, r in found])
            )
        results.sort(key=lambda r: (-r.score * r.need.weight, r.need.id))
        return results

    # -- pairs ---------------------------------------------------------------------------

    def match(
        self,
        calls: Iterable[Call],
        *,
        today: date | None = None,
        gone: Collection[str] = (),
        include_filtered: bool = False,
    ) -> list[Match]:
        matches: list[Match] = []
        for call in calls:
            gate = call_gate(
                call,
                self.inventory,
                today=today,
                gone=gone,
                sources=self.sources,
                known_members=self.members,
            )
            if gate.closed and not include_filtered:
                continue
            results = self.score_needs(call)
            if results:
                matches.extend(self._fan_out(call, gate, results, include_filtered))
        return matches

    def _fan_out(
        self, call: Call, gate: CallGate, results: list[NeedResult], include_filtered: bool
    ) -> list[Match]:
        """One match per municipality that listed a matched need and passes the filters.

        The region answer depends only on the county, so it is worked out once per county and
        a county the call does not cover is skipped whole; only samordningsförbund members and
        reservations are checked municipality by municipality.
        """
        by_county: dict[str, str | None] = {}
        per_municipality: dict[int, list[NeedResult]] = {}
        filtered: dict[int, str] = {}
        for result in results:
            for county, indices in self.need_counties.get(result.need.id, {}).items():
                if county not in by_county:
                    by_county[county] = gate.closed or region_reason(gate, county)
                reason = by_county[county]
                if reason and not include_filtered:
                    continue
                for index in indices:
                    per_municipality.setdefault(index, []).append(result)
                    if reason:
                        filtered[index] = reason
        reasons = {result.need.id: _reason(result) for result in results}
        personal = gate.members is not None or gate.reserved_for is not None
        municipalities = self.inventory.municipalities
        call_id = call.id
        out = []
        for index, found in per_municipality.items():
            municipality = municipalities[index]
            reason = filtered.get(index)
            if personal and not reason:
                reason = municipality_reason(gate, municipality)
                if reason and not include_filtered:
                    continue
            if len(found) == 1:  # the common case, without the generator machinery
                only = found[0]
                score = only.score * only.need.weight
                need_ids = [only.need.id]
                texts = [reasons[only.need.id]]
            else:
                score = max(r.score * r.need.weight for r in found)
                need_ids = [r.need.id for r in found]
                texts = [reasons[r.need.id] for r in found]
            if gate.note:
                texts = [*texts, gate.note]
            out.append(Match(call_id, municipality.name, score, need_ids, texts, reason))
        return out


def match_calls(
    calls: Iterable[Call],
    inventory: Inventory,
    *,
    today: date | None = None,
    gone: Collection[str] = (),
    sources: Mapping[str, Source] | None = None,
    include_filtered: bool = False,
    lexicon: Lexicon | None = None,
) -> list[Match]:
    """Score every call against every municipality's needs; the pairs at the threshold.

    Pure: nothing is read or written besides the shipped vocabulary. ``today`` turns a passed
    deadline into a closed call (without it only ``status`` says closed); ``gone`` holds ids of
    calls no longer published; ``sources`` (id -> Source) gives source-wide regions and the
    members of samordningsförbund. With ``include_filtered`` the pairs a hard filter rejected are
    returned too, with the reason in ``Match.filtered``.
    """
    matcher = Matcher(inventory, lexicon=lexicon, sources=sources)
    return matcher.match(calls, today=today, gone=gone, include_filtered=include_filtered)


def _needs_of(inventory: Inventory, municipality: Municipality) -> list[Need]:
    wanted = set(municipality.needs)
    return [n for n in inventory.needs if n.id in wanted]


_SEPARATOR = Token("|", "|", True)


def _field_tokens(value: Any) -> list[Token]:
    """Tokens of a call field; items of a list are kept apart so no phrase spans two."""
    if isinstance(value, (list, tuple)):
        tokens: list[Token] = []
        for item in value:
            tokens.extend(tokenize(as_text(item)))
            tokens.append(_SEPARATOR)
        return tokens
    return tokenize(as_text(value))


def _excluded(finder: ConceptFinder, call: Call) -> bool:
    return any(finder.find(_field_tokens(getattr(call, name))) for name in FIELD_WEIGHTS)


def _reason(result: NeedResult) -> str:
    """One Swedish sentence per need, naming the call's words and where they stood, e.g.
    "träffar 'arbetslöshet' (titel), 'peer support' (beskrivning) i behovet Långtidsarbetslösa"."""
    seen: list[str] = []
    for words, field_name, _ in result.hits:
        part = f"'{words}' ({FIELD_NAMES[field_name]})"
        if part not in seen:
            seen.append(part)
    return f"träffar {', '.join(seen[:4])} i behovet {result.need.title}"
