"""The send ledger: exactly-once delivery through a real SMTP server: resend, interruption,
refusal (also at the end of DATA), held."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.store import save_calls
from digest import ledger
from digest.digests import build_digests
from digest.ledger import send_deliveries
from digest.subscribers import remove
from digest.transport import OutboxTransport, SmtpTransport

from .conftest import PERIOD, add_match, make_call

SETTINGS: dict = {"digest": {}, "smtp": {}}


@pytest.fixture
def built(db, inventory, today):
    """Three digests built: two for Växjö, one for Älmhult."""
    save_calls(db, "esf", [make_call(1), make_call(2)], seen_at="2026-11-16T06:00:00+00:00")
    add_match(db, "esf:1", "Växjö")
    add_match(db, "esf:2", "Älmhult")
    report = build_digests(db, inventory, PERIOD, settings=SETTINGS, today=today)
    assert len(report.built) == 3
    return report


def statuses(db) -> dict[str, str]:
    return {
        row["recipient"]: row["status"]
        for row in db.execute_returning_dicts("select recipient, status from deliveries")
    }


def smtp(port: int) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", port, starttls=False, timeout=10)


def test_send_twice_delivers_each_message_once(db, built, smtp_server):
    handler, port = smtp_server
    first = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    second = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert len(first.sent) == 3 and first.ok
    assert second.sent == [] and second.ok
    assert sorted(r.rcpt_tos[0] for r in handler.received) == [
        "chef@vaxjo.example.se",
        "post@almhult.example.se",
        "utlysningar@vaxjo.example.se",
    ]
    assert set(statuses(db).values()) == {"sent"}


def test_building_again_neither_duplicates_nor_rebuilds_sent_messages(
    db, inventory, built, smtp_server, today
):
    _, port = smtp_server
    send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    before = db.execute_returning_dicts("select id, message, sent_at from deliveries order by id")
    again = build_digests(db, inventory, PERIOD, settings=SETTINGS, today=today)
    after = db.execute_returning_dicts("select id, message, sent_at from deliveries order by id")
    assert before == after
    assert again.counts["kept"] == 3 and again.counts["new"] == 0
    assert again.built == []  # nothing of it is ready to send: the report says so


def test_a_refused_recipient_fails_with_the_answer_and_the_others_are_sent(db, built, smtp_server):
    handler, port = smtp_server
    handler.refuse.add("chef@vaxjo.example.se")
    report = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert sorted(report.sent) == ["post@almhult.example.se", "utlysningar@vaxjo.example.se"]
    assert report.failed[0][0] == "chef@vaxjo.example.se"
    row = db.execute_returning_dicts(
        "select status, error from deliveries where recipient = 'chef@vaxjo.example.se'"
    )[0]
    assert row["status"] == "failed"
    assert row["error"].startswith("550") and "User unknown" in row["error"]
    # A second run does not retry it (nor anything else) unless asked to.
    assert send_deliveries(db, smtp(port), kind="digest", period=PERIOD).sent == []
    handler.refuse.clear()
    retried = send_deliveries(db, smtp(port), kind="digest", period=PERIOD, retry_failed=True)
    assert retried.sent == ["chef@vaxjo.example.se"]
    assert len(handler.received) == 3


class CrashAfter:
    """A real SMTP transport whose process "dies" (KeyboardInterrupt) right after the server
    accepted message number ``n``: the window between acceptance and marking it sent."""

    def __init__(self, inner: SmtpTransport, n: int) -> None:
        self.inner, self.n, self.count = inner, n, 0

    def send(self, msg) -> None:
        self.inner.send(msg)
        self.count += 1
        if self.count == self.n:
            raise KeyboardInterrupt

    def close(self) -> None:
        self.inner.close()


def test_a_crash_after_acceptance_is_held_not_resent_and_the_rest_is_sent(db, built, smtp_server):
    handler, port = smtp_server
    with pytest.raises(KeyboardInterrupt):
        send_deliveries(db, CrashAfter(smtp(port), 2), kind="digest", period=PERIOD)
    assert sorted(statuses(db).values()) == ["built", "sending", "sent"]
    resumed = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert len(resumed.sent) == 1
    assert len(resumed.held) == 1
    received = [r.rcpt_tos[0] for r in handler.received]
    assert len(received) == 3 and len(set(received)) == 3  # each exactly once
    # Running again still sends nothing and still reports the held one.
    again = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert again.sent == [] and len(again.held) == 1
    # The coordinator checked: it arrived.
    ledger.release(db, [resumed.held[0]["id"]], resend=False)
    assert set(statuses(db).values()) == {"sent"}
    assert len(handler.received) == 3


def test_a_held_message_is_sent_again_only_when_released(db, built, smtp_server):
    handler, port = smtp_server
    handler.drop_after = 1  # the connection dies while the second message is transferred
    report = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert len(report.held) == 1
    held_id = report.held[0]["id"]
    handler.drop_after = None
    assert send_deliveries(db, smtp(port), kind="digest", period=PERIOD).held[0]["id"] == held_id
    sent_id = db.execute_returning_dicts("select id from deliveries where status = 'sent'")[0]
    with pytest.raises(ValueError, match="not held"):
        ledger.release(db, [sent_id["id"], held_id], resend=True)
    with pytest.raises(ValueError, match="no delivery with id 999"):
        ledger.release(db, [999], resend=True)
    assert statuses(db)["chef@vaxjo.example.se"] == "sending"  # nothing changed
    ledger.release(db, [held_id], resend=True)
    final = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert len(final.held) == 0
    assert len(handler.received) == 3


def test_an_unreachable_server_stops_the_run_and_keeps_messages_built(db, built):
    from .conftest import free_port

    report = send_deliveries(db, smtp(free_port()), kind="digest", period=PERIOD)
    assert report.stopped and report.sent == []
    assert set(statuses(db).values()) == {"built"}


def test_an_address_unsubscribed_after_the_build_is_not_mailed(db, inventory, built, smtp_server):
    handler, port = smtp_server
    remove(db, inventory, "Växjö", "chef@vaxjo.example.se")
    report = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert report.unsubscribed == ["chef@vaxjo.example.se"]
    assert "chef@vaxjo.example.se" not in [r.rcpt_tos[0] for r in handler.received]
    assert len(handler.received) == 2


def test_killing_the_send_process_mid_message_then_resuming_sends_no_duplicates(
    db, built, smtp_server, tmp_path: Path
):
    """`utlys digest send` in a real process, killed (SIGKILL) while the server is still
    processing the second message (aiosmtpd then drops it: it never accepted it). The resumed
    run sends the third, holds the second (it cannot know), and after the coordinator's
    --resend every message has reached the server exactly once."""
    handler, port = smtp_server
    handler.stall_at = 1
    env = {
        **os.environ,
        "UTLYS_SMTP_HOST": "127.0.0.1",
        "UTLYS_SMTP_PORT": str(port),
        "UTLYS_SMTP_STARTTLS": "0",
    }
    settings = tmp_path / "settings.yaml"
    settings.write_text("digest: {}\nsmtp: {}\n", encoding="utf-8")
    db_path = str(tmp_path / "utlys.db")
    command = [sys.executable, "-m", "crawler.cli", "digest", "send", "--db", db_path]
    command += ["--settings", str(settings), "--period", PERIOD]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert handler.stalled.wait(60), "the send never reached the second message"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    handler.release.set()
    assert len(handler.received) == 1
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert "HELD delivery" in resumed.stdout, resumed.stdout + resumed.stderr
    assert resumed.returncode == 1
    assert len(handler.received) == 2
    held = db.execute_returning_dicts("select id from deliveries where status = 'sending'")
    assert len(held) == 1
    released = subprocess.run(
        [*command, "--resend", str(held[0]["id"])],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert released.returncode == 0, released.stdout + released.stderr
    received = [r.rcpt_tos[0] for r in handler.received]
    assert len(received) == 3 and len(set(received)) == 3
    assert set(statuses(db).values()) == {"sent"}


class InterruptBeforeHandover(SmtpTransport):
    """Ctrl-C arrives while connecting for message number ``n``: nothing of it was sent."""

    def __init__(self, port: int, n: int) -> None:
        super().__init__("127.0.0.1", port, starttls=False, timeout=10)
        self.n, self.count = n, 0

    def _connect(self):
        self.count += 1
        if self.count == self.n:
            raise KeyboardInterrupt
        return super()._connect()


def test_an_interruption_before_handover_puts_the_message_back_to_built(db, built, smtp_server):
    handler, port = smtp_server
    with pytest.raises(KeyboardInterrupt):
        send_deliveries(db, InterruptBeforeHandover(port, 2), kind="digest", period=PERIOD)
    assert sorted(statuses(db).values()) == ["built", "built", "sent"]
    resumed = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert len(resumed.sent) == 2 and resumed.held == []
    received = [r.rcpt_tos[0] for r in handler.received]
    assert len(received) == 3 and len(set(received)) == 3


class InterruptedOutbox(OutboxTransport):
    def send(self, msg) -> None:
        super().send(msg)
        raise KeyboardInterrupt  # after the file was written


def test_the_outbox_is_idempotent_so_an_interrupted_message_is_simply_written_again(
    db, built, tmp_path
):
    with pytest.raises(KeyboardInterrupt):
        send_deliveries(db, InterruptedOutbox(tmp_path / "ut"), kind="digest", period=PERIOD)
    assert sorted(statuses(db).values()) == ["built", "built", "built"]
    report = send_deliveries(db, OutboxTransport(tmp_path / "ut"), kind="digest", period=PERIOD)
    assert len(report.sent) == 3 and report.held == []
    assert len(list((tmp_path / "ut").glob("*.eml"))) == 3


def test_sigterm_while_the_envelope_is_sent_lets_the_resumed_send_deliver_everything_once(
    db, built, smtp_server, tmp_path: Path
):
    handler, port = smtp_server
    handler.stall_at, handler.stall_in = 1, "RCPT"
    env = {
        **os.environ,
        "UTLYS_SMTP_HOST": "127.0.0.1",
        "UTLYS_SMTP_PORT": str(port),
        "UTLYS_SMTP_STARTTLS": "0",
    }
    command = [
        sys.executable,
        "-m",
        "crawler.cli",
        "digest",
        "send",
        "--db",
        str(tmp_path / "utlys.db"),
        "--period",
        PERIOD,
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert handler.stalled.wait(60)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) != 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    handler.release.set()
    assert sorted(statuses(db).values()) == ["built", "built", "sent"]
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    received = [r.rcpt_tos[0] for r in handler.received]
    assert len(received) == 3 and len(set(received)) == 3


def test_a_temporary_answer_to_data_defers_the_message_until_the_next_send(db, built, smtp_server):
    handler, port = smtp_server
    handler.data_answers.append("451 4.3.0 try later")
    report = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert [error for _, error in report.deferred] == ["451 4.3.0 try later"]
    assert len(report.sent) == 2 and report.failed == [] and not report.ok
    [deferred] = [r for r, s in statuses(db).items() if s == "built"]
    assert deferred == report.deferred[0][0]
    again = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert again.sent == [deferred] and again.ok
    received = [r.rcpt_tos[0] for r in handler.received]
    assert len(received) == 3 and len(set(received)) == 3


def test_a_permanent_answer_to_data_fails_the_message_with_the_servers_text(db, built, smtp_server):
    handler, port = smtp_server
    handler.data_answers.append("554 5.7.1 rejected")
    report = send_deliveries(db, smtp(port), kind="digest", period=PERIOD)
    assert [error for _, error in report.failed] == ["554 5.7.1 rejected"]
    assert len(report.sent) == 2 and not report.ok
    [row] = db.execute_returning_dicts(
        "select recipient, error from deliveries where status = 'failed'"
    )
    assert row == {"recipient": report.failed[0][0], "error": "554 5.7.1 rejected"}
    assert len(handler.received) == 2
    # Not retried unless asked to.
    assert send_deliveries(db, smtp(port), kind="digest", period=PERIOD).sent == []
