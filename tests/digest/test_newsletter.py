"""The newsletter: page, index of months, failed sources, and its email."""

from __future__ import annotations

from crawler.store import record_run, save_calls
from digest.ledger import send_deliveries
from digest.newsletter import build_newsletter, build_newsletter_mail, newsletter_content
from digest.transport import OutboxTransport, SmtpTransport

from .conftest import PERIOD, add_match, make_call


def run(db, source: str, started: str, status: str, error: str | None = None) -> None:
    record_run(
        db,
        {
            "source": source,
            "started": started,
            "finished": started,
            "status": status,
            "error": error,
        },
    )


def test_content_groups_new_calls_by_funder_and_lists_coming_deadlines(db, inventory, today):
    save_calls(
        db,
        "esf",
        [
            make_call(1, deadline="2027-01-20"),
            make_call(2, funder="Allmänna arvsfonden", status="standing", deadline=None),
            make_call(3, status="closed", deadline="2026-11-01"),
        ],
        seen_at="2026-11-16T06:00:00+00:00",
    )
    save_calls(
        db,
        "old",
        [make_call(9, id="old:9", source="old", deadline="2026-12-01")],
        seen_at="2026-09-01T06:00:00+00:00",
    )
    content = newsletter_content(db, inventory, PERIOD, today=today)
    assert [(f, [i.call.id for i in items]) for f, items in content.by_funder] == [
        ("Allmänna arvsfonden", ["esf:2"]),
        ("Svenska ESF-rådet", ["esf:1"]),
    ]
    # Deadlines of the coming two months include older calls; 2027-01-20 is within.
    assert [i.call.id for i in content.deadlines] == ["old:9", "esf:1"]


def test_sources_whose_last_run_this_month_failed_are_listed(db, inventory, today):
    run(db, "amif", "2026-11-02T06:00:00+00:00", "failed", "HTTP 503")
    run(db, "esf", "2026-11-02T06:00:00+00:00", "failed", "timeout")
    run(db, "esf", "2026-11-03T06:00:00+00:00", "ok")  # recovered
    run(db, "mucf", "2026-11-04T06:00:00+00:00", "empty")
    run(db, "bra", "2026-10-30T06:00:00+00:00", "failed", "last month")
    content = newsletter_content(db, inventory, PERIOD, today=today)
    assert [(f.source, f.status) for f in content.failed] == [
        ("amif", "kunde inte läsas"),
        ("mucf", "gav inga utlysningar"),
    ]


def test_highlights_count_matches_and_show_the_best(db, inventory, today):
    save_calls(
        db, "esf", [make_call(1), make_call(2), make_call(3)], seen_at="2026-11-16T06:00:00+00:00"
    )
    add_match(db, "esf:1", "Växjö")
    add_match(db, "esf:2", "Växjö", "rejected")
    add_match(db, "esf:3", "Växjö", "pending")
    strict = {
        h.municipality: h for h in newsletter_content(db, inventory, PERIOD, today=today).highlights
    }
    assert (strict["Växjö"].new_matches, strict["Växjö"].open_matches) == (1, 1)
    loose = newsletter_content(db, inventory, PERIOD, today=today, include_pending=True)
    vaxjo = {h.municipality: h for h in loose.highlights}["Växjö"]
    assert sorted(i.call.id for i in vaxjo.top) == ["esf:1", "esf:3"]


def test_page_and_index_of_past_months(db, inventory, today, tmp_path):
    save_calls(
        db, "esf", [make_call(1, title="Nytt & <viktigt>")], seen_at="2026-11-16T06:00:00+00:00"
    )
    out = tmp_path / "manadsbrev"
    october = build_newsletter(db, inventory, "2026-10", out_dir=out, today=today)
    november = build_newsletter(db, inventory, PERIOD, out_dir=out, today=today)
    assert (october.name, november.name) == ("2026-10.html", "2026-11.html")
    page = november.read_text(encoding="utf-8")
    assert "Nytt &amp; &lt;viktigt&gt;" in page and "<viktigt>" not in page
    assert 'href="index.html"' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index('href="2026-11.html"') < index.index('href="2026-10.html"')
    assert "November 2026" in index and "Oktober 2026" in index
    assert sorted(p.name for p in out.iterdir()) == ["2026-10.html", "2026-11.html", "index.html"]


def test_newsletter_email_goes_to_the_newsletter_list_once(db, inventory, today, tmp_path):
    save_calls(db, "esf", [make_call(1)], seen_at="2026-11-16T06:00:00+00:00")
    report = build_newsletter_mail(db, inventory, PERIOD, settings={}, today=today)
    assert [to for _, to, _ in report.built] == ["styrgrupp@vaxjo.example.se"]
    outbox = OutboxTransport(tmp_path / "outbox")
    assert len(send_deliveries(db, outbox, kind="newsletter", period=PERIOD).sent) == 1
    assert send_deliveries(db, outbox, kind="newsletter", period=PERIOD).sent == []
    (eml,) = (tmp_path / "outbox").iterdir()
    assert b"Subject: =?utf-8?" in eml.read_bytes()  # "Månadsbrev ..." encoded, not raw


def test_an_empty_month_sends_no_newsletter_mail(db, inventory, today):
    report = build_newsletter_mail(db, inventory, PERIOD, settings={}, today=today)
    assert report.built == [] and "no mail" in report.skipped[-1][1]


def test_a_newsletter_the_server_defers_or_rejects_at_data_is_not_recorded_as_sent(
    db, inventory, today, smtp_server
):
    handler, port = smtp_server
    save_calls(db, "esf", [make_call(1)], seen_at="2026-11-16T06:00:00+00:00")
    build_newsletter_mail(db, inventory, PERIOD, settings={}, today=today)
    handler.data_answers.extend(["451 4.3.0 try later", "554 5.7.1 rejected"])

    def send():
        transport = SmtpTransport("127.0.0.1", port, starttls=False, timeout=5)
        return send_deliveries(db, transport, kind="newsletter", period=PERIOD)

    first = send()
    assert first.deferred == [("styrgrupp@vaxjo.example.se", "451 4.3.0 try later")]
    assert not first.ok
    second = send()
    assert second.failed == [("styrgrupp@vaxjo.example.se", "554 5.7.1 rejected")]
    assert not second.ok
    assert handler.received == []
    [row] = db.execute_returning_dicts("select status, error from deliveries")
    assert row == {"status": "failed", "error": "554 5.7.1 rejected"}
