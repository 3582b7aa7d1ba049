"""Swedish text as the matcher sees it: stems, compounds, phrases and the domain vocabulary.

Snowball Swedish only strips inflections, and a municipality's "långtidsarbetslösa" must still
meet a funder's "arbetslöshet". So a word is reduced to a stem, a stem may meet another as the end
(or, more carefully, the start) of a compound, phrases are matched stem by stem, and the shipped
vocabulary (crawler/match/concepts.yaml, read by crawler/match/concepts.py) turns many ways of
saying one thing into one concept.
Every lookup a token needs is cached, because the same few thousand words recur in every call.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

# How much a match counts, by how it was made.
TERM = 1.0  # a word of the concept itself
RELATED = 0.5  # a narrower or neighbouring word
SUFFIX = 0.9  # the known word is the end of a longer call word (its head): "långtids|arbetslösa"
PREFIX = 0.8  # the known word starts a longer call word: "missbruks|vård"
MIN_SUFFIX = 4  # shorter stems ("ung") only match whole words
MIN_PREFIX = 5  # or four letters followed by the linking "s" ("våld|s|utsatta")

TOKEN = re.compile(r"[0-9a-zåäöéèüæøáà]+(?::[0-9]+)?")
GENITIVE_ENDINGS = ("ors", "ars", "ers", "ens", "ets", "nas", "as", "es")
VOWELS = frozenset("aeiouyåäöé")
NOT_DEFINITE_AN = ("plan", "organ", "kran")
ADJECTIVE_T_ENDINGS = ("alt", "ellt", "iskt", "igt", "bart", "ivt", "ärt")

# Function words: they may sit inside a phrase ("våld i nära relationer") but never count alone.
STOPWORDS = frozenset(
    """
    alla allt an and annan annat andra att av bara bli blir blivit de del dem den denna deras
    dess dessa det detta dig din dina ditt du där då efter eftersom ej eller en er era ert ett
    for from från för ha hade han hans har hela henne hennes hon honom hur här i icke in ingen
    inom inte is it jag kan kunde man med mellan men mig min mina mitt mot mycket ni nu när och
    of om on oss på samma sedan sig sin sina sitt sjäv själv ska skall skulle som så sådan sådana
    the till to under upp ut utan vad var vara varför varit varje vars vem vi vid vilka vilken
    vilket vill vår våra vårt än ännu är även åt över också samt via per bland dvs mm etc ca
    kl år års får få står stå kommer komma tillbaka uppåt innan både ofta redan mer mest dag
    idag nå når utanför bl ex exempel exempelvis
    två tre fyra fem sju åtta nio tio elva tolv tjugo första tredje fjärde femte hundra tusen
    miljon miljoner miljard miljarder kronor procent""".split()
)

_STEMMER = snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A lower-cased word reduced to the stem the matcher compares.

    Snowball alone leaves some forms apart ("kvinnors" -> "kvinnor" but "kvinnor" -> "kvinn";
    "skolan" and "socialt" stay as they are), so a genitive -s and a definite -an are dropped
    first and an adjective -t after.
    """
    word = word.lower()
    if len(word) > 5 and word.endswith(GENITIVE_ENDINGS) and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 5 and word.endswith("an") and not word.endswith(NOT_DEFINITE_AN):
        word = word[:-1]  # Snowball leaves the definite "-an": "skolan", "ohälsan", "kvinnan"
    result = _STEMMER.stemWord(word)
    if len(result) > 5 and result.endswith(ADJECTIVE_T_ENDINGS):
        result = result[:-1]
    if len(result) > 3 and result[-1] == result[-2] and result[-1] not in VOWELS:
        # Snowball undoubles a final consonant only in long words: "ungdomsbrott" -> "...brot"
        # but "brott" -> "brott"; undoubling always keeps a compound's end equal to its part.
        result = result[:-1]
    return result


@dataclass(frozen=True)
class Token:
    text: str  # as written (lower-cased)
    stem: str
    stop: bool


