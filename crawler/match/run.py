"""A match run over the database: match the calls that changed since the last run (or all),
store the result keeping the coordinator's review, and say what changed per municipality."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from crawler.config import Source
from crawler.config.needs import Inventory
from crawler.match.duplicates import calls_to_match
from crawler.match.learning import explain, learn_from_db
from crawler.match.score import Match, Matcher
from crawler.store import now_iso
from crawler.store.matches import (
    StoreResult,
    gone_call_ids,
    last_match_run,
    matches_with_calls,
    record_match_run,
    store_matches,
)


@dataclass
class MatchRun:
    calls: int
    matches: list[Match]
    stored: StoreResult


def match_database(
    db: Database,
    inventory: Inventory,
    *,
    all_calls: bool = False,
    today: date | None = None,
    sources: dict[str, Source] | None = None,
    now: str | None = None,
) -> MatchRun:
    """Match the calls changed since the last run (or all) and store the result.

    A run is recorded in ``match_runs``; the next run takes calls whose ``last_changed`` is not
    older than this run's start, so a crawl writing while we match is picked up next time.
    """
    started = now or now_iso()
    last = None if all_calls else last_match_run(db)
    where, params = ("last_changed >= ?", [last]) if last else ("1", [])
    # One call once (crawler/match/duplicates.py): a news item is matched as its call page.
    calls, settled = calls_to_match(db, where, params)
    gone = gone_call_ids(db)
    matcher = Matcher(inventory, sources=sources)
    learned = learn_from_db(db, matcher)  # the coordinator's reviews weigh the need's terms
    matches = matcher.match(calls, today=today, gone=gone)
    explain(matcher, learned, calls, matches)
    stored = store_matches(db, matches, call_ids=settled, now=started)
    record_match_run(
        db,
        {
            "started": started,
            "finished": now_iso(),
            "calls": len(calls),
            "matches": len(matches),
            "new": len(stored.new),
            "updated": len(stored.updated),
            "removed": len(stored.removed),
        },
    )
    return MatchRun(len(calls), matches, stored)


def summary_lines(run: MatchRun, inventory: Inventory) -> list[str]:
    """One line per municipality: how many calls match, how many of them are new."""
    per: dict[str, int] = defaultdict(int)
    for match in run.matches:
        per[match.municipality] += 1
    new: dict[str, int] = defaultdict(int)
    for _, municipality in run.stored.new:
        new[municipality] += 1
    lines = [
        f"Matched {run.calls} calls: {len(run.matches)} matches"
        f" ({len(run.stored.new)} new, {len(run.stored.updated)} updated,"
        f" {len(run.stored.removed)} pending removed, {len(run.stored.kept_reviewed)}"
        " reviewed kept)"
    ]
    for municipality in inventory.municipalities:
        lines.append(
            f"  {municipality.name}: {per[municipality.name]} matches, {new[municipality.name]} new"
        )
    return lines


def describe_matches(db: Database, inventory: Inventory, *, limit: int = 10) -> str:
    """The stored matches per municipality with their reasons, in Swedish, for `make demo`."""
    out: list[str] = []
    for municipality in inventory.municipalities:
        rows = matches_with_calls(db, municipality.name)
        out.append(f"{municipality.name}: {len(rows)} matchade utlysningar")
        for row in rows[:limit]:
            deadline = f", sista dag {row['deadline']}" if row["deadline"] else ""
            out.append(f"  - {row['title']} ({row['funder']}{deadline}) [{row['score']:.2f}]")
            for reason in json.loads(row["reasons"] or "[]"):
                out.append(f"      {reason}")
        if len(rows) > limit:
            out.append(f"  ... och {len(rows) - limit} till")
    return "\n".join(out)
