"""One iCalendar writer: a call is the same event in a digest's attachment, the newsletter's
attachment and ``utlys export --format ics``."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from icalendar import Calendar

from crawler.ops.export import ExportFilter, export
from crawler.store import save_calls
from digest.digests import build_digests
from digest.message import parse_stored
from digest.newsletter import build_newsletter_mail

from .conftest import PERIOD, add_match, make_call


def attached_events(db, kind: str) -> dict[str, dict[str, str]]:
    [row] = db.execute_returning_dicts(
        "select message from deliveries where kind = ? order by id limit 1", [kind]
    )
    [part] = [p for p in parse_stored(row["message"]).iter_attachments()]
    assert part.get_content_type() == "text/calendar"
    return events(part.get_payload(decode=True))


def events(data: bytes | str) -> dict[str, dict[str, str]]:
    return {
        str(e["uid"]): {
            "summary": str(e["summary"]),
            "description": str(e["description"]),
            "day": e.decoded("dtstart").isoformat(),
        }
        for e in Calendar.from_ical(data).walk("VEVENT")
    }


def test_the_digest_attachment_and_the_export_give_a_call_the_same_event(db, inventory, today):
    save_calls(
        db,
        "esf",
        [make_call(1, title="Vägar till arbete", deadline="2026-12-15", deadline_time="16:00")],
        seen_at="2026-11-16T06:00:00+00:00",
    )
    add_match(db, "esf:1", "Växjö")
    build_digests(db, inventory, PERIOD, settings={}, today=today)
    build_newsletter_mail(db, inventory, PERIOD, settings={}, today=today)
    out = io.StringIO()
    export(db, "calls", "ics", ExportFilter(), out, now=datetime(2026, 11, 23, 9, tzinfo=UTC))

    exported = events(out.getvalue())
    in_digest = attached_events(db, "digest")
    in_newsletter = attached_events(db, "newsletter")
    assert list(exported) == list(in_digest) == list(in_newsletter)  # the same UID
    [event] = exported.values()
    assert event["summary"] == "Sista ansökningsdag kl. 16.00: Vägar till arbete"
    assert event["day"] == "2026-12-15"
    assert in_digest == in_newsletter == exported  # the same text, word for word