_TOKENS: dict[str, Token] = {}


def tokenize(text: str | None) -> list[Token]:
    """Words of a text in order; stop words are kept (phrases need them) but marked.

    Tokens are shared between texts (they are immutable): the same few thousand words recur in
    every call, so each is stemmed and built once.
    """
    if not text:
        return []
    cache = _TOKENS
    out = []
    for word in TOKEN.findall(text.lower()):
        token = cache.get(word)
        if token is None:
            token = Token(word, stem(word), word in STOPWORDS or len(word) < 2)
            if len(cache) < 500_000:
                cache[word] = token
        out.append(token)
    return out


def phrase_stems(text: str) -> tuple[str, ...]:
    return tuple(t.stem for t in tokenize(text))


@dataclass(frozen=True)
class Hit:
    """The best evidence for one concept in one text: how strong, and the words that made it."""

    strength: float
    words: str
    start: int
    end: int


class ConceptFinder:
    """Finds the concepts of a fixed set of expressions in token sequences.

    Single-word expressions sit in a dict; a call word is looked up whole, by its ends and by
    its starts (compounds) once, and the answer is cached for the next call that uses the word.
    Phrases are indexed by their first stem.
    """

    def __init__(
        self,
        expressions: Iterable[tuple[tuple[str, ...], str, float]],
        *,
        prefix_deny: dict[str, tuple[str, ...]] | None = None,
        stop_phrases: Sequence[tuple[str, ...]] = (),
        whole_or_head: Collection[str] = (),
        suffix_deny: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        """``whole_or_head``: concepts whose words may start a compound only before a linking
        "s" (the need's own loose words: "samordnade" must not catch "samordningsförbundet",
        but "arbetsmarknad" still catches "arbetsmarknadsinsatser")."""
        self.single: dict[str, dict[str, float]] = {}
        self.multi: dict[str, list[tuple[tuple[str, ...], str, float]]] = {}
        for stems, concept, strength in expressions:
            if len(stems) == 1:
                slot = self.single.setdefault(stems[0], {})
                slot[concept] = max(strength, slot.get(concept, 0.0))
            else:
                self.multi.setdefault(stems[0], []).append((stems, concept, strength))
        for entries in self.multi.values():
            entries.sort(key=lambda e: -len(e[0]))
        self.prefix_deny = prefix_deny or {}
        self.suffix_deny = suffix_deny or {}
        self.whole_or_head = frozenset(whole_or_head)
        self.stop_phrases: dict[str, list[tuple[str, ...]]] = {}
        for phrase in stop_phrases:
            if phrase:
                self.stop_phrases.setdefault(phrase[0], []).append(phrase)
        self._cache: dict[str, tuple[tuple[str, float], ...]] = {}

    def word_hits(self, word_stem: str) -> tuple[tuple[str, float], ...]:
        """Concepts one word carries, whole or as part of a compound."""
        cached = self._cache.get(word_stem)
        if cached is not None:
            return cached
        found: dict[str, float] = {}

        def add(concepts: dict[str, float], factor: float) -> None:
            for concept, strength in concepts.items():
                value = strength * factor
                if value > found.get(concept, 0.0):
                    found[concept] = value

        single = self.single
        if word_stem in single:
            add(single[word_stem], 1.0)
        size = len(word_stem)
        for i in range(2, size - MIN_SUFFIX + 1):
            tail = word_stem[i:]
            if tail in single and not any(
                word_stem.endswith(d) for d in self.suffix_deny.get(tail, ())
            ):
                add(single[tail], SUFFIX)
        for j in range(size - 3, MIN_SUFFIX - 1, -1):
            head = word_stem[:j]
            if head in single and (j >= MIN_PREFIX or word_stem[j] == "s"):
                if not any(word_stem.startswith(d) for d in self.prefix_deny.get(head, ())):
                    joined = word_stem[j] == "s"  # "arbetsmarknad|s|insatser"
                    add(
                        {
                            c: v
                            for c, v in single[head].items()
                            if joined or c not in self.whole_or_head
                        },
                        PREFIX,
                    )
        result = tuple(found.items())
        if len(self._cache) < 500_000:
            self._cache[word_stem] = result
        return result

    def find(self, tokens: Sequence[Token]) -> dict[str, Hit]:
        """The best hit of every concept in the tokens (the words of each built only once)."""
        best: dict[str, tuple[float, int, int]] = {}
        stems = [t.stem for t in tokens]
        blocked = self._stop_spans(stems) if self.stop_phrases else None
        multi = self.multi
        size = len(stems)
        for i, token in enumerate(tokens):
            if blocked is not None and blocked[i]:
                continue
            phrases = multi.get(token.stem)
            if phrases:
                for phrase, concept, strength in phrases:
                    end = i + len(phrase)
                    if (
                        end <= size
                        and _phrase_at(stems, i, phrase)
                        and (blocked is None or not any(blocked[i:end]))
                    ):
                        old = best.get(concept)
                        if old is None or strength > old[0]:
                            best[concept] = (strength, i, end)
            if token.stop:
                continue
            for concept, strength in self.word_hits(token.stem):
                old = best.get(concept)
                if old is None or strength > old[0]:
                    best[concept] = (strength, i, i + 1)
        return {
            concept: Hit(strength, " ".join(t.text for t in tokens[start:end]), start, end)
            for concept, (strength, start, end) in best.items()
        }

    def find_all(self, tokens: Sequence[Token]) -> list[tuple[str, Hit]]:
        """Every hit of every concept, in text order (phrases before the words inside them)."""
        hits: list[tuple[str, Hit]] = []
        stems = [t.stem for t in tokens]
        blocked = self._stop_spans(stems)

        def keep(concept: str, strength: float, start: int, end: int) -> None:
            words = " ".join(t.text for t in tokens[start:end])
            hits.append((concept, Hit(strength, words, start, end)))

        for i, token in enumerate(tokens):
            if blocked[i]:
                continue
            for phrase, concept, strength in self.multi.get(token.stem, ()):
                end = i + len(phrase)
                if end <= len(stems) and _phrase_at(stems, i, phrase) and not any(blocked[i:end]):
                    keep(concept, strength, i, end)
            if token.stop:
                continue
            for concept, strength in self.word_hits(token.stem):
                keep(concept, strength, i, i + 1)
        return hits

    def _stop_spans(self, stems: list[str]) -> list[bool]:
        blocked = [False] * len(stems)
        if not self.stop_phrases:
            return blocked
        for i, value in enumerate(stems):
            for phrase in self.stop_phrases.get(value, ()):
                if tuple(stems[i : i + len(phrase)]) == phrase:
                    for k in range(i, i + len(phrase)):
                        blocked[k] = True
        return blocked


def _phrase_at(stems: list[str], start: int, phrase: tuple[str, ...]) -> bool:
    """All words equal, except that the last may be the start of a longer word
    ("kommersiell service" meets "kommersiella servicepunkter")."""
    last = len(phrase) - 1
    for k, part in enumerate(phrase):
        value = stems[start + k]
        if value != part and not (k == last and len(part) >= MIN_SUFFIX and value.startswith(part)):
            return False
    return True


def as_text(value: Any) -> str:
    """A call field as one text: lists are joined so phrases do not run across items."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " . ".join(str(v) for v in value)
    return str(value)


_SEPARATOR = Token("|", "|", True)


def field_tokens(value: Any) -> list[Token]:
    """Tokens of a call field; items of a list are kept apart so no phrase spans two."""
    if isinstance(value, (list, tuple)):
        tokens: list[Token] = []
        for item in value:
            tokens.extend(tokenize(as_text(item)))
            tokens.append(_SEPARATOR)
        return tokens
    return tokenize(as_text(value))
