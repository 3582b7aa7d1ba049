"""Choosing what goes into a municipality's digest."""

from __future__ import annotations

import json

from crawler.store import save_calls
from digest.content import digest_content
from digest.digests import build_digests

from .conftest import PERIOD, add_match, make_call

SEEN = "2026-11-16T06:00:00+00:00"


def ids(items) -> list[str]:
    return [item.call.id for item in items]


def test_new_matches_are_sorted_by_deadline_with_standing_last(db, today):
    calls = [
        make_call(1, deadline="2027-02-01"),
        make_call(2, deadline="2026-12-01"),
        make_call(3, status="standing", deadline=None),
    ]
    save_calls(db, "esf", calls, seen_at=SEEN)
    for call in calls:
        add_match(db, call.id, "Växjö")
    content = digest_content(db, "Växjö", PERIOD, today=today)
    assert ids(content.new) == ["esf:2", "esf:1", "esf:3"]
    assert content.new[2].deadline_text == "löpande"
    assert content.new[0].deadline_text == "1 december 2026 (8 dagar kvar)"


def test_only_approved_by_default_pending_marked_when_allowed_rejected_never(db, today):
    save_calls(db, "esf", [make_call(1), make_call(2), make_call(3)], seen_at=SEEN)
    add_match(db, "esf:1", "Växjö", "approved")
    add_match(db, "esf:2", "Växjö", "pending")
    add_match(db, "esf:3", "Växjö", "rejected")
    strict = digest_content(db, "Växjö", PERIOD, today=today)
    assert ids(strict.new) == ["esf:1"]
    loose = digest_content(db, "Växjö", PERIOD, today=today, include_pending=True)
    assert ids(loose.new) == ["esf:1", "esf:2"]
    assert [i.unreviewed for i in loose.new] == [False, True]
    for content in (strict, loose):
        everything = content.new + content.changed + content.closing + content.other
        assert "esf:3" not in ids(everything)


def test_closed_and_past_deadline_calls_are_not_news(db, today):
    save_calls(
        db,
        "esf",
        [make_call(1, status="closed"), make_call(2, deadline="2026-11-01"), make_call(3)],
        seen_at=SEEN,
    )
    for number in (1, 2, 3):
        add_match(db, f"esf:{number}", "Växjö")
    assert ids(digest_content(db, "Växjö", PERIOD, today=today).new) == ["esf:3"]


def test_deadlines_within_45_days_are_listed(db, today):
    save_calls(
        db,
        "esf",
        [make_call(1, deadline="2027-01-07"), make_call(2, deadline="2027-01-08")],
        seen_at=SEEN,
    )
    add_match(db, "esf:1", "Växjö")
    add_match(db, "esf:2", "Växjö")
    content = digest_content(db, "Växjö", PERIOD, today=today)
    assert ids(content.closing) == ["esf:1"]  # 45 days from 23 November is 7 January


def test_other_new_calls_exclude_the_municipalitys_matches(db, today):
    save_calls(db, "esf", [make_call(1), make_call(2), make_call(3)], seen_at=SEEN)
    save_calls(db, "old", [make_call(9, source="old", id="old:9")], seen_at="2026-09-30T06:00")
    add_match(db, "esf:1", "Växjö")
    add_match(db, "esf:2", "Växjö", "rejected")
    content = digest_content(db, "Växjö", PERIOD, today=today)
    assert ids(content.other) == ["esf:3"]


def send_all(db) -> None:
    db.execute("update deliveries set status = 'sent', sent_at = '2026-10-30T08:00:00'")
    db.conn.commit()


def test_a_call_told_last_month_comes_back_only_when_it_changed(db, inventory, today):
    october = "2026-10"
    save_calls(db, "esf", [make_call(1), make_call(2)], seen_at="2026-10-10T06:00:00+00:00")
    add_match(db, "esf:1", "Växjö")
    add_match(db, "esf:2", "Växjö")
    build_digests(db, inventory, october, settings={}, today=today.replace(month=10, day=30))
    send_all(db)
    told = json.loads(
        db.execute_returning_dicts("select items from deliveries where period = ?", [october])[0][
            "items"
        ]
    )
    assert {entry["id"] for entry in told} == {"esf:1", "esf:2"}

    # In November the deadline of call 1 moves; call 2 is unchanged.
    save_calls(db, "esf", [make_call(1, deadline="2027-01-20"), make_call(2)], seen_at=SEEN)
    content = digest_content(db, "Växjö", PERIOD, today=today)
    assert ids(content.new) == []
    assert ids(content.changed) == ["esf:1"]
    assert content.changed[0].changes == [
        "Sista ansökningsdag har ändrats från 15 december 2026 till 20 januari 2027."
    ]
    assert not content.is_empty


