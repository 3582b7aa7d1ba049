"""Matching throughput: 10,000 calls against 300 municipalities with 10 needs each.

Synthetic but realistic data, made here so the figure does not depend on a crawl: call texts are
recombined from the Swedish sentences of the evaluation set (so the vocabulary and the share of
matching calls are those of real calls), regions and statuses are drawn at random, and the 300
municipalities each take 10 needs from a shared pool (municipalities share needs, as they do).
Goal: under 10 seconds on the project's 2-core machine.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.config.needs import Inventory, Municipality, Need, load_needs  # noqa: E402
from crawler.match.evaluation import EVAL_DIR, load_calls  # noqa: E402
from crawler.match.score import Matcher  # noqa: E402
from crawler.model import Call  # noqa: E402
from crawler.normalize.regions import COUNTIES, ESF_REGIONS  # noqa: E402

CALLS = int(__import__("os").environ.get("BENCH_CALLS", 10_000))
MUNICIPALITIES = 300
NEEDS_EACH = 10
EXTRA_NEEDS = [
    ("Hemlöshet", "Bostad först och stöd till personer i hemlöshet."),
    ("Personer med funktionsnedsättning i arbete", "Daglig verksamhet och vägar till jobb."),
    ("Skolnärvaro", "Tidiga insatser mot problematisk skolfrånvaro i högstadiet."),
    ("Föräldraskapsstöd", "Stöd till föräldrar och familjer med barn i tonåren."),
    ("Ekonomisk utsatthet", "Barnfattigdom och skuldsättning hos barnfamiljer."),
    ("Sjukskrivna tillbaka till arbete", "Samordnad rehabilitering för långtidssjukskrivna."),
    ("Jämställdhet", "Jämställd service och arbetet mot diskriminering."),
    ("Folkhälsa", "Levnadsvanor och fysisk aktivitet hos invånarna."),
    ("Civilsamhället", "Samverkan med föreningslivet och idéburna organisationer."),
    ("Nyföretagande", "Entreprenörskap och företagande bland unga vuxna."),
    ("Kultur för barn", "Kulturverksamhet och läsfrämjande för barn och unga."),
    ("Naturvård", "Lokal naturvård, friluftsliv och biologisk mångfald."),
    ("Demokrati", "Medborgardialog och ungas inflytande."),
    ("Trygghet", "Trygghetsskapande arbete i bostadsområden."),
    ("Äldreomsorgens personal", "Kompetenslyft för undersköterskor i äldreomsorgen."),
]


def need_pool() -> list[Need]:
    pool = {n.id: n for n in load_needs(EVAL_DIR / "needs.yaml").needs}
    for need in load_needs().needs:
        pool.setdefault(need.id, need)
    for index, (title, description) in enumerate(EXTRA_NEEDS):
        pool[f"extra-{index}"] = Need(id=f"extra-{index}", title=title, description=description)
    return list(pool.values())


def synthetic_inventory(rng: random.Random) -> Inventory:
    pool = need_pool()
    municipalities = tuple(
        Municipality(
            name=f"Kommun {i:03d}",
            county=COUNTIES[i % len(COUNTIES)],
            needs=tuple(n.id for n in rng.sample(pool, NEEDS_EACH)),
        )
        for i in range(MUNICIPALITIES)
    )
    return Inventory(path=Path("bench"), municipalities=municipalities, needs=tuple(pool))


def synthetic_calls(rng: random.Random) -> list[Call]:
    seeds = load_calls(EVAL_DIR / "calls_tuning.jsonl") + load_calls(
        EVAL_DIR / "calls_heldout.jsonl"
    )
    sentences = [s.strip() + "." for c in seeds for s in c.summary.split(".") if s.strip()]
    regions = ["Nationell", *COUNTIES, *ESF_REGIONS]
    statuses = ["open"] * 8 + ["planned", "closed"]
    calls = []
    for i in range(CALLS):
        seed = rng.choice(seeds)
        calls.append(
            Call(
                id=f"bench:{i}",
                source=seed.source,
                funder=seed.funder,
                title=seed.title,
                url=f"https://example.se/{i}",
                summary=" ".join(rng.sample(sentences, 4)),
                status=rng.choice(statuses),
                regions=rng.sample(regions, rng.choice([1, 1, 2])),
                target_groups=list(seed.target_groups),
            )
        )
    return calls


def main() -> None:
    rng = random.Random(20261123)
    inventory = synthetic_inventory(rng)
    calls = synthetic_calls(rng)
    distinct = len({n for m in inventory.municipalities for n in m.needs})
    words = sum(len(c.title.split()) + len(c.summary.split()) for c in calls)
    start = time.perf_counter()
    matcher = Matcher(inventory)
    built = time.perf_counter()
    matches = matcher.match(calls)
    done = time.perf_counter()
    total = done - start
    print(
        f"matching: {CALLS} calls ({words // CALLS} words each) x {MUNICIPALITIES} municipalities"
        f" x {NEEDS_EACH} needs ({distinct} distinct needs)"
    )
    print(f"  build index   {built - start:.2f} s")
    print(f"  match         {done - built:.2f} s  ({CALLS / (done - built):,.0f} calls/s)")
    print(f"  total         {total:.2f} s  (goal < 10 s)  -> {len(matches):,} matches")
    if total >= 10:
        sys.exit("matching bench: over the 10 s goal")


if __name__ == "__main__":
    main()
