"""A stand-in for the `utlys` steps in scheduler tests: it does what the real command would do
to the database, quickly, and appends one line per run to a marker file so a test can count
how often each step ran.

    python standin.py MARKER DB ACTION [--period YYYY-MM] [other options ignored]

ACTION: crawl (an ok run per source given by STANDIN_SOURCES), build (one `built` digest
delivery per recipient in STANDIN_RECIPIENTS), send (every `built` digest of the period becomes
`sent`), hang (sleeps, for timeouts), fail (exits 2).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime

from crawler.store import open_db, record_run, write_transaction


def main(argv: list[str]) -> int:
    marker, db_path, action, *rest = argv
    period = rest[rest.index("--period") + 1] if "--period" in rest else None
    with open(marker, "a", encoding="utf-8") as handle:
        handle.write(f"{action} {period or '-'}\n")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    db = open_db(db_path)
    if action == "crawl":
        for source in os.environ.get("STANDIN_SOURCES", "esf").split(","):
            record_run(
                db,
                {
                    "source": source,
                    "started": stamp,
                    "finished": stamp,
                    "status": "ok",
                    "items": 5,
                    "new": 0,
                    "changed": 0,
                    "gone": 0,
                    "error": None,
                    "requests": 1,
                    "not_modified": 0,
                },
            )
    elif action == "build":
        with write_transaction(db):
            for recipient in os.environ.get("STANDIN_RECIPIENTS", "a@example.se").split(","):
                already = db.execute(
                    "select status from deliveries where kind = 'digest' and period = ?"
                    " and recipient = ?",
                    [period, recipient],
                ).fetchone()
                if already is None:
                    db["deliveries"].insert(
                        {
                            "kind": "digest",
                            "period": period,
                            "recipient": recipient,
                            "status": "built",
                            "created_at": stamp,
                        }
                    )
    elif action == "send":
        with write_transaction(db):
            db.execute(
                "update deliveries set status = 'sent', sent_at = ? where kind = 'digest'"
                " and period = ? and status = 'built'",
                [stamp, period],
            )
    elif action == "hang":
        time.sleep(600)
    elif action == "fail":
        print("stand-in failure: something is wrong", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
