"""Source health from sequences of runs, and one alert email per change of state, sent through
a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from crawler.config.settings import HealthSettings
from crawler.ops.health import assess, check_health, send_alerts
from crawler.store import open_db
from digest.transport import SmtpTransport

from .conftest import Mailbox, add_runs, at, free_port

SETTINGS = HealthSettings()  # 3 failures in a row, shrink below 0.5 x median of 5


def runs(*spec: str) -> list[dict]:
    """'ok12' = ok with 12 items, 'failed', 'empty'."""
    result = []
    for item in spec:
        status = item.rstrip("0123456789")
        items = int(item[len(status) :] or 0)
        result.append({"status": status, "items": items, "error": f"error of {item}"})
    return result


@pytest.mark.parametrize(
    ("sequence", "healthy", "kind"),
    [
        ((), None, "no-runs"),
        (("ok12",), True, "ok"),
        (("ok12", "failed"), None, "failing"),  # one bad night is no verdict
        (("ok12", "failed", "failed"), None, "failing"),
        (("ok12", "failed", "failed", "failed"), False, "failing"),
        (("failed", "failed", "failed"), False, "failing"),  # broken from day one
        (("failed", "failed", "failed", "ok12"), True, "ok"),  # recovered
        (("ok12", "failed", "ok12", "failed", "failed"), None, "failing"),  # not in a row
        (("ok12", "ok12", "empty"), False, "empty"),  # zero where it used to yield
        (("ok12", "ok0"), False, "empty"),
        (("empty", "empty"), None, "never-yielded"),
        (("ok12", "ok12", "ok12", "ok5"), False, "shrunk"),  # 5 < 0.5 x 12
        (("ok12", "ok12", "ok12", "ok6"), True, "ok"),  # exactly half is not "sharply"
        (("ok12", "ok5"), True, "ok"),  # too little history to judge a shrink
        (("ok12", "ok12", "ok12", "ok5", "ok5", "ok5", "ok5"), True, "ok"),  # the new normal
    ],
)
def test_assess_judges_a_source_from_its_runs(sequence, healthy, kind):
    verdict = assess(runs(*sequence), SETTINGS)
    assert (verdict.healthy, verdict.kind) == (healthy, kind), verdict.detail


def test_the_failure_limit_comes_from_the_settings():
    two = HealthSettings(failures_in_a_row=2)
    assert assess(runs("ok3", "failed", "failed"), two).healthy is False
    assert assess(runs("ok3", "failed", "failed"), SETTINGS).healthy is None


def test_the_reason_names_the_last_error():
    verdict = assess(runs("failed", "failed", "failed"), SETTINGS)
    assert "3 times in a row" in verdict.detail and "error of failed" in verdict.detail
    assert "3 gånger i rad" in verdict.detail_sv


def _check_and_send(db_path, mailbox, now):
    db = open_db(db_path)
    try:
        transitions = check_health(
            db, ["esf", "amif"], SETTINGS, now=at(now), recipient="samordnare@example.se"
        )
        transport = SmtpTransport("127.0.0.1", mailbox.port, starttls=False, timeout=5)
        try:
            report = send_alerts(
                db, transport, sender="utlys@example.se", now=at(now), funders={"esf": "ESF"}
            )
        finally:
            transport.close()
        return transitions, report
    finally:
        db.close()


def test_one_alert_when_a_source_turns_unhealthy_and_one_when_it_recovers(db_path, mailbox):
    add_runs(db_path, "esf", [("ok", 12)])
    add_runs(db_path, "amif", [("ok", 4)])
    _check_and_send(db_path, mailbox, "2026-11-20 06:30")
    assert mailbox.messages == []  # healthy from the start: nothing to tell

    for day in (21, 22, 23, 24, 25):  # esf fails every night from the 21st
        add_runs(db_path, "esf", [("failed", 0)], error="connection refused 127.0.0.1:9")
        add_runs(db_path, "amif", [("ok", 4)])
        _check_and_send(db_path, mailbox, f"2026-11-{day} 06:30")
    assert len(mailbox.messages) == 1  # on the third failure, not one a day
    alert = mailbox.messages[0]
    assert alert["To"] == "samordnare@example.se"
    assert "esf" in alert["Subject"] and "behöver tittas på" in alert["Subject"]
    body = alert.get_content()
    assert "3 gånger i rad" in body and "connection refused 127.0.0.1:9" in body

    for day in (26, 27):
        add_runs(db_path, "esf", [("ok", 12)])
        _check_and_send(db_path, mailbox, f"2026-11-{day} 06:30")
    assert len(mailbox.messages) == 2
    assert "fungerar igen" in mailbox.messages[1]["Subject"]
    assert mailbox.messages[0]["Message-ID"] != mailbox.messages[1]["Message-ID"]

    db = open_db(db_path)
    alerts = db.execute_returning_dicts(
        "select municipality as source, json_extract(items, '$.transition') as transition,"
        " status from deliveries where kind = 'alert' order by id"
    )
    assert alerts == [
        {"source": "esf", "transition": "unhealthy", "status": "sent"},
        {"source": "esf", "transition": "recovered", "status": "sent"},
    ]


def test_a_source_broken_from_the_start_is_reported(db_path, mailbox):
    add_runs(db_path, "amif", [("failed", 0)] * 3, error="HTTP 500 on /amif/")
    transitions, report = _check_and_send(db_path, mailbox, "2026-11-23 06:30")
    assert [(t.source, t.healthy) for t in transitions] == [("amif", False)]
    assert len(report.sent) == 1 and report.ok and len(mailbox.messages) == 1


def test_an_alert_the_server_could_not_take_is_sent_at_the_next_check(db_path, mailbox):
    add_runs(db_path, "esf", [("ok", 12), ("ok", 12), ("ok", 12), ("ok", 2)])
    db = open_db(db_path)
    check_health(db, ["esf"], SETTINGS, now=at("2026-11-23 06:30"), recipient="s@example.se")
    down = SmtpTransport("127.0.0.1", 9, starttls=False, timeout=2)  # nothing listens on 9
    report = send_alerts(db, down, sender="utlys@example.se", now=at("2026-11-23 06:30"))
    assert report.sent == [] and report.stopped and not report.ok
    assert mailbox.messages == []
    # The next check finds no new transition, but delivers the alert still owed.
    _check_and_send(db_path, mailbox, "2026-11-24 06:30")
    assert len(mailbox.messages) == 1 and "krympte" in mailbox.messages[0].get_content()
    _check_and_send(db_path, mailbox, "2026-11-25 06:30")
    assert len(mailbox.messages) == 1


def test_an_alert_left_sending_by_a_crash_is_not_resent(db_path, mailbox):
    add_runs(db_path, "esf", [("failed", 0)] * 3, error="timeout")
    db = open_db(db_path)
    check_health(db, ["esf"], SETTINGS, now=at("2026-11-23 06:30"), recipient="s@example.se")
    db.execute("update deliveries set status = 'sending'")  # crashed while handing it over
    _check_and_send(db_path, mailbox, "2026-11-23 06:40")
    assert mailbox.messages == []


def test_a_hostile_error_text_cannot_inject_headers(db_path, mailbox):
    add_runs(
        db_path, "esf", [("failed", 0)] * 3, error="boom\r\nBcc: victim@example.com =?UTF-8?Q?=0A?="
    )
    _check_and_send(db_path, mailbox, "2026-11-23 06:30")
    [message] = mailbox.messages
    assert message["Bcc"] is None
    assert "victim@example.com" in message.get_content()  # told, in the body, as text


def test_health_command_alerts_once_through_the_outbox(tmp_path, db_path, write_settings):
    from click.testing import CliRunner

    from crawler.cli import cli

    outbox = tmp_path / "alerts"
    settings = write_settings(health={"alert_to": "samordnare@example.se", "outbox": str(outbox)})
    add_runs(db_path, "esf", [("ok", 9), ("failed", 0), ("failed", 0), ("failed", 0)], "HTTP 500")
    args = ["health", "--db", str(db_path), "--settings", str(settings)]
    for _ in range(2):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert "esf" in result.output and "UNHEALTHY" in result.output
    [message] = outbox.glob("*.eml")
    assert "esf" in message.read_text(encoding="utf-8")


def test_alert_addresses_from_settings_cannot_inject_headers():
    from digest.alerts import alert_message

    alert = {
        "id": 1,
        "source": "esf",
        "transition": "unhealthy",
        "reason": "timeout",
        "recipient": "s@example.se =?UTF-8?Q?=0A?=Bcc: victim@example.com",
        "created_at": "2026-11-23T06:30:00+00:00",
    }
    msg = alert_message(alert, sender="utlys <u@example.se>\r\nBcc: v@example.com", funder=None)
    head = msg.as_string().split("\n\n", 1)[0]
    assert msg["Bcc"] is None and "\nBcc" not in head
    assert all("\n" not in str(value) for value in msg.values())


def test_two_checks_sending_at_once_send_each_alert_once(db_path, mailbox):
    add_runs(db_path, "esf", [("failed", 0)] * 3, error="HTTP 500 on /esf/")
    add_runs(db_path, "amif", [("failed", 0)] * 3, error="HTTP 500 on /amif/")
    now = at("2026-11-23 06:30")
    db = open_db(db_path)
    check_health(db, ["esf", "amif"], SETTINGS, now=now, recipient="s@example.se")

    class BusyTransport(SmtpTransport):
        """While this check hands over its first alert, another check sends what is left."""

        other_ran = False

        def send(self, msg):
            if not self.other_ran:
                self.other_ran = True
                other_db = open_db(db_path)
                other = SmtpTransport("127.0.0.1", mailbox.port, starttls=False, timeout=5)
                send_alerts(other_db, other, sender="utlys@example.se", now=now)
                other.close()
                other_db.close()
            super().send(msg)

    transport = BusyTransport("127.0.0.1", mailbox.port, starttls=False, timeout=5)
    report = send_alerts(db, transport, sender="utlys@example.se", now=now)
    transport.close()
    assert len(report.sent) == 1
    assert sorted(m["Subject"] for m in mailbox.messages) == [
        "utlys: källan amif behöver tittas på",
        "utlys: källan esf behöver tittas på",
    ]


class Answering(Mailbox):
    """A mailbox that answers the DATA of the next messages with the given replies."""

    def __init__(self, port: int, answers: list[str]) -> None:
        super().__init__(port)
        self.answers = answers

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.answers:
            return self.answers.pop(0)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def answering():
    box = Answering(free_port(), [])
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def alert_rows(db_path) -> list[dict]:
    db = open_db(db_path)
    try:
        return db.execute_returning_dicts(
            "select status, error from deliveries where kind = 'alert' order by id"
        )
    finally:
        db.close()


def test_an_alert_deferred_at_data_is_sent_at_the_next_check(db_path, answering):
    add_runs(db_path, "esf", [("failed", 0)] * 3, error="timeout")
    answering.answers.append("451 4.3.0 try later")
    _check_and_send(db_path, answering, "2026-11-23 06:30")
    assert answering.messages == []
    assert alert_rows(db_path) == [{"status": "built", "error": "451 4.3.0 try later"}]
    _check_and_send(db_path, answering, "2026-11-24 06:30")
    assert len(answering.messages) == 1
    assert [row["status"] for row in alert_rows(db_path)] == ["sent"]


def test_an_alert_rejected_at_data_fails_with_the_servers_text(db_path, answering):
    add_runs(db_path, "esf", [("failed", 0)] * 3, error="timeout")
    answering.answers.append("554 5.7.1 rejected")
    _check_and_send(db_path, answering, "2026-11-23 06:30")
    _check_and_send(db_path, answering, "2026-11-24 06:30")
    assert answering.messages == []
    assert alert_rows(db_path) == [{"status": "failed", "error": "554 5.7.1 rejected"}]


def test_alerts_recorded_before_the_one_ledger_move_into_it_and_keep_their_state(db_path, mailbox):
    """A database from before the alerts joined `deliveries`: its sent alert stays sent, the
    one still owed is sent by the next check, the one held stays held, and `health_alerts`
    reads on as a view for readers not yet moved."""
    from sqlite_utils import Database

    from crawler.store import migrations

    old = Database(db_path)
    migrations.apply(old, stop_before="m170_dig_alerts_in_deliveries")
    for source, status in [("esf", "sent"), ("amif", "built"), ("mucf", "sending")]:
        old["health_alerts"].insert(
            {
                "source": source,
                "transition": "unhealthy",
                "reason": f"har misslyckats 3 gånger i rad: {source} svarar inte",
                "recipient": "Samordnare@example.se",
                "status": status,
                "created_at": "2026-11-20T06:30:00+01:00",
                "sent_at": "2026-11-20T06:31:00+01:00" if status == "sent" else None,
            }
        )
    old.close()

    db = open_db(db_path)
    assert "health_alerts" not in db.table_names() and "health_alerts" in db.view_names()
    view = db.execute_returning_dicts(
        "select source, transition, status from health_alerts order by id"
    )
    assert view == [
        {"source": "esf", "transition": "unhealthy", "status": "sent"},
        {"source": "amif", "transition": "unhealthy", "status": "built"},
        {"source": "mucf", "transition": "unhealthy", "status": "sending"},
    ]
    transport = SmtpTransport("127.0.0.1", mailbox.port, starttls=False, timeout=5)
    report = send_alerts(db, transport, sender="utlys@example.se", now=at("2026-11-23 06:30"))
    assert report.sent == ["samordnare@example.se"] and len(report.held) == 1
    [message] = mailbox.messages
    assert "amif" in message["Subject"] and "amif svarar inte" in message.get_content()
    statuses = db.execute_returning_dicts(
        "select municipality, status from deliveries where kind = 'alert' order by id"
    )
    assert [(r["municipality"], r["status"]) for r in statuses] == [
        ("esf", "sent"),
        ("amif", "sent"),
        ("mucf", "sending"),
    ]
    db.close()
