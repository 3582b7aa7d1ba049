"""Matching calls to municipalities' needs: a pure function from (calls, inventory) to matches.

How a pair is scored (the numbers are constants below, measured with `make eval`):

1. Each need is read once into concepts: its title, its own synonyms and its description go
   through the domain vocabulary (crawler/match/concepts.yaml + the needs file's `concepts` and
   `synonyms`), so "nyanlända" and "tredjelandsmedborgare" become one concept; words outside the
   vocabulary stay concepts of their own. Title and synonym concepts weigh fully, description
   concepts half (crawler/match/profile.py: the per-need weights live in `NeedProfile.weights`).
2. Each call is read once: its title, target groups, programme and summary, each field with its
   weight (title and target groups count more than the summary, and the first SUMMARY_LEAD
   words of a long summary more than the rest), and the funder's remit where the law gives its
   kind one (concepts.yaml `remits`: a samordningsförbund funds people far from work).
3. Evidence for a need = the sum, over the need's concepts found in the call, of concept weight x
   field weight x how the word was found (whole word, compound, related word); `_evidence` is the
   one place where these are multiplied.
4. Rules on the evidence, each because a kind of false match kept coming back:
   - Generic concepts ("förebyggande", a need's loose "insatser") count at most as much as the
     need's target-group and theme evidence: one generic word alone never matches.
   - ANCHOR: enough of the evidence comes from the need's title or synonyms; a call that only
     echoes the description's wording is about something else.
   - Neighbours (concepts.yaml): a call whose title or target groups name a neighbour of one of
     the need's concepts, and not that concept, is about the neighbour (welfare technology is
     not the staffing of welfare).
   - FIELD_TITLE: a call whose title names a target group or theme is for that group or field
     (housing, digital skills, violence, leisure); a need whose words name nothing of the title
     is another owner's, however well it echoes the summary or the call's target-group list
     (people named in passing). A route into work (`serves` in concepts.yaml) names its people.
   - Themes: a need whose title joins people and themes ("Barns och ungas psykiska hälsa",
     "Kompetensförsörjning i vård och omsorg") needs every theme of its title in the call; the
     people alone are any call for children. A title of alternatives asks for one of them
     ("Mottagande och samhällsorientering för nyanlända": reception, not any call for
     newcomers). A goal ("Personer med funktionsnedsättning till arbete") is such a theme. A
     title of a method for a broad group ("Förebyggande insatser för unga") takes its subject
     from the description: the call must name one of the description's themes (not violence
     against women for a need about school, drugs and crime). Before a dash is the need; after
     it, how ("Långtidsarbetslösa – peer support"), which counts but is not asked for.
5. Score = E / (E + R) for evidence E and the evidence R the need asks for (the weight of its
   title, capped so a long title does not demand every word): always in 0..1, 0.5 when the
   need's title is fully met, and a need matches at THRESHOLD or above. A match's ranking score
   is the same with E times the need's `weight`, so it stays in 0..1 too.
6. Calls are scored against each distinct need once, through an inverted index from concept to
   needs, and the matched needs fan out to the municipalities that listed them, after the hard
   filters (crawler/match/filters.py) for each municipality.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date

from crawler.config import Source
from crawler.config.needs import Inventory, Municipality, Need
from crawler.match.concepts import Lexicon, load_lexicon
from crawler.match.filters import (
    CallGate,
    call_gate,
    members_by_source,
    municipality_reason,
    region_reason,
)
from crawler.match.profile import NeedProfile, NeedReader
from crawler.match.results import Match, NeedResult, reason_text
from crawler.match.text import TERM, ConceptFinder, field_tokens
from crawler.model import Call

# The one threshold: a need matches a call when its score E / (E + R) reaches this, i.e. when the
# evidence is at least two thirds of what the need asks for (0.5 = the need's title fully met).
# Chosen with `make eval` over the eight labelled sets of 3 December 2026: best or within 0.015 of
# the best on each; 0.38 loses eval/'s precision, 0.42 blind2's and blind3's recall.
THRESHOLD = 0.40
# Field weights: where in the call a word was found.
FIELD_WEIGHTS = {"title": 1.0, "target_groups": 1.0, "programme": 0.6, "summary": 0.8}
REMIT = 0.8  # a funder's remit (concepts.yaml `remits`): what the call is for, said by law
SUMMARY_LEAD = 120  # words of the summary that count fully; later ones count LATE_SUMMARY
LATE_SUMMARY = 0.6
# At least this share of the required evidence must come from the need's title or synonyms:
# a call that only echoes the description's wording is about something else.
ANCHOR = 0.35
HEAD_FIELDS = ("title", "target_groups")  # where a call says what it is about
# The kinds of concept that make a call's title say what the call is about (rule FIELD_TITLE).
FIELD_TITLE = ("target-group", "theme")


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
        self.lexicon = lexicon or load_lexicon(
            extra_groups=inventory.synonyms,
            extra_terms=inventory.concepts,
            origin=inventory.path,
        )
        reader = NeedReader(self.lexicon)
        used = {n.id for m in inventory.municipalities for n in _needs_of(inventory, m)}
        self.profiles = [reader.profile(n) for n in inventory.needs if n.id in used]
        concepts = {c for p in self.profiles for c in p.weights}
        # need index -> (a concept of the need, its neighbours that are not the need's own)
        self.neighbour_checks = [self._neighbour_checks(p) for p in self.profiles]
        read = concepts | {n for checks in self.neighbour_checks for _, ns in checks for n in ns}
        # Every target group and theme: a call's title may be about one that no need names.
        read |= {g.id for g in self.lexicon.groups.values() if g.kind in FIELD_TITLE}
        expressions = [e for e in self.lexicon.expressions() if e[1] in read]
        expressions += [((c[2:],), c, TERM) for c in concepts if c.startswith("w:")]
        self.call_reader = ConceptFinder(
            expressions,
            prefix_deny=self.lexicon.prefix_deny,
            stop_phrases=self.lexicon.stop_phrases,
            whole_or_head={c for c in concepts if c.startswith("w:")},
            suffix_deny=self.lexicon.suffix_deny,
        )
        # concept -> (need index, weight, from the title or synonyms, generic)
        self.postings: dict[str, list[tuple[int, float, bool, bool]]] = defaultdict(list)
        for index, profile in enumerate(self.profiles):
            for concept, weight in profile.weights.items():
                anchor = profile.roles[concept] != "beskrivning"
                generic = self.lexicon.is_generic(concept)
                self.postings[concept].append((index, weight, anchor, generic))
        self.members = members_by_source(inventory)
        # need id -> county -> indices of the municipalities that listed the need
        self.need_counties: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for index, municipality in enumerate(inventory.municipalities):
            for need_id in municipality.needs:
                self.need_counties[need_id].setdefault(municipality.county, []).append(index)

    def reweigh(self, factors: Mapping[tuple[str, str], float]) -> None:
        """Multiply concept weights by factors learned from the coordinator's review ((need id,
        concept) -> factor, crawler/match/learning.py), replacing earlier factors: weights meet
        the call only in `_evidence`, so the score follows with no other change."""
        unweighed = {c: list(p) for c, p in self.postings.items()}
        base = self.__dict__.setdefault("_unweighed", unweighed)
        for concept, posts in base.items():
            self.postings[concept] = [
                (i, w * factors.get((self.profiles[i].need.id, concept), 1.0), a, g)
                for i, w, a, g in posts
            ]

    # -- reading calls -------------------------------------------------------------------

    def call_hits(self, call: Call) -> dict[str, tuple[float, str, str]]:
        """Concept -> (strength x field weight, call words, field) for the best place found."""
        return self._read(call)[0]

    def _read(self, call: Call) -> tuple[dict[str, tuple[float, str, str]], set[str]]:
        """The call's concepts (see `call_hits`) and every concept its title names, each field
        read once."""
        best: dict[str, tuple[float, str, str]] = {}
        titled: set[str] = set()
        texts = [(name, getattr(call, name), weight) for name, weight in FIELD_WEIGHTS.items()]
        texts.append(("remit", self.lexicon.remit(f"{call.funder} {call.source}"), REMIT))
        for name, value, weight in texts:
            tokens = field_tokens(value)
            if not tokens:
                continue
            parts = [(tokens, weight)]
            if name == "summary" and len(tokens) > SUMMARY_LEAD:
                # A long body: the lead says what the call is about; the rest is often
                # boilerplate about the programme, the funder or how to apply.
                parts = [(tokens[:SUMMARY_LEAD], weight), (tokens[SUMMARY_LEAD:], LATE_SUMMARY)]
            for part, part_weight in parts:
                found = self.call_reader.find(part)
                if name == "title":
                    titled.update(found)
                for concept, hit in found.items():
                    value = hit.strength * part_weight
                    if name == "remit" and concept.startswith("w:"):
                        continue  # the law's words are concepts, not echoes of a need's prose
                    if value > best.get(concept, (0.0, "", ""))[0]:
                        best[concept] = (value, hit.words, name)
        self.lexicon.compose(best)
        return best, titled

    def _neighbour_checks(self, profile: NeedProfile) -> list[tuple[str, frozenset[str]]]:
        checks = []
        for concept, role in profile.roles.items():
            if role == "beskrivning" or self.lexicon.is_generic(concept):
                continue
            others = self.lexicon.neighbours(concept) - set(profile.weights)
            if others:
                checks.append((concept, others))
        return checks

    def _evidence(
        self, hits: Mapping[str, tuple[float, str, str]]
    ) -> dict[int, tuple[float, float]]:
        """Per need: (evidence, the part of it from the need's title or synonyms).

        The one place where a need's concept weight meets how strongly the call said it, and
        where generic evidence is capped by the target-group and theme evidence beside it."""
        # need index -> [specific, generic, specific anchored, generic anchored]
        sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
        for concept, (value, _, _) in hits.items():
            for index, weight, anchor, is_generic in self.postings.get(concept, ()):
                row = sums[index]
                row[is_generic] += weight * value
                if anchor:
                    row[2 + is_generic] += weight * value
        return {
            index: (own + min(generic, own), own_anchor + min(generic_anchor, own))
            for index, (own, generic, own_anchor, generic_anchor) in sums.items()
            if own > 0  # generic evidence alone is no evidence
        }

    def score_needs(self, call: Call) -> list[NeedResult]:
        """Every need the call meets at the threshold, best first."""
        hits, titled = self._read(call)
        head = {c for c, (_, _, name) in hits.items() if name in HEAD_FIELDS}
        fields = {c for c in titled if self.lexicon.kind(c) in FIELD_TITLE}
        titled |= self.lexicon.served(fields)
        results = []
        for index, (evidence, anchored) in self._evidence(hits).items():
            profile = self.profiles[index]
            score = evidence / (evidence + profile.required)
            if score < THRESHOLD or anchored < ANCHOR * profile.required:
                continue
            if fields and not titled & profile.mentions:
                continue  # FIELD_TITLE: the call's title names what it is for, not this need
            if not profile.themes_met(hits.keys()):
                continue  # the call names the need's people, not what the need is about
            if any(c not in head and others & head for c, others in self.neighbour_checks[index]):
                continue  # the call's title is about a neighbour of the need
            if profile.excludes is not None and _excluded(profile.excludes, call):
                continue
            found = sorted(
                (
                    (profile.weights[c] * hits[c][0], hits[c][1], hits[c][2], profile.roles[c])
                    for c in profile.weights
                    if c in hits and self.lexicon.kind(c) != "goal"  # goals are no topic
                ),
                reverse=True,
            )
            rank = _saturate(evidence * profile.need.weight, profile.required)
            results.append(
                NeedResult(profile.need, round(score, 3), [(w, f, r) for _, w, f, r in found], rank)
            )
        results.sort(key=lambda r: (-r.rank, r.need.id))
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
        reasons = {result.need.id: reason_text(result) for result in results}
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
                score = only.rank
                need_ids = [only.need.id]
                texts = [reasons[only.need.id]]
            else:
                score = max(r.rank for r in found)
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


def _saturate(evidence: float, required: float) -> float:
    return round(evidence / (evidence + required), 3)


def _needs_of(inventory: Inventory, municipality: Municipality) -> list[Need]:
    wanted = set(municipality.needs)
    return [n for n in inventory.needs if n.id in wanted]


def _excluded(finder: ConceptFinder, call: Call) -> bool:
    return any(finder.find(field_tokens(getattr(call, name))) for name in FIELD_WEIGHTS)
