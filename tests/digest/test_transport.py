"""Transports against a real SMTP server on 127.0.0.1 and a real outbox folder."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from crawler.config import ConfigError
from digest.transport import (
    DeliveryRefused,
    DeliveryUncertain,
    OutboxTransport,
    SmtpTransport,
    TransportUnavailable,
    transport_from_settings,
)

from .conftest import free_port

ENV = ("UTLYS_SMTP_HOST", "UTLYS_SMTP_PORT", "UTLYS_SMTP_USER", "UTLYS_SMTP_STARTTLS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in (*ENV, "UTLYS_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def message(to: str = "a@example.se", number: int = 1) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Projektenhet <samordnare@example.se>"
    msg["To"] = to
    msg["Subject"] = "Utlysningar för Växjö – november 2026"
    msg["Message-ID"] = f"<utlys.test.{number}@example.se>"
    msg.set_content("Räksmörgås åt alla")
    return msg


def test_smtp_delivers_to_a_real_server_with_swedish_text_intact(smtp_server):
    handler, port = smtp_server
    with transport_from_settings({"host": "127.0.0.1", "port": port}) as transport:
        transport.send(message())
        transport.send(message("b@example.se", 2))
    assert [r.rcpt_tos for r in handler.received] == [["a@example.se"], ["b@example.se"]]
    first = handler.received[0].message
    assert first["Subject"] == "Utlysningar för Växjö – november 2026"
    assert first.get_content().strip() == "Räksmörgås åt alla"
    assert handler.received[0].mail_from == "samordnare@example.se"


def test_a_refused_recipient_raises_with_the_servers_answer(smtp_server):
    handler, port = smtp_server
    handler.refuse.add("nobody@example.se")
    transport = SmtpTransport("127.0.0.1", port, starttls=False)
    with pytest.raises(DeliveryRefused) as caught:
        transport.send(message("nobody@example.se"))
    assert caught.value.code == 550
    assert "User unknown" in str(caught.value)
    assert caught.value.permanent
    transport.send(message("ok@example.se", 2))  # the connection is still usable
    transport.close()
    assert [r.rcpt_tos for r in handler.received] == [["ok@example.se"]]


def test_a_connection_dropped_during_data_is_uncertain_not_refused(smtp_server):
    handler, port = smtp_server
    handler.drop_after = 0
    transport = SmtpTransport("127.0.0.1", port, starttls=False, timeout=5)
    with pytest.raises(DeliveryUncertain):
        transport.send(message())
    transport.close()


def test_no_server_listening_is_unavailable():
    transport = SmtpTransport("127.0.0.1", free_port(), starttls=False, timeout=5)
    with pytest.raises(TransportUnavailable):
        transport.send(message())


def test_starttls_required_but_not_offered_is_a_clear_error(smtp_server):
    _, port = smtp_server
    transport = transport_from_settings({"host": "127.0.0.1", "port": port, "starttls": True})
    with pytest.raises(TransportUnavailable, match="does not offer STARTTLS"):
        transport.send(message())


def test_environment_overrides_the_settings_file(monkeypatch, smtp_server):
    handler, port = smtp_server
    monkeypatch.setenv("UTLYS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("UTLYS_SMTP_PORT", str(port))
    monkeypatch.setenv("UTLYS_SMTP_STARTTLS", "false")
    transport = transport_from_settings({"host": "smtp.example.se", "port": 2525})
    assert isinstance(transport, SmtpTransport)
    assert (transport.host, transport.port, transport.starttls) == ("127.0.0.1", port, False)
    transport.send(message())
    transport.close()
    assert len(handler.received) == 1


def test_remote_host_requires_starttls_by_default_and_user_needs_the_password_env(monkeypatch):
    transport = transport_from_settings({"host": "smtp.example.se"})
    assert (transport.starttls, transport.port) == (True, 587)
    with pytest.raises(ConfigError, match="UTLYS_SMTP_PASSWORD"):
        transport_from_settings({"host": "smtp.example.se", "user": "utlys"})
    monkeypatch.setenv("UTLYS_SMTP_PASSWORD", "hemligt")
    transport = transport_from_settings({"host": "smtp.example.se", "user": "utlys"})
    assert transport.password == "hemligt"


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"password": "x"}, "UTLYS_SMTP_PASSWORD only"),
        ({"hots": "x"}, "unknown field 'hots'"),
        ({"host": "smtp.example.se", "port": "many"}, "expected a port number"),
        ({"host": "smtp.example.se", "starttls": "perhaps"}, "expected true or false"),
        ({"host": "smtp.example.se", "timeout": 0}, "'timeout'"),
    ],
)
def test_bad_smtp_settings_are_one_line_errors_naming_the_file(settings, problem):
    with pytest.raises(ConfigError) as caught:
        transport_from_settings(settings, where="config/settings.yaml")
    text = str(caught.value)
    assert problem in text
    assert text.startswith("config/settings.yaml: ")
    assert "\n" not in text


def test_bad_port_in_environment_is_named(monkeypatch):
    monkeypatch.setenv("UTLYS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("UTLYS_SMTP_PORT", "25x")
    with pytest.raises(ConfigError, match="UTLYS_SMTP_PORT"):
        transport_from_settings({})


def test_outbox_is_the_default_and_an_explicit_outbox_wins(tmp_path, monkeypatch):
    default = transport_from_settings({"outbox": str(tmp_path / "ut")})
    assert isinstance(default, OutboxTransport) and default.folder == tmp_path / "ut"
    monkeypatch.setenv("UTLYS_SMTP_HOST", "127.0.0.1")
    explicit = transport_from_settings({}, outbox=tmp_path / "demo")
    assert isinstance(explicit, OutboxTransport) and explicit.folder == tmp_path / "demo"


def test_outbox_writes_one_file_per_message_id_and_overwrites_on_resend(tmp_path):
    outbox = OutboxTransport(tmp_path / "outbox")
    outbox.send(message())
    outbox.send(message())
    outbox.send(message("b@example.se", 2))
    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert files == ["utlys.test.1.eml", "utlys.test.2.eml"]
    assert b"\r\nSubject: " in (tmp_path / "outbox" / "utlys.test.1.eml").read_bytes()


def test_a_server_that_closed_the_idle_connection_is_reconnected(smtp_server):
    handler, port = smtp_server
    transport = SmtpTransport("127.0.0.1", port, starttls=False)
    transport.send(message())
    transport._smtp.sock.close()  # the server side timed out the idle connection
    transport.send(message("b@example.se", 2))
    transport.close()
    assert len(handler.received) == 2


@pytest.mark.parametrize(
    ("answer", "code", "permanent"),
    [
        ("451 4.3.0 try later", 451, False),
        ("452 4.3.1 Insufficient system storage", 452, False),
        ("552 5.3.4 Message size exceeds fixed limit", 552, True),
        ("554 5.7.1 rejected", 554, True),
    ],
)
def test_an_error_answer_at_the_end_of_data_is_a_refusal_not_a_delivery(
    smtp_server, answer, code, permanent
):
    """The server's reply to the message itself is the only one that says it took it."""
    handler, port = smtp_server
    handler.data_answers.append(answer)
    with SmtpTransport("127.0.0.1", port, starttls=False, timeout=5) as transport:
        with pytest.raises(DeliveryRefused) as caught:
            transport.send(message())
        assert caught.value.code == code
        assert caught.value.permanent is permanent
        assert str(caught.value) == answer
        assert transport.in_doubt is False  # the server answered: nothing is in doubt
        transport.send(message("b@example.se", 2))  # the same connection takes the next one
    assert [r.rcpt_tos for r in handler.received] == [["b@example.se"]]
