"""How long building the month's digests takes: 300 municipalities, 30 matched calls each.

A national deployment mails every Swedish municipality (290) once a month; building must stay a
matter of seconds. This prints the time to render the templates alone (HTML + text) and the time
of the whole `build_digests` (content queries, rendering, MIME + ICS, the deliveries ledger) on a
real SQLite file.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from crawler.config.needs import Coordinator, Inventory, Municipality, Need, Subscriber
from crawler.model import Call
from crawler.store import open_db, save_calls
from digest.content import digest_content
from digest.digests import build_digests, render_digest

MUNICIPALITIES = int(os.environ.get("BENCH_MUNICIPALITIES", "300"))
CALLS_EACH = 30
TODAY = date(2026, 11, 23)
PERIOD = "2026-11"


def inventory(path: Path) -> Inventory:
    return Inventory(
        path=path,
        municipalities=tuple(
            Municipality(
                name=f"Kommun {n}",
                county="Kronoberg",
                needs=("unga",),
                subscribers=(Subscriber(f"utlysningar@kommun{n}.example.se", f"Kommun {n}"),),
            )
            for n in range(MUNICIPALITIES)
        ),
        needs=(Need(id="unga", title="Unga som varken arbetar eller studerar", description=""),),
        coordinator=Coordinator(
            name="Samordnaren", email="samordnare@example.se", organisation="Projektenheten"
        ),
    )


def fill(db) -> None:
    calls = [
        Call(
            id=f"bench:{n}",
            source="bench",
            funder="Svenska ESF-rådet",
            title=f"Utlysning {n}: kompetensförsörjning i välfärden för unga",
            url=f"https://www.esf.se/utlysningar/{n}/",
            summary="Utlysningen riktar sig till kommuner och regioner. " * 8,
            status="open",
            deadline=f"2027-01-{n % 28 + 1:02d}",
            budget_sek=40_000_000,
            regions=["Småland och Öarna"],
        )
        for n in range(CALLS_EACH * 3)
    ]
    save_calls(db, "bench", calls, seen_at="2026-11-16T06:00:00+00:00")
    rows = [
        {
            "call_id": f"bench:{(m + k) % len(calls)}",
            "municipality": f"Kommun {m}",
            "score": 1.0 + k / 10,
            "need_ids": json.dumps(["unga"]),
            "reasons": json.dumps(["träffar 'unga' i behovet Unga"], ensure_ascii=False),
            "review": "approved",
            "matched_at": "2026-11-16T07:00:00+00:00",
        }
        for m in range(MUNICIPALITIES)
        for k in range(CALLS_EACH)
    ]
    db["matches"].insert_all(rows)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        fill(db)
        inv = inventory(Path(tmp) / "needs.yaml")

        contents = [digest_content(db, m.name, PERIOD, today=TODAY) for m in inv.municipalities]
        start = time.perf_counter()
        for content in contents:
            render_digest(
                content,
                inventory=inv,
                recipient="utlysningar@example.se",
                unsubscribe="mailto:samordnare@example.se",
                pending_shown=False,
            )
        rendering = time.perf_counter() - start
        assert all(len(c.new) == CALLS_EACH for c in contents)

        start = time.perf_counter()
        report = build_digests(db, inv, PERIOD, settings={}, today=TODAY)
        building = time.perf_counter() - start
        assert len(report.built) == MUNICIPALITIES

        start = time.perf_counter()
        build_digests(db, inv, PERIOD, settings={}, today=TODAY)
        rebuilding = time.perf_counter() - start
        db.close()

    per = rendering / MUNICIPALITIES * 1000
    print(
        f"render {MUNICIPALITIES} digests x {CALLS_EACH} calls (HTML + text): "
        f"{rendering:.2f} s ({per:.1f} ms each)"
    )
    print(
        f"build_digests, {MUNICIPALITIES} municipalities (content, render, MIME + ICS, ledger): "
        f"{building:.2f} s"
    )
    print(f"build_digests again (replaces the built messages): {rebuilding:.2f} s")


if __name__ == "__main__":
    main()
