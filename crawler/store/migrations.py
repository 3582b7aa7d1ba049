"""The schema, as sqlite-utils migrations applied in order when a database is opened.

The migration names (``m001_calls`` ...) are recorded in ``_sqlite_migrations`` of every
existing database: they never change, and a change of schema is a new migration.
"""

from __future__ import annotations

import json

from sqlite_utils import Database, Migrations

from crawler.model import Call

CALL_COLUMNS = [f for f in Call.__dataclass_fields__]

migrations = Migrations("utlys")


@migrations()
def m001_calls(db: Database) -> None:
    db["calls"].create(
        {
            **{name: str for name in CALL_COLUMNS},
            "budget_sek": int,
            "first_seen": str,
            "last_seen": str,
            "last_changed": str,
            "content_hash": str,
            "gone": int,
        },
        pk="id",
        defaults={"gone": 0},
    )
    db["calls"].create_index(["source"])
    db["calls"].create_index(["status"])
    db["calls"].enable_fts(["title", "summary", "funder", "programme"], create_triggers=True)
    db["call_changes"].create(
        {"id": int, "call_id": str, "field": str, "old": str, "new": str, "seen_at": str},
        pk="id",
        foreign_keys=[("call_id", "calls", "id")],
    )
    db["call_changes"].create_index(["call_id"])
    db["source_runs"].create(
        {
            "id": int,
            "source": str,
            "started": str,
            "finished": str,
            "status": str,  # ok / failed / empty
            "items": int,
            "new": int,
            "changed": int,
            "gone": int,
            "error": str,
            "requests": int,
            "not_modified": int,
        },
        pk="id",
    )
    db["source_runs"].create_index(["source", "started"])


@migrations()
def m002_matches_deliveries(db: Database) -> None:
    db["matches"].create(
        {
            "id": int,
            "call_id": str,
            "municipality": str,
            "score": float,
            "need_ids": str,  # JSON list
            "reasons": str,  # JSON list of Swedish sentences
            "review": str,  # pending / approved / rejected
            "reason": str,  # why it was rejected
            "note": str,  # the coordinator's note, shown in the digest
            "reviewed_at": str,
            "matched_at": str,
        },
        pk="id",
        defaults={"review": "pending"},
        foreign_keys=[("call_id", "calls", "id")],
    )
    db["matches"].create_index(["call_id", "municipality"], unique=True)
    db["deliveries"].create(
        {
            "id": int,
            "kind": str,  # digest / newsletter / alert
            "period": str,  # YYYY-MM
            "municipality": str,
            "recipient": str,
            "subject": str,
            "message": str,  # the rendered RFC 5322 message, so a resend is byte-identical
            "status": str,  # built / sending / sent / failed
            "message_id": str,
            "created_at": str,
            "sent_at": str,
            "error": str,
        },
        pk="id",
    )
    db["deliveries"].create_index(["kind", "period", "recipient"], unique=True)
    db["subscribers"].create(
        {
            "id": int,
            "municipality": str,  # a municipality's name, or "*" for the newsletter list
            "email": str,
            "name": str,
            "active": int,
            "added_at": str,
            "unsubscribed_at": str,
        },
        pk="id",
        defaults={"active": 1},
    )
    db["subscribers"].create_index(["municipality", "email"], unique=True)


# New migrations go below this line, each with a new unique function name.


@migrations()
def m120_match_runs(db: Database) -> None:
    # One row per `utlys match` run: the next run matches the calls changed since this one began.
    db["match_runs"].create(
        {
            "id": int,
            "started": str,
            "finished": str,
            "calls": int,
            "matches": int,
            "new": int,
            "updated": int,
            "removed": int,
        },
        pk="id",
    )


@migrations()
def m101_dig_delivery_items(db: Database) -> None:
    # What a digest told (call id, deadline, status, gone per call), so that next month's digest
    # reports only real changes; JSON list, set on digest deliveries.
    db["deliveries"].add_column("items", str)


@migrations()
def m102_dig_delivery_key(db: Database) -> None:
    # One address may subscribe to two municipalities' digests: the municipality belongs in the
    # key (the newsletter uses municipality "*", never NULL, so the unique index holds).
    db.execute("drop index if exists idx_deliveries_kind_period_recipient")
    db["deliveries"].create_index(
        ["kind", "period", "municipality", "recipient"], unique=True, if_not_exists=True
    )


@migrations()
def m150_ops_jobs_health(db: Database) -> None:
    """Scheduler job runs (missed-job detection across restarts), per-source health state and
    the health alerts sent (one per transition)."""
    db["job_runs"].create(
        {
            "id": int,
            "job": str,  # crawl / digest-build / digest-send / newsletter-build / startup marker
            "period": str,  # YYYY-MM for monthly jobs
            "scheduled_for": str,  # the cron fire time this run answers (ISO, with offset)
            "started": str,
            "finished": str,
            "status": str,  # running / ok / failed / skipped / interrupted / registered
            "detail": str,
            "pid": int,
        },
        pk="id",
    )
    db["job_runs"].create_index(["job", "scheduled_for"])
    db["source_health"].create(
        {"source": str, "healthy": int, "reason": str, "since": str, "checked_at": str},
        pk="source",
    )
    db["health_alerts"].create(
        {
            "id": int,
            "source": str,
            "transition": str,  # unhealthy / recovered
            "reason": str,
            "recipient": str,
            "status": str,  # built / sent / failed
            "created_at": str,
            "sent_at": str,
            "error": str,
        },
        pk="id",
    )


