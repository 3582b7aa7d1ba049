"""How fast save_calls stores a source's batch: 10,000 calls new, then unchanged, then 10 % changed.

A county's crawl is a few hundred calls a day, so storage must never be what a crawl waits for;
this prints calls per second for the three kinds of batch on a real SQLite file.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from crawler.model import Call, call_id
from crawler.store import open_db, save_calls

N = 10_000


def make_calls(deadline_of_every_tenth: str = "2026-12-01") -> list[Call]:
    calls = []
    for n in range(N):
        url = f"https://www.esf.se/utlysningar/{n}/"
        calls.append(
            Call(
                id=call_id("bench", url=url),
                source="bench",
                funder="Svenska ESF-rådet",
                title=f"Utlysning {n}: kompetensförsörjning i välfärden",
                url=url,
                summary="Utlysningen riktar sig till kommuner och regioner. " * 8,
                status="open",
                opens_on="2026-09-01",
                deadline=deadline_of_every_tenth if n % 10 == 0 else "2026-12-01",
                budget_sek=40_000_000,
                regions=["Småland och Öarna"],
                documents=[f"https://www.esf.se/app/uploads/{n}.pdf"],
            )
        )
    return calls


def timed(label: str, db, calls: list[Call]) -> None:
    start = time.perf_counter()
    result = save_calls(db, "bench", calls)
    seconds = time.perf_counter() - start
    print(
        f"{label:<12} {N} calls in {seconds:6.2f} s = {N / seconds:8.0f} calls/s"
        f"  (new {len(result.new)}, changed {len(result.changed)},"
        f" unchanged {len(result.unchanged)})"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        timed("new", db, make_calls())
        timed("unchanged", db, make_calls())
        timed("10% changed", db, make_calls(deadline_of_every_tenth="2026-12-15"))
        db.close()


if __name__ == "__main__":
    main()
