"""Matches in the database: storing them without losing the coordinator's review, matching the
calls that changed since the last run, and the per-municipality text the demo prints.

What happens to a pair when its call is matched again:
- still matches: score, need ids and reasons are refreshed; ``review``, ``reason``, ``note`` and
  ``reviewed_at`` are kept (an approved match stays approved, a rejected one stays rejected);
- no longer matches and still ``pending``: deleted, since nobody has seen it and the digest must
  not send a call that no longer fits;
- no longer matches but already reviewed: kept as it is; the coordinator's decision stands.
Only pairs of the calls matched in this run are touched.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database

from crawler.config import Source, load_sources
from crawler.config.needs import Inventory, load_needs
from crawler.match.score import Match, Matcher
from crawler.store import load_calls, now_iso, open_db, write_transaction


@dataclass
class StoreResult:
    new: list[tuple[str, str]] = field(default_factory=list)
    updated: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    kept_reviewed: list[tuple[str, str]] = field(default_factory=list)


def store_matches(
    db: Database,
    matches: Iterable[Match],
    *,
    call_ids: Iterable[str] | None = None,
    now: str | None = None,
) -> StoreResult:
    """Upsert matches by (call_id, municipality) in one transaction, keeping review state.

    ``call_ids`` are the calls that were matched (default: the calls of ``matches``); their
    pending pairs missing from ``matches`` are removed, as the module docstring explains.
    """
    now = now or now_iso()
    matches = [m for m in matches if m.filtered is None]
    considered = set(call_ids) if call_ids is not None else {m.call_id for m in matches}
    considered |= {m.call_id for m in matches}
    result = StoreResult()
    with write_transaction(db):
        existing: dict[tuple[str, str], dict] = {}
        ids = sorted(considered)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in db.execute_returning_dicts(
                f"select id, call_id, municipality, review from matches where call_id in ({marks})",
                chunk,
            ):
                existing[(row["call_id"], row["municipality"])] = row
        seen = set()
        for match in matches:
            key = (match.call_id, match.municipality)
            seen.add(key)
            values = [
                match.score,
                json.dumps(match.need_ids, ensure_ascii=False),
                json.dumps(match.reasons, ensure_ascii=False),
            ]
            if key in existing:
                db.execute(
                    "update matches set score = ?, need_ids = ?, reasons = ?, matched_at = ?"
                    " where id = ?",
                    [*values, now, existing[key]["id"]],
                )
                result.updated.append(key)
            else:
                db.execute(
                    "insert into matches (call_id, municipality, score, need_ids, reasons,"
                    " review, matched_at) values (?, ?, ?, ?, ?, 'pending', ?)",
                    [match.call_id, match.municipality, *values, now],
                )
                result.new.append(key)
        for key, row in existing.items():
            if key in seen:
                continue
            if (row["review"] or "pending") == "pending":
                db.execute("delete from matches where id = ?", [row["id"]])
                result.removed.append(key)
            else:
                result.kept_reviewed.append(key)
    return result


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
    last = None
    if not all_calls:
        rows = list(db.query("select max(started) as last from match_runs"))
        last = rows[0]["last"] if rows else None
    where, params = ("last_changed >= ?", [last]) if last else ("1", [])
    calls = load_calls(db, where, params)
    gone = {
        row["id"]
        for row in db.execute_returning_dicts(
            f"select id from calls where gone = 1 and {where}", params
        )
    }
    matcher = Matcher(inventory, sources=sources)
    matches = matcher.match(calls, today=today, gone=gone)
    stored = store_matches(db, matches, call_ids=[c.id for c in calls], now=started)
    with write_transaction(db):
        db["match_runs"].insert(
            {
                "started": started,
                "finished": now_iso(),
                "calls": len(calls),
                "matches": len(matches),
                "new": len(stored.new),
                "updated": len(stored.updated),
                "removed": len(stored.removed),
            }
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
        rows = list(
            db.query(
                "select m.score, m.need_ids, m.reasons, m.review, c.title, c.funder, c.deadline"
                " from matches m join calls c on c.id = m.call_id"
                " where m.municipality = ? collate nocase order by m.score desc, c.title",
                [municipality.name],
            )
        )
        out.append(f"{municipality.name}: {len(rows)} matchade utlysningar")
        for row in rows[:limit]:
            deadline = f", sista dag {row['deadline']}" if row["deadline"] else ""
            out.append(f"  - {row['title']} ({row['funder']}{deadline}) [{row['score']:.2f}]")
            for reason in json.loads(row["reasons"] or "[]"):
                out.append(f"      {reason}")
        if len(rows) > limit:
            out.append(f"  ... och {len(rows) - limit} till")
    return "\n".join(out)


def demo_step(ctx: Any) -> None:
    """The demo's matching step (append to crawler.dev.demo.DEMO_STEPS after the crawls): match
    everything crawled with the default needs inventory and print each municipality's matches."""
    inventory = load_needs()
    sources = {s.id: s for s in load_sources(ctx.sources_path).sources}
    db = open_db(ctx.db_path)
    run = match_database(db, inventory, all_calls=True, sources=sources)
    ctx.echo("\n".join(summary_lines(run, inventory)))
    ctx.echo(describe_matches(db, inventory, limit=5))
    ctx.extra["match_run"] = run
