"""The replay measure of learning (`python -m crawler.match.evaluation --replay`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.match.evaluation import main, replay

NEEDS = """
municipalities:
  - {name: Växjö, county: Kronoberg, needs: [langtid]}
  - {name: Ljungby, county: Kronoberg, needs: [langtid]}
needs:
  - id: langtid
    title: Långtidsarbetslösa
    description: Peer support och arbetsträning för långtidsarbetslösa.
"""

# Deadline order: the first three are the reviewed half. c0 is approved; c1 and c2 are false
# matches on "peer support", so the replayed coordinator rejects them ("inte aktuellt") and
# that word (and, less, the title word they share with c0) loses weight for the need.
CALLS = [
    ("c0", "2026-09-01", "Arbetsträning för långtidsarbetslösa", ["langtid"]),
    ("c1", "2026-10-01", "Peer support för långtidsarbetslösa idrottsledare", []),
    ("c2", "2026-10-15", "Långtidsarbetslösa idrottsledare och peer support", []),
    ("c3", "2026-12-01", "Peer support för långtidsarbetslösa idrottsledare i föreningar", []),
    ("c4", "2027-01-10", "Arbetsträning för långtidsarbetslösa i kommunen", ["langtid"]),
    ("c5", "2027-02-10", "Långtidsarbetslösa tillbaka till arbete", ["langtid"]),
]


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    (tmp_path / "needs.yaml").write_text(NEEDS, encoding="utf-8")
    lines = [
        json.dumps(
            {
                "id": cid,
                "source": "esf",
                "funder": "Svenska ESF-rådet",
                "title": title,
                "url": f"https://www.esf.se/{cid}/",
                "status": "open",
                "deadline": deadline,
                "regions": ["Nationell"],
            },
            ensure_ascii=False,
        )
        for cid, deadline, title, _ in CALLS
    ]
    (tmp_path / "calls.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    labels = "\n".join(f"{cid}:\n  needs: {needs}\n  for: all" for cid, _, _, needs in CALLS)
    (tmp_path / "labels.yaml").write_text(labels + "\n", encoding="utf-8")
    return tmp_path


def test_replay_scores_the_second_half_before_and_after_learning(labelled):
    before, after = replay(labelled).values()
    assert before.gold == after.gold == 4  # c4 and c5 for both municipalities
    assert (before.precision, before.recall) == (4 / 6, 1.0)  # c3 matched twice, falsely
    # bounded factors (>= 0.5) lower the title-matched false call but do not drop it
    assert after.predicted <= before.predicted and after.recall == 1.0


def test_replay_prints_both_figures(labelled, capsys):
    assert main(["--replay", "--dir", str(labelled)]) == 0
    out = capsys.readouterr().out
    assert "second half before learning (3 calls)" in out
    assert "second half after learning from" in out
    assert out.count("F1 ") == 2
