"""The digests as a mail client sees them: sent through a real SMTP server, parsed with the
standard email package, with hostile scraped content."""

from __future__ import annotations

import re
from datetime import date

import pytest
from icalendar import Calendar

from crawler.store import save_calls
from digest.digests import build_digests
from digest.ledger import send_deliveries
from digest.transport import SmtpTransport

from .conftest import PERIOD, add_match, make_call

HOSTILE_TITLE = "<script>alert('x')</script> Stöd\r\nBcc: victim@example.com =?UTF-8?Q?=0A?=Bcc: y"


@pytest.fixture
def received(db, inventory, today, smtp_server, monkeypatch):
    """Växjö's two digests, with one hostile call, as received by the SMTP server."""
    handler, port = smtp_server
    save_calls(
        db,
        "esf",
        [
            make_call(
                1,
                title="Kompetensförsörjning i välfärden – Småland",
                deadline="2026-12-15",
                deadline_time="16:00",
                cofinancing="Krav på 50 procent medfinansiering",
            ),
            make_call(2, title=HOSTILE_TITLE, url="javascript:alert(1)", deadline="2027-02-01"),
            make_call(3, url=" java\tscript:alert(2)", deadline=None, status="standing"),
        ],
        seen_at="2026-11-16T06:00:00+00:00",
    )
    add_match(db, "esf:1", "Växjö", note="Passar <b>AF</b>-samverkan")
    add_match(db, "esf:2", "Växjö")
    add_match(db, "esf:3", "Växjö", "pending")
    monkeypatch.setenv("UTLYS_UNSUBSCRIBE_SECRET", "test-secret")
    settings = {
        "digest": {
            "include_pending": True,
            "unsubscribe_url": "https://utlys.example.se/avregistrera?e={email}&k={municipality}&t={token}",
        },
        "smtp": {},
    }
    build_digests(db, inventory, PERIOD, settings=settings, today=today)
    report = send_deliveries(
        db, SmtpTransport("127.0.0.1", port, starttls=False), kind="digest", period=PERIOD
    )
    assert len(report.sent) == 2
    return handler.received


def the_one_for(received, address):
    (item,) = [r for r in received if r.rcpt_tos == [address]]
    return item.message


def test_digest_is_text_and_html_alternatives_with_a_calendar_attachment(received):
    msg = the_one_for(received, "utlysningar@vaxjo.example.se")
    assert msg.get_content_type() == "multipart/mixed"
    alternative = msg.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    (ics,) = list(msg.iter_attachments())
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_filename() == "utlysningar-2026-11.ics"


def test_headers_are_right(received):
    msg = the_one_for(received, "chef@vaxjo.example.se")
    assert msg["Subject"] == "Utlysningar för Växjö – november 2026"
    assert msg["From"].addresses[0].addr_spec == "samordnare@vaxjo.example.se"
    assert msg["From"].addresses[0].display_name == "Projektenhet Kronoberg"
    assert msg["To"].addresses[0].display_name == "Åsa Öberg"
    assert msg["To"].addresses[0].addr_spec == "chef@vaxjo.example.se"
    assert re.fullmatch(
        r"<utlys\.digest\.2026-11\.vaxjo\.[0-9a-f]{16}@vaxjo\.example\.se>", msg["Message-ID"]
    )
    unsubscribe = msg["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://utlys.example.se/avregistrera?e=chef@vaxjo.example.se")
    assert "&k=V%C3%A4xj%C3%B6&t=" in unsubscribe and unsubscribe.endswith(">")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Reply-To"] == "samordnare@vaxjo.example.se"


def test_swedish_text_survives_in_both_versions(received):
    msg = the_one_for(received, "utlysningar@vaxjo.example.se")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Kompetensförsörjning i välfärden – Småland" in body
        assert "Nya utlysningar som matchar era behov".upper() in body.upper()
        assert "15 december 2026 kl. 16.00 (22 dagar kvar)" in body
        assert "40\u00a0000\u00a0000\u00a0kr" in body
        assert "Krav på 50 procent medfinansiering" in body
        assert "Småland och Öarna" in body
        assert "träffar 'unga' i behovet" in body.replace("&#39;", "'")
        assert "Ej granskad".upper() in body.upper()
        assert "löpande" in body
        assert "Karin Lind" in body and "0470-41 00 00" in body


def test_the_calendar_parses_and_holds_the_deadlines(received):
    msg = the_one_for(received, "utlysningar@vaxjo.example.se")
    (attachment,) = list(msg.iter_attachments())
    calendar = Calendar.from_ical(attachment.get_content())
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    summary = "Sista ansökningsdag kl. 16.00: Kompetensförsörjning i välfärden – Småland"
    assert events[summary].decoded("dtstart") == date(2026, 12, 15)
    assert len(events) == 2  # the standing programme has no deadline
    for event in events.values():
        assert "\n" not in str(event["summary"]) and "Bcc" not in str(event.get("url", ""))


def test_hostile_title_is_escaped_and_javascript_links_dropped(received):
    msg = the_one_for(received, "utlysningar@vaxjo.example.se")
    html = msg.get_body(("html",)).get_content()
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Stöd" in html
    assert "javascript" not in html.lower() and "java\tscript" not in html.lower()
    assert "<b>AF</b>" not in html and "&lt;b&gt;AF&lt;/b&gt;" in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("https://", "mailto:")) for h in hrefs)
    assert "<img" not in html.lower()
    text = msg.get_body(("plain",)).get_content()
    assert "javascript" not in text.lower()


def test_a_title_with_line_breaks_and_encoded_words_cannot_inject_headers(received):
    for item in received:
        msg = item.message
        assert msg.get_all("Bcc") is None
        assert len(item.rcpt_tos) == 1
        header_names = {name.lower() for name in msg.keys()}
        assert header_names <= {
            "from",
            "to",
            "reply-to",
            "subject",
            "date",
            "message-id",
            "content-language",
            "auto-submitted",
            "list-id",
            "list-unsubscribe",
            "list-unsubscribe-post",
            "mime-version",
            "content-type",
        }
    raw = received[0].data.decode("ascii")
    headers = raw.split("\r\n\r\n", 1)[0]
    assert "victim@example.com" not in headers


def test_the_html_has_no_scripts_or_external_resources(received):
    html = received[0].message.get_body(("html",)).get_content()
    assert not re.search(r"<(script|iframe|object|embed|link|img)\b", html, re.I)
    assert "src=" not in html.lower()
    assert "<table" in html and 'style="' in html


def test_the_calendar_keeps_only_http_links_whoever_calls_it():
    from digest.message import Deadline, deadlines_ics

    events = [
        Deadline("esf:1", "Ett", "ESF", "2026-12-01", None, " java\tscript:alert(1)"),
        Deadline("esf:2", "Två", "ESF", "2026-12-02", None, "https://www.esf.se/2/"),
    ]
    data = deadlines_ics(events, name="Utlysningar", today=date(2026, 11, 23))
    calendar = Calendar.from_ical(data)
    urls = {str(e["summary"]): str(e.get("url", "")) for e in calendar.walk("VEVENT")}
    assert urls == {
        "Sista ansökningsdag: Ett": "",
        "Sista ansökningsdag: Två": "https://www.esf.se/2/",
    }
    assert b"script" not in data
