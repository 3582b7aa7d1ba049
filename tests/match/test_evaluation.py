"""The quality floor: the matcher must stay well above both baselines on the labelled set."""

from __future__ import annotations

from crawler.config.needs import load_needs
from crawler.match.evaluation import EVAL_DIR, evaluate, gold_pairs, load_split, score


def test_labelled_set_is_large_enough_and_has_a_held_out_part():
    tuning, _ = load_split("tuning")
    heldout, _ = load_split("heldout")
    assert len(tuning) + len(heldout) >= 80
    assert len(heldout) >= 30
    assert not {c.id for c in tuning} & {c.id for c in heldout}


def test_every_label_names_known_needs_and_municipalities():
    inventory = load_needs(EVAL_DIR / "needs.yaml")
    need_ids = {n.id for n in inventory.needs}
    names = {m.name for m in inventory.municipalities}
    for split in ("tuning", "heldout"):
        calls, labels = load_split(split)
        assert set(labels) == {c.id for c in calls}
        for label in labels.values():
            assert set(label["needs"]) <= need_ids
            assert label["for"] in ("all", "none") or set(label["for"]) <= names
        assert gold_pairs(calls, labels, inventory)


def test_matcher_f1_floor_on_the_whole_set_and_above_both_baselines():
    report = evaluate("all")["all"]
    matcher = report["matcher"]
    assert matcher.f1 >= 0.80
    for name, baseline in report.items():
        if name != "matcher":
            assert matcher.f1 >= baseline.f1 + 0.2, name


def test_score_counts_pairs():
    result = score({("a", "X"), ("b", "X")}, {("a", "X"), ("c", "X")})
    assert (result.precision, result.recall, result.f1) == (0.5, 0.5, 0.5)
