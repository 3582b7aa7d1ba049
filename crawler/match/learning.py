"""Learning from the coordinator: a need's terms that keep producing rejected matches weigh
less for that need, and terms of approved matches a little more.

Why so simple: the coordinator must be able to read why a call scored as it did, and a handful
of reviews must not swing the matcher. So the only thing learned is one factor per (need,
concept), from two counts over the reviewed matches of that need whose call contained the
concept (a = approvals, r = rejections that speak about the terms):

    factor = 1 + SPAN * (APPROVAL * a - r) / (a + r + SMOOTHING)

which stays inside [1 - SPAN, 1 + SPAN] = [0.5, 1.5], moves slowly with few reviews, and never
lowers a term with fewer than MIN_REJECTIONS rejections. An approval raises a term a tenth of
what a rejection lowers it, but counts fully against rejections, so a term of many approved
matches (the need's own title word) hardly moves. Approvals gain little because an approved
match already matched: raising its terms much lifts borderline calls of other topics over the
threshold (`--replay` on eval/: F1 0.88 -> 0.85 with APPROVAL 0.5, 0.89 with 0.1; eval/blind
0.88 either way). Only the reasons in TERM_REASONS count as rejections: "fel region", "kommunen
kan inte söka" or "redan känd" say nothing about the words of the need. The factor multiplies
the concept's weight in the evidence (Matcher.reweigh); the score stays E / (E + R) and so in
0..1. A match a learned weight changed says so in its reasons, in Swedish.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlite_utils import Database

from crawler.match.review import split_reason
from crawler.match.score import Match, Matcher
from crawler.model import Call
from crawler.model import as_list as json_list
from crawler.store import row_to_call
from crawler.store.review_stats import reviewed_matches

TERM_REASONS = ("fel målgrupp", "inte aktuellt")
SPAN = 0.5
APPROVAL = 0.1
SMOOTHING = 2.0
MIN_REJECTIONS = 2


@dataclass(frozen=True)
class Review:
    """One reviewed (call, municipality) match: the needs it was matched on and the verdict."""

    call: Call
    need_ids: tuple[str, ...]
    review: str  # approved / rejected
    reason: str | None = None

    @property
    def speaks_of_terms(self) -> bool:
        return self.review == "rejected" and split_reason(self.reason)[0] in TERM_REASONS


@dataclass
class Counts:
    approved: int = 0
    rejected: int = 0


@dataclass
class Learned:
    """What the reviews taught: counts and factors per (need id, concept)."""

    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)

    @property
    def factors(self) -> dict[tuple[str, str], float]:
        found = {key: factor(c.approved, c.rejected) for key, c in self.counts.items()}
        return {key: value for key, value in found.items() if value != 1.0}


def factor(approved: int, rejected: int) -> float:
    """The weight factor of a need's term after ``approved`` and ``rejected`` reviews."""
    if rejected < MIN_REJECTIONS:
        rejected = 0
    value = 1 + SPAN * (APPROVAL * approved - rejected) / (approved + rejected + SMOOTHING)
    return round(min(1 + SPAN, max(1 - SPAN, value)), 3)


def learn(matcher: Matcher, reviews: Iterable[Review]) -> Learned:
    """Count, per need, the concepts of the need that each reviewed call contained."""
    profiles = {p.need.id: p for p in matcher.profiles}
    learned = Learned()
    for review in reviews:
        if review.review == "approved":
            kind = "approved"
        elif review.speaks_of_terms:
            kind = "rejected"
        else:
            continue
        hits = matcher.call_hits(review.call)
        for need_id in review.need_ids:
            profile = profiles.get(need_id)
            if profile is None:
                continue  # a need no longer in the inventory
            for concept in profile.weights:
                if concept in hits:
                    counts = learned.counts.setdefault((need_id, concept), Counts())
                    setattr(counts, kind, getattr(counts, kind) + 1)
    return learned


def stored_reviews(db: Database) -> list[Review]:
    """The coordinator's approvals and rejections, from the web app and the CLI alike."""
    return [
        Review(
            row_to_call(row),
            tuple(json_list(row["m_need_ids"])),
            row["m_review"],
            row["m_reason"],
        )
        for row in reviewed_matches(db)
    ]


def learn_from_db(db: Database, matcher: Matcher) -> Learned:
    """Learn from the stored reviews and apply the factors to ``matcher``."""
    learned = learn(matcher, stored_reviews(db))
    matcher.reweigh(learned.factors)
    return learned


def explain(
    matcher: Matcher, learned: Learned, calls: Sequence[Call], matches: list[Match]
) -> None:
    """Add to each match whose evidence a learned factor changed one Swedish line saying so,
    e.g. "'förebyggande' väger mindre i behovet Unga efter granskningen (3 avvisade,
    0 godkända)"."""
    factors = learned.factors
    if not factors:
        return
    by_id = {c.id: c for c in calls}
    titles = {p.need.id: p.need.title for p in matcher.profiles}
    hits_of: dict[str, dict] = {}
    for match in matches:
        call = by_id.get(match.call_id)
        if call is None:
            continue
        if call.id not in hits_of:
            hits_of[call.id] = matcher.call_hits(call)
        hits = hits_of[call.id]
        notes = []
        for need_id in match.need_ids:
            for (need, concept), value in sorted(factors.items()):
                if need != need_id or concept not in hits:
                    continue
                counts = learned.counts[(need, concept)]
                way = "mer" if value > 1 else "mindre"
                notes.append(
                    f"'{hits[concept][1]}' väger {way} (×{value:.2f}) i behovet"
                    f" {titles.get(need, need)} efter samordnarens granskning"
                    f" ({counts.rejected} avvisade, {counts.approved} godkända)"
                )
        match.reasons.extend(notes)
