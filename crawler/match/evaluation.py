"""Measuring the matcher (`make eval`): precision, recall and F1 over (call, municipality) pairs.

The labelled set lives in eval/: needs.yaml (six municipalities in three counties with different
needs), calls_tuning.jsonl and calls_heldout.jsonl with their labels_*.yaml. The held-out part
was written before the matcher and is not used for tuning; both are reported. Two baselines run
on the same pairs: plain keyword matching of need titles, and overlap of stemmed words.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from crawler.config import REPO_ROOT, ConfigError, read_yaml
from crawler.config.needs import Inventory, load_needs
from crawler.match.learning import Review, learn
from crawler.match.score import Matcher
from crawler.match.text import STOPWORDS, tokenize
from crawler.model import Call

EVAL_DIR = REPO_ROOT / "eval"
SPLITS = ("tuning", "heldout")
Pair = tuple[str, str]


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    gold: int


def score(predicted: set[Pair], gold: set[Pair]) -> Scores:
    hits = len(predicted & gold)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, hits, len(predicted), len(gold))


def load_calls(path: Path) -> list[Call]:
    return [
        Call.from_dict(json.loads(line))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def gold_pairs(calls: Iterable[Call], labels: dict, inventory: Inventory) -> set[Pair]:
    """Pairs a coordinator would send: the municipality may receive the call at all (`for`) and
    listed a need the call fits (`needs`)."""
    pairs: set[Pair] = set()
    for call in calls:
        label = labels.get(call.id)
        if label is None:
            raise ConfigError(f"eval: call {call.id} has no label")
        allowed = label.get("for", "all")
        for municipality in inventory.municipalities:
            if allowed == "none":
                continue
            if allowed != "all" and municipality.name not in allowed:
                continue
            if set(label.get("needs") or []) & set(municipality.needs):
                pairs.add((call.id, municipality.name))
    return pairs


def matcher_pairs(calls: Sequence[Call], inventory: Inventory) -> set[Pair]:
    return {(m.call_id, m.municipality) for m in Matcher(inventory).match(calls)}


def _call_text(call: Call) -> str:
    return " ".join([call.title, call.summary, " ".join(call.target_groups)])


def keyword_baseline(calls: Sequence[Call], inventory: Inventory) -> set[Pair]:
    """A need matches when any word of its title occurs in the call (case-insensitive)."""
    words = {
        n.id: [w for w in n.title.lower().split() if w not in STOPWORDS and len(w) > 2]
        for n in inventory.needs
    }
    pairs = set()
    for call in calls:
        text = _call_text(call).lower()
        fits = {need for need, ws in words.items() if any(w in text for w in ws)}
        for municipality in inventory.municipalities:
            if fits & set(municipality.needs):
                pairs.add((call.id, municipality.name))
    return pairs


def stem_overlap_baseline(
    calls: Sequence[Call], inventory: Inventory, *, min_shared: int = 2
) -> set[Pair]:
    """A need matches when its title and description share `min_shared` stems with the call."""

    def stems(text: str) -> set[str]:
        return {t.stem for t in tokenize(text) if not t.stop and len(t.stem) > 2}

    need_stems = {n.id: stems(f"{n.title} {n.description}") for n in inventory.needs}
    pairs = set()
    for call in calls:
        found = stems(_call_text(call))
        fits = {need for need, s in need_stems.items() if len(s & found) >= min_shared}
        for municipality in inventory.municipalities:
            if fits & set(municipality.needs):
                pairs.add((call.id, municipality.name))
    return pairs


def splits_of(eval_dir: Path) -> tuple[str, ...]:
    """A folder holds either the tuning/held-out pair or one set (calls.jsonl, labels.yaml), such
    as eval/blind, written by someone else so that it does not flatter the matcher."""
    return ("set",) if (eval_dir / "calls.jsonl").exists() else SPLITS


def load_split(name: str, eval_dir: Path = EVAL_DIR) -> tuple[list[Call], dict]:
    suffix = "" if name == "set" else f"_{name}"
    calls = load_calls(eval_dir / f"calls{suffix}.jsonl")
    labels = read_yaml(eval_dir / f"labels{suffix}.yaml")
    return calls, labels


def evaluate(split: str = "all", eval_dir: Path = EVAL_DIR) -> dict[str, dict[str, Scores]]:
    """Scores of the matcher and both baselines, per split and on the whole set."""
    inventory = load_needs(eval_dir / "needs.yaml")
    names = splits_of(eval_dir) if split == "all" else (split,)
    data = {name: load_split(name, eval_dir) for name in names}
    if len(names) > 1:
        data["all"] = (
            [c for n in names for c in data[n][0]],
            {k: v for n in names for k, v in data[n][1].items()},
        )
    report: dict[str, dict[str, Scores]] = {}
    for name, (calls, labels) in data.items():
        gold = gold_pairs(calls, labels, inventory)
        report[name] = {
            "matcher": score(matcher_pairs(calls, inventory), gold),
            "baseline: keywords of need titles": score(keyword_baseline(calls, inventory), gold),
            "baseline: overlap of stemmed words": score(
                stem_overlap_baseline(calls, inventory), gold
            ),
        }
    return report


def errors(split: str, eval_dir: Path = EVAL_DIR) -> list[str]:
    """False positives and negatives of the matcher on one split, for tuning."""
    inventory = load_needs(eval_dir / "needs.yaml")
    calls, labels = load_split(split, eval_dir)
    gold = gold_pairs(calls, labels, inventory)
    matches = {(m.call_id, m.municipality): m for m in Matcher(inventory).match(calls)}
    lines = []
    for pair in sorted(set(matches) - gold):
        lines.append(f"FP {pair}: {matches[pair].score} {matches[pair].reasons}")
    for pair in sorted(gold - set(matches)):
        lines.append(f"FN {pair}")
    return lines


def replay(eval_dir: Path = EVAL_DIR) -> dict[str, Scores]:
    """Learning measured: in deadline order, the first half of the calls is reviewed as a
    coordinator would from the labels (a true pair approved; a false one rejected "fel
    målgrupp", or "inte aktuellt" when the call fits no need, or "kommunen kan inte söka" when
    the label says the municipality may not receive it), and the second half is scored before
    and after learning from those reviews."""
    inventory = load_needs(eval_dir / "needs.yaml")
    calls: list[Call] = []
    labels: dict = {}
    for name in splits_of(eval_dir):
        split_calls, split_labels = load_split(name, eval_dir)
        calls += split_calls
        labels.update(split_labels)
    calls.sort(key=lambda c: (c.deadline or "9999-12-31", c.id))
    first, second = calls[: len(calls) // 2], calls[len(calls) // 2 :]
    gold = gold_pairs(calls, labels, inventory)
    second_gold = gold_pairs(second, labels, inventory)
    matcher = Matcher(inventory)
    before = score({(m.call_id, m.municipality) for m in matcher.match(second)}, second_gold)
    by_id = {c.id: c for c in first}
    reviews = []
    for match in matcher.match(first):
        label = labels[match.call_id]
        allowed = label.get("for", "all")
        if (match.call_id, match.municipality) in gold:
            verdict, reason = "approved", None
        elif allowed == "none" or (allowed != "all" and match.municipality not in allowed):
            verdict, reason = "rejected", "kommunen kan inte söka"
        else:
            verdict, reason = "rejected", "fel målgrupp" if label.get("needs") else "inte aktuellt"
        reviews.append(Review(by_id[match.call_id], tuple(match.need_ids), verdict, reason))
    matcher.reweigh(learn(matcher, reviews).factors)
    after = score({(m.call_id, m.municipality) for m in matcher.match(second)}, second_gold)
    return {
        f"second half before learning ({len(second)} calls)": before,
        f"second half after learning from {len(reviews)} reviews": after,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.match.evaluation", description=__doc__)
    parser.add_argument("--split", choices=(*SPLITS, "set", "all"), default="all")
    parser.add_argument("--errors", action="store_true", help="list the matcher's mistakes")
    parser.add_argument(
        "--dir", type=Path, default=EVAL_DIR, help="labelled set to score (default: eval/)"
    )
    parser.add_argument(
        "--replay",
        action="store_true",
        help="review the first half (deadline order) from the labels, learn, score the rest",
    )
    args = parser.parse_args(argv)
    if args.replay:
        print(f"== replay on {args.dir}")
        for name, s in replay(args.dir).items():
            print(f"  {name:52s} P {s.precision:.2f}  R {s.recall:.2f}  F1 {s.f1:.2f}")
        return 0
    report = evaluate(args.split, args.dir)
    for name, rows in report.items():
        calls = len(load_split(name, args.dir)[0]) if name != "all" else None
        print(f"== {name}" + (f" ({calls} calls)" if calls else ""))
        for method, s in rows.items():
            print(
                f"  {method:36s} P {s.precision:.2f}  R {s.recall:.2f}  F1 {s.f1:.2f}"
                f"   ({s.true_positives} of {s.predicted} predicted, {s.gold} gold pairs)"
            )
    if args.errors:
        split = args.split if args.split != "all" else splits_of(args.dir)[0]
        for line in errors(split, args.dir):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
