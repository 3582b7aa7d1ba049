"""The domain vocabulary: concepts of the field (target groups, themes, generic approaches).

The vocabulary is data (crawler/match/concepts.yaml) because the coordinator is the one who hears
how funders and municipalities name things; code only reads and checks it. A needs file may add
words to a shipped concept (`concepts:`) or bring groups of its own (`synonyms:`), so every
mistake in either comes back as one ConfigError line naming the file, the concept and the field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from crawler.config import ConfigError, read_yaml
from crawler.match.text import RELATED, TERM, phrase_stems, stem

DEFAULT_CONCEPTS = Path(__file__).resolve().parent / "concepts.yaml"
# What a concept is: who a call is for, what it is about, or how it works. Generic concepts
# ("förebyggande", "tidiga insatser") say how, never what, so they never carry a need alone.
KINDS = ("target-group", "theme", "goal", "generic")
CONCEPT_FIELDS = {"id", "kind", "weight", "terms", "related", "neighbours", "serves", "composed_of"}


@dataclass
class Group:
    """One concept: its words (``terms`` fully, ``related`` for less) and its neighbours, the
    concepts that often share a call with it but are a different need."""

    id: str
    weight: float = 1.0
    terms: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    kind: str = "theme"
    neighbours: tuple[str, ...] = ()
    # Target groups a route into work or studies is for: a call titled "sociala företag" is
    # about people far from work, not a field of its own (score.py, FIELD_TITLE).
    serves: tuple[str, ...] = ()
    # Concepts that together name this one ("unga" + "arbetslösa": young people out of work).
    composed_of: tuple[str, ...] = ()


@dataclass
class Lexicon:
    """The domain vocabulary: concept groups, generic words and the exceptions to compounding."""

    groups: dict[str, Group]
    generic: frozenset[str]
    prefix_deny: dict[str, tuple[str, ...]]
    stop_phrases: tuple[tuple[str, ...], ...]
    # Longer words that end in a known word without being a compound of it ("föräldrar").
    suffix_deny: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (the words naming a kind of funder, what every call of such a funder is for): `remits`
    remits: tuple[tuple[re.Pattern[str], str], ...] = ()

    def remit(self, funder: str) -> str:
        """What a funder's calls are for by law or statute, when the funder is of a kind that
        has one: a samordningsförbund's "Sök finansiering" page never names its people."""
        return " . ".join(text for named, text in self.remits if named.search(funder))

    @cached_property
    def composites(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups.values() if g.composed_of)

    def expressions(self) -> Iterable[tuple[tuple[str, ...], str, float]]:
        """(stems, concept id, strength) for every term and related word of every group."""
        for group in self.groups.values():
            for text in group.terms:
                stems = phrase_stems(text)
                if stems:
                    yield stems, group.id, TERM
            for text in group.related:
                stems = phrase_stems(text)
                if stems:
                    yield stems, group.id, RELATED

    def is_generic(self, concept: str) -> bool:
        """A generic concept of the vocabulary, or a need's own loose word on the generic list."""
        if concept.startswith("w:"):
            return concept[2:] in self.generic
        group = self.groups.get(concept)
        return group is not None and group.kind == "generic"

    def is_target_group(self, concept: str) -> bool:
        return self.kind(concept) == "target-group"

    def is_theme(self, concept: str) -> bool:
        return self.kind(concept) in ("theme", "goal")

    def is_telling(self, concept: str) -> bool:
        """A concept that says whom or what a need is for, not how, and is not one of the broad
        groups (weight below 1: "unga", "kvinnor"); a goal ("i arbete") says what for."""
        group = self.groups.get(concept)
        if group is None or group.kind == "generic":
            return False
        return group.kind == "goal" or group.weight >= 1.0

    def compose(self, found: dict[str, tuple[float, str, str]]) -> None:
        """Add to a call's concepts (concept -> (strength, words, field)) those it names by their
        parts (`composed_of`), as strongly as the weakest part, where it names none itself.
        A part said only by a related word ("utanförskap") is too loose to compose anything."""
        for group in self.composites:
            if group.id in found:
                continue
            parts = [found[p] for p in group.composed_of if p in found]
            if len(parts) == len(group.composed_of) and all(p[0] > RELATED for p in parts):
                weakest = min(parts, key=lambda part: part[0])
                found[group.id] = (weakest[0], " + ".join(p[1] for p in parts), weakest[2])

    def kind(self, concept: str) -> str | None:
        group = self.groups.get(concept)
        return group.kind if group else None

    def served(self, concepts: Iterable[str]) -> frozenset[str]:
        """The target groups the concepts are routes for (their `serves`); none when the
        concepts name people themselves: a title that names its people means those."""
        concepts = [c for c in concepts if c in self.groups]
        if any(self.groups[c].kind == "target-group" for c in concepts):
            return frozenset()
        return frozenset(s for c in concepts for s in self.groups[c].serves)

    def neighbours(self, concept: str) -> frozenset[str]:
        """Neighbours either way round: saying it on one side is enough."""
        group = self.groups.get(concept)
        mine = set(group.neighbours) if group else set()
        mine.update(g.id for g in self.groups.values() if concept in g.neighbours)
        return frozenset(mine)


