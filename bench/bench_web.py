"""How long Granska takes to render with 2,000 matches (200 calls x 10 municipalities).

The coordinator reviews a month's matches in the browser; the issue asks that the review page
with 2,000 matches renders in well under a second. This prints, for Flask's test client on a real
SQLite file (so the login check, the queries, the cards and the template all count), the time per
render and the size of: the first page (ten calls), a filtered page, the last page, and the
confirmation of a bulk action over all 2,000 matches (which lists every one).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path

from crawler.model import Call
from crawler.store import open_db, save_calls
from crawler.web import create_app

CALLS = int(os.environ.get("BENCH_CALLS", "200"))
MUNICIPALITIES = 10
RENDERS = 20
PASSWORD = "bench-lösenord"

NEEDS = (
    "municipalities:\n"
    + "".join(
        f"  - {{name: Kommun {m}, county: Kronoberg, needs: [unga]}}\n"
        for m in range(MUNICIPALITIES)
    )
    + (
        "needs:\n  - {id: unga, title: Unga som varken arbetar eller studerar, description: x}\n"
        "coordinator: {name: Samordnaren, email: samordnare@example.se, organisation: Enheten}\n"
    )
)


def fill(db) -> None:
    calls = [
        Call(
            id=f"bench:{n}",
            source=f"kalla{n % 4}",
            funder="Svenska ESF-rådet",
            title=f"Utlysning {n}: kompetensförsörjning i välfärden för unga",
            url=f"https://www.esf.se/utlysningar/{n}/",
            summary="Utlysningen riktar sig till kommuner och regioner. " * 8,
            status="open",
            deadline=f"2027-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            budget_sek=40_000_000,
            regions=["Småland och Öarna"],
        )
        for n in range(CALLS)
    ]
    for source in sorted({c.source for c in calls}):
        save_calls(db, source, [c for c in calls if c.source == source])
    db["matches"].insert_all(
        {
            "call_id": call.id,
            "municipality": f"Kommun {m}",
            "score": 1.0 + m / 10,
            "need_ids": json.dumps(["unga"]),
            "reasons": json.dumps(
                ["träffar 'unga' (titel) i behovet Unga som varken arbetar eller studerar"],
                ensure_ascii=False,
            ),
            "review": "pending",
            "matched_at": "2026-11-16T07:00:00+00:00",
        }
        for call in calls
        for m in range(MUNICIPALITIES)
    )


def timed(client, url: str) -> tuple[float, int]:
    """Milliseconds per render (best of three runs of RENDERS) and the page's size in bytes."""
    best = float("inf")
    size = 0
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(RENDERS):
            response = client.get(url)
        best = min(best, (time.perf_counter() - start) / RENDERS)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.get_data())
    return best * 1000, size


def main() -> None:
    os.environ["UTLYS_WEB_PASSWORD"] = PASSWORD
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        fill(db)
        matches = db["matches"].count
        db.close()
        needs = Path(tmp) / "needs.yaml"
        needs.write_text(NEEDS, encoding="utf-8")
        app = create_app(Path(tmp) / "bench.db", needs_path=needs)
        app.config["TODAY"] = "2026-11-23"
        client = app.test_client()
        login = client.get("/logga-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', login)[1]
        client.post("/logga-in", data={"csrf_token": token, "losenord": PASSWORD})

        print(f"Granska over {matches} matches ({CALLS} calls x {MUNICIPALITIES} municipalities):")
        for label, url in (
            ("first page (10 calls)", "/granska"),
            ("filtered: one municipality, within 30 days", "/granska?kommun=Kommun+3&frist=30"),
            ("filtered: one source", "/granska?kalla=kalla1"),
            ("last page", "/granska?sida=999"),
            ("bulk confirmation, all matches", "/granska/alla?atgard=godkann"),
        ):
            ms, size = timed(client, url)
            print(f"  {label:45s} {ms:7.1f} ms per render  {size / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