@migrations()
def m160_core_fts_on_text_only(db: Database) -> None:
    """Reindex a call only when its searchable text changes: re-crawls touch ``last_seen`` of
    every call, and the trigger sqlite-utils creates would rewrite the FTS rows each time."""
    db.execute('DROP TRIGGER IF EXISTS "calls_au"')
    db.execute(
        'CREATE TRIGGER "calls_au" AFTER UPDATE OF title, summary, funder, programme ON "calls"'
        " BEGIN"
        ' INSERT INTO "calls_fts" ("calls_fts", rowid, title, summary, funder, programme)'
        " VALUES('delete', old.rowid, old.title, old.summary, old.funder, old.programme);"
        ' INSERT INTO "calls_fts" (rowid, title, summary, funder, programme)'
        " VALUES (new.rowid, new.title, new.summary, new.funder, new.programme);"
        " END"
    )


@migrations()
def m170_dig_alerts_in_deliveries(db: Database) -> None:
    """Health alerts join the one send ledger: a row of ``deliveries`` with kind ``alert``, the
    source as its audience and the time of the transition as its period; the transition and the
    reason are its ``items`` (JSON), its message is written when it is first sent. Every alert
    recorded so far moves over with its status, so none is sent twice or lost. What was the table
    ``health_alerts`` becomes a view over the ledger, for readers not yet moved."""
    taken: set[tuple[str, str, str]] = set()
    for row in db.execute_returning_dicts("select * from health_alerts order by id"):
        period = row["created_at"] or ""
        key = (period, row["source"], (row["recipient"] or "").lower())
        if key in taken:  # two alerts of one source at the same second: keep both
            period = f"{period}#{row['id']}"
        taken.add(key)
        db["deliveries"].insert(
            {
                "kind": "alert",
                "period": period,
                "municipality": row["source"],
                "recipient": key[2],
                "status": row["status"],
                "created_at": row["created_at"],
                "sent_at": row["sent_at"],
                "error": row["error"],
                "items": json.dumps(
                    {"transition": row["transition"], "reason": row["reason"]},
                    ensure_ascii=False,
                ),
            }
        )
    db.execute("drop table health_alerts")
    db.execute(
        "create view health_alerts as select id, municipality as source,"
        " json_extract(items, '$.transition') as transition,"
        " json_extract(items, '$.reason') as reason, recipient, status, created_at, sent_at,"
        " error from deliveries where kind = 'alert'"
    )


@migrations()
def m180_core_calls_missing_since(db: Database) -> None:
    # When a complete crawl first missed a call: it is marked gone only when a later complete
    # crawl misses it too, so one listing that shrinks for a day marks nothing gone.
    db["calls"].add_column("missing_since", str)


@migrations()
def m190_core_fill_rates(db: Database) -> None:
    """Per source run, how many calls it parsed and how many had each field (``fill_rates``),
    so a site that changes its pages shows as fields that stop being read; and per source
    whether it is judged degraded now (``fill_health``), so that change is told once."""
    db["fill_rates"].create(
        {
            "run_id": int,  # source_runs.id
            "source": str,
            "calls": int,
            "title": int,
            "status": int,  # a status other than "unknown"
            "dates": int,  # a deadline or an opening date
            "regions": int,
            "budget": int,
            "summary": int,
        },
        pk="run_id",
    )
    db["fill_rates"].create_index(["source", "run_id"])
    db["fill_health"].create(
        {
            "source": str,
            "degraded": int,
            "fields": str,  # JSON list of the fields that stopped being read
            "reason": str,
            "since": str,
            "checked_at": str,
        },
        pk="source",
    )


@migrations()
def m200_core_call_rounds(db: Database) -> None:
    """Rounds of a reused page (``crawler/store/rounds.py``): a later round is its own row that
    names the round before it (``previous_id``) and the year that round ran
    (``previous_round``, what digests say: "Ny omgång av en utlysning från 2025"), so last year's
    row, its history and its review stay as they were."""
    db["calls"].add_column("previous_id", str)
    db["calls"].add_column("previous_round", str)
    db["calls"].create_index(["previous_id"])


@migrations()
def m210_web_review_undo(db: Database) -> None:
    """The last review action of the web app, so "Ångra" can put back exactly the rows it
    changed after a restart too: one row at most, with every changed match's state before and
    after (``rows``, JSON), so an undo can see that a row was changed again since."""
    # The row of the last action stays (``undone_at`` set once undone), so ids only grow and a
    # form showing an older action can never undo a newer one.
    db["review_undo"].create(
        {"id": int, "action": str, "created_at": str, "rows": str, "undone_at": str},
        pk="id",
    )
