"""One call once: a news item that announces a call, the call's own page, and the same call
listed on two sites of one funder are one call for matching and digests.

Why a rule and not an id: the funders publish the same call under different addresses (a news
feed, a grant page, a grant calendar) with no shared key, and a municipality that is told the
same call twice in one digest stops trusting the digest. Calls are one when all three hold:

- the same funder (a call of another funder with the same words is another call);
- similar titles: after announcement words ("utlyser", "nu kan ni söka", "miljoner kronor")
  and the funder's own name are left out, at least TITLE_SHARE of the shorter title's words are
  in the other, and at least two (or the whole title when it has one word); numbers must not
  conflict ("Omgång 1" and "Omgång 2" are two calls);
- the same window: equal deadlines, or both missing; a deadline the call page had before counts
  too, since a news item is written once and not updated when the funder moves the deadline;
  and opening days that do not conflict (both given and different is a conflict).

Of a group, the call page is the *primary* (matched, shown in the digest); the news item and the
other listings are its *secondary* links ("Nyhet om utlysningen").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlite_utils import Database

from crawler.match.text import tokenize
from crawler.model import Call
from crawler.store import load_calls
from crawler.store.matches import past_deadlines as stored_past_deadlines

TITLE_SHARE = 0.6
# Words that say a call is announced, not what it is about.
ANNOUNCING = frozenset(
    "utlys utlysning utlyser utlyses ny nya söka sök ansök ansöka ansökan stöd medel bidrag"
    " statsbidrag statsbidraget projektbidrag projektmedel miljon miljoner kronor kr msek öppen"
    " öppnar".split()
)
NEWS_PATH_PARTS = frozenset({"nyheter", "nyhet", "nyhetsarkiv", "news", "pressmeddelanden"})


@dataclass
class CallGroups:
    """Call id -> the id of its group's primary, and primary id -> the other members."""

    primary_of: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[Call]] = field(default_factory=dict)

    def primary(self, call_id: str) -> str:
        return self.primary_of.get(call_id, call_id)

    def others(self, call_id: str) -> list[Call]:
        """The group's calls besides ``call_id`` (primary first)."""
        key = self.primary(call_id)
        return [c for c in self.members.get(key, []) if c.id != call_id]

    @property
    def secondary_ids(self) -> set[str]:
        return {cid for cid, primary in self.primary_of.items() if cid != primary}


def is_news(call: Call) -> bool:
    """A news item, by its address or source: such pages announce a call that has its own page."""
    parts = {p for p in urlsplit(call.url or "").path.lower().split("/") if p}
    return bool(parts & NEWS_PATH_PARTS) or call.source.endswith(("-nyheter", "-news"))


def group_calls(
    calls: Iterable[Call], past_deadlines: Mapping[str, Iterable[str]] | None = None
) -> CallGroups:
    """Group the calls that are one call (see the module docstring); ``past_deadlines`` holds
    each call's earlier deadlines (call id -> ISO dates). Calls alone in their group are not
    listed."""
    past_deadlines = past_deadlines or {}
    by_funder: dict[str, list[Call]] = {}
    for call in calls:
        by_funder.setdefault(" ".join(call.funder.casefold().split()), []).append(call)
    groups = CallGroups()
    for funder, same in by_funder.items():
        if len(same) < 2:
            continue
        words = {c.id: _title_words(c.title, funder) for c in same}
        numbers = {c.id: _numbers(c.title) for c in same}
        parent = {c.id: c.id for c in same}

        for i, one in enumerate(same):
            for other in same[i + 1 :]:
                if (
                    numbers[one.id]
                    and numbers[other.id]
                    and not numbers[one.id] & numbers[other.id]
                ):
                    continue  # "Omgång 1" and "Omgång 2", "LONA 2026" and "LONA 2027"
                if _similar(words[one.id], words[other.id]) and _same_window(
                    one, other, past_deadlines
                ):
                    parent[_root(parent, one.id)] = _root(parent, other.id)
        clusters: dict[str, list[Call]] = {}
        for call in same:
            clusters.setdefault(_root(parent, call.id), []).append(call)
        for members in clusters.values():
            if len(members) < 2:
                continue
            members.sort(key=_primary_order)
            primary = members[0].id
            groups.members[primary] = members
            for call in members:
                groups.primary_of[call.id] = primary
    return groups


def groups_in_db(db: Database) -> CallGroups:
    """The groups among every stored call: matching and digests must agree on them, so both
    read them here."""
    return group_calls(load_calls(db), stored_past_deadlines(db))


def _root(parent: dict[str, str], call_id: str) -> str:
    while parent[call_id] != call_id:
        parent[call_id] = parent[parent[call_id]]
        call_id = parent[call_id]
    return call_id


def _primary_order(call: Call) -> tuple:
    """The call page before a news item; then the fuller page (a calendar line has no summary)."""
    return (is_news(call), -len(call.summary or ""), call.id)


def _title_words(title: str, funder: str) -> frozenset[str]:
    funder_stems = {t.stem for t in tokenize(funder)}
    return frozenset(
        t.stem
        for t in tokenize(title)
        if not t.stop
        and not t.stem.isdigit()
        and t.stem not in ANNOUNCING
        and t.text not in ANNOUNCING
        and t.stem not in funder_stems
        and len(t.stem) > 1
    )


def _numbers(title: str) -> frozenset[str]:
    return frozenset(t.text for t in tokenize(title) if t.text.isdigit())


def _similar(one: frozenset[str], other: frozenset[str]) -> bool:
    if not one or not other:
        return False
    shared = len(one & other)
    shorter = min(len(one), len(other))
    return shared >= min(2, shorter) and shared >= TITLE_SHARE * shorter


def _same_window(one: Call, other: Call, past: Mapping[str, Iterable[str]]) -> bool:
    if one.opens_on and other.opens_on and one.opens_on != other.opens_on:
        return False
    if not one.deadline and not other.deadline:
        return True
    if not one.deadline or not other.deadline:
        return False
    if one.deadline == other.deadline:
        return True
    return one.deadline in set(past.get(other.id, ())) or other.deadline in set(
        past.get(one.id, ())
    )


def calls_to_match(
    db: Database, where: str = "1", params: Iterable = ()
) -> tuple[list[Call], list[str]]:
    """The calls a match run scores: those selected by ``where``, each replaced by its group's
    primary, once; and the ids whose stored matches the run settles (the selected calls too, so
    a news item's earlier matches go when its call page takes over)."""
    everything = load_calls(db)
    groups = group_calls(everything, stored_past_deadlines(db))
    by_id = {c.id: c for c in everything}
    selected = load_calls(db, where, params) if where != "1" else everything
    wanted = dict.fromkeys(groups.primary(c.id) for c in selected)
    calls = [by_id[i] for i in wanted if i in by_id]
    settled = list(dict.fromkeys([*(c.id for c in selected), *wanted]))
    return calls, settled