def load_lexicon(
    path: str | Path | None = None,
    extra_groups: Sequence[Sequence[str]] = (),
    extra_terms: Sequence[tuple[str, Sequence[str]]] = (),
    origin: str | Path = "needs.yaml",
) -> Lexicon:
    """The shipped vocabulary plus a needs file's additions.

    ``extra_terms`` (the needs file's `concepts:`) add words to a shipped concept named by id.
    An ``extra_groups`` entry (its `synonyms:`) that shares a word with a shipped concept joins it
    (the coordinator meant the same concept); otherwise it becomes a theme of its own.
    """
    path = Path(path) if path else DEFAULT_CONCEPTS
    raw = read_yaml(path) or {}
    groups: dict[str, Group] = {}
    for index, entry in enumerate(raw.get("concepts") or [], start=1):
        group = _group(path, index, entry)
        if group.id in groups:
            raise ConfigError(f"{path}: concept {group.id}: field 'id': duplicate id")
        groups[group.id] = group
    _check_neighbours(path, groups)
    for concept, words in extra_terms:
        if concept not in groups:
            close = difflib.get_close_matches(concept, list(groups), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                f"{origin}: field 'concepts': unknown concept {concept!r}{hint};"
                f" the concepts are listed in {path}"
            )
        groups[concept].terms.extend(words)
    for index, words in enumerate(extra_groups, start=1):
        stems = {phrase_stems(w) for w in words}
        target = next(
            (g for g in groups.values() if stems & {phrase_stems(t) for t in g.terms + g.related}),
            None,
        )
        if target is None:
            groups[f"extra-{index}"] = Group(id=f"extra-{index}", terms=list(words))
        else:
            target.terms.extend(words)
    return Lexicon(
        groups=groups,
        generic=frozenset(stem(str(w)) for w in raw.get("generic") or []),
        prefix_deny=_stem_lists(raw.get("prefix_deny")),
        stop_phrases=tuple(phrase_stems(str(p)) for p in raw.get("stop_phrases") or []),
        suffix_deny=_stem_lists(raw.get("suffix_deny")),
        remits=_remits(path, raw.get("remits")),
    )


def _remits(path: Path, raw: object) -> tuple[tuple[re.Pattern[str], str], ...]:
    remits = []
    for index, entry in enumerate(raw or [], start=1):
        funders = entry.get("funders") if isinstance(entry, dict) else None
        text = entry.get("for") if isinstance(entry, dict) else None
        if not isinstance(funders, list) or not funders or not isinstance(text, str):
            raise ConfigError(f"{path}: remit #{index}: needs 'funders' (a list) and 'for' (text)")
        words = "|".join(re.escape(str(f)) for f in funders)
        remits.append((re.compile(rf"(?<!\w)(?:{words})", re.IGNORECASE), text))
    return tuple(remits)


def _group(path: Path, index: int, entry: object) -> Group:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise ConfigError(f"{path}: concept #{index}: needs an 'id' and a list of 'terms'")
    name = str(entry["id"])

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: concept {name}: field {key!r}: {problem}")

    unknown = sorted(set(entry) - CONCEPT_FIELDS)
    if unknown:
        raise fail(unknown[0], "unknown field")
    lists = {}
    for key in ("terms", "related", "neighbours", "serves", "composed_of"):
        value = entry.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise fail(key, "must be a list of words or phrases")
        lists[key] = [str(v) for v in value]
    if not lists["terms"]:
        raise fail("terms", "missing or empty")
    kind = entry.get("kind", "theme")
    if kind not in KINDS:
        raise fail("kind", f"must be one of {', '.join(KINDS)}")
    weight = entry.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
        raise fail("weight", "must be a number above 0 and at most 1")
    return Group(
        id=name,
        weight=float(weight),
        terms=lists["terms"],
        related=lists["related"],
        kind=str(kind),
        neighbours=tuple(lists["neighbours"]),
        serves=tuple(lists["serves"]),
        composed_of=tuple(lists["composed_of"]),
    )


def _check_neighbours(path: Path, groups: dict[str, Group]) -> None:
    """The concepts a concept points to (`composed_of`, `serves`, `neighbours`) must exist and
    be of the right kind; a neighbour shares no word: a shared word would make them one."""
    for group in groups.values():
        for other_id in group.composed_of:
            if other_id == group.id:
                raise ConfigError(f"{path}: concept {group.id}: field 'composed_of': names itself")
            if other_id not in groups:
                raise ConfigError(
                    f"{path}: concept {group.id}: field 'composed_of': unknown concept {other_id!r}"
                )
        for other_id in group.serves:
            if groups.get(other_id) is None or groups[other_id].kind != "target-group":
                raise ConfigError(
                    f"{path}: concept {group.id}: field 'serves': {other_id!r} is no target group"
                )
        for other_id in group.neighbours:
            other = groups.get(other_id)
            if other is None:
                raise ConfigError(
                    f"{path}: concept {group.id}: field 'neighbours': unknown concept {other_id!r}"
                )
            mine = {phrase_stems(w): w for w in group.terms + group.related}
            shared = [
                mine[s] for s in (phrase_stems(w) for w in other.terms + other.related) if s in mine
            ]
            if shared:
                raise ConfigError(
                    f"{path}: concept {group.id}: field 'neighbours': shares the word"
                    f" {shared[0]!r} with its neighbour {other_id}"
                )


def _stem_lists(raw: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        return {}
    return {stem(str(k)): tuple(stem(str(v)) for v in values) for k, values in raw.items()}