def test_a_call_closed_before_its_deadline_and_one_reopened_are_reported(db, inventory, today):
    save_calls(
        db,
        "esf",
        [make_call(1), make_call(2, status="closed")],
        seen_at="2026-10-10T06:00:00+00:00",
    )
    add_match(db, "esf:1", "Växjö")
    add_match(db, "esf:2", "Växjö")
    build_digests(db, inventory, "2026-10", settings={}, today=today.replace(month=10, day=30))
    send_all(db)
    save_calls(db, "esf", [make_call(1, status="closed"), make_call(2)], seen_at=SEEN)
    content = digest_content(db, "Växjö", PERIOD, today=today)
    changes = {item.call.id: item.changes for item in content.changed}
    assert changes["esf:1"] == ["Utlysningen har stängts före sista ansökningsdag."]
    # Call 2 was closed when the October digest was built, so it was not told then: it is new.
    assert ids(content.new) == ["esf:2"]


def test_nothing_new_means_an_empty_digest_that_is_skipped(db, inventory, today):
    save_calls(db, "esf", [make_call(1)], seen_at=SEEN)
    add_match(db, "esf:1", "Växjö")
    report = build_digests(db, inventory, PERIOD, settings={}, today=today)
    skipped = dict(report.skipped)
    assert skipped["Älmhult"] == "nothing new (no mail)"
    assert skipped["Ljungby"] == "nothing new (no mail)"
    assert {audience for audience, _, _ in report.built} == {"Växjö"}
    recipients = db.execute_returning_dicts("select municipality from deliveries")
    assert {row["municipality"] for row in recipients} == {"Växjö"}


def test_a_match_rejected_after_the_build_drops_the_built_digest(db, inventory, today):
    save_calls(db, "esf", [make_call(1)], seen_at=SEEN)
    match_id = add_match(db, "esf:1", "Växjö")
    build_digests(db, inventory, PERIOD, settings={}, today=today)
    assert db["deliveries"].count == 2
    db.execute("update matches set review = 'rejected' where id = ?", [match_id])
    db.conn.commit()
    report = build_digests(db, inventory, PERIOD, settings={}, today=today)
    assert report.counts["dropped"] == 2
    assert db["deliveries"].count == 0


def test_other_new_calls_are_those_since_the_last_sent_digest(db, inventory, today):
    save_calls(db, "esf", [make_call(1)], seen_at="2026-10-05T06:00:00+00:00")
    add_match(db, "esf:1", "Växjö")
    build_digests(db, inventory, "2026-10", settings={}, today=today.replace(month=10, day=20))
    db.execute("update deliveries set status = 'sent', created_at = '2026-10-20T07:00:00+00:00'")
    db.conn.commit()
    save_calls(db, "old", [make_call(8, source="old", id="old:8")], seen_at="2026-10-10T06:00")
    save_calls(db, "new", [make_call(9, source="new", id="new:9")], seen_at="2026-10-25T06:00")
    # The December digest, built on 1 December, still lists what appeared since October's.
    content = digest_content(db, "Växjö", "2026-12", today=today.replace(day=30))
    assert ids(content.other) == ["new:9"]


def test_a_new_call_whose_deadline_moved_this_month_says_so(db, today):
    save_calls(db, "esf", [make_call(1, deadline="2026-11-26")], seen_at="2026-11-02T06:00:00")
    save_calls(db, "esf", [make_call(1, deadline="2026-12-10")], seen_at="2026-11-16T06:00:00")
    add_match(db, "esf:1", "Växjö")
    content = digest_content(db, "Växjö", PERIOD, today=today)
    assert ids(content.new) == ["esf:1"]
    assert content.new[0].changes == [
        "Sista ansökningsdag har ändrats från 26 november 2026 till 10 december 2026."
    ]


def test_a_digest_too_big_for_gmail_is_warned_about(db, inventory, today):
    calls = [make_call(n, summary="Lång beskrivning av utlysningen. " * 20) for n in range(80)]
    save_calls(db, "esf", calls, seen_at=SEEN)
    for call in calls:
        add_match(db, call.id, "Älmhult")
    report = build_digests(db, inventory, PERIOD, settings={}, today=today)
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("Älmhult: the HTML is ")
    assert "Gmail clips" in "\n".join(report.lines())
