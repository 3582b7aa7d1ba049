"""A source whose spider still finds its calls but no longer reads one of their fields (the
funder changed its pages) is degraded: judged from the field counts of its runs, told once
when it starts and once when it ends, through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import pytest

from crawler.config.settings import HealthSettings
from crawler.ops.health import assess_fill, check_health, send_alerts
from crawler.store import open_db, record_run
from crawler.store.fill_rates import FIELDS, record_fill_rates
from digest.transport import SmtpTransport

from .conftest import at


def run(spec: str) -> dict:
    """'ok10' = an ok run of 10 calls with every field; 'ok10:dates=0,budget=2' sets counts;
    'failed' a failed run without calls."""
    head, _, counts = spec.partition(":")
    status = head.rstrip("0123456789")
    calls = int(head[len(status) :] or 0)
    fill = {"calls": calls, **{name: calls for name in FIELDS}}
    for part in filter(None, counts.split(",")):
        name, value = part.split("=")
        fill[name] = int(value)
    return {"status": status, "items": calls, "fill": fill}


@pytest.mark.parametrize(
    ("sequence", "degraded", "fields"),
    [
        ((), None, ()),
        (("ok10",), None, ()),  # nothing to compare with
        (("ok10", "ok10:dates=0"), True, ("dates",)),
        (("ok10:dates=9", "ok10:dates=3"), False, ()),  # 30 % is not under a third of 90 %
        (("ok10:dates=9", "ok10:dates=2"), True, ("dates",)),
        (("ok10:budget=5", "ok10:budget=0"), False, ()),  # on half the calls: not relied on
        (("ok10", "ok10:dates=0,regions=0"), True, ("dates", "regions")),
        (("ok10", "ok2:dates=0"), None, ()),  # two calls say little about shares...
        (("ok10", "ok10:dates=0", "failed"), None, ()),  # ...a failed run nothing: state stands
        (("ok2", "ok10:dates=0"), None, ()),  # a run of two calls is no baseline either
        (("ok10", "ok10:dates=0", "ok10"), False, ()),  # recovered
        # the degraded runs never become the usual: still degraded a week later
        (("ok10", "ok10", *["ok10:dates=0"] * 7), True, ("dates",)),
        # the usual is the median of the last five good runs
        (("ok10:dates=0", *["ok10"] * 5, "ok10:dates=1"), True, ("dates",)),
    ],
)
def test_assess_fill_flags_a_field_that_falls_sharply_against_the_sources_history(
    sequence, degraded, fields
):
    verdict = assess_fill([run(spec) for spec in sequence])
    assert (verdict.degraded, verdict.fields) == (degraded, fields), verdict.detail


def test_the_swedish_reason_names_the_field_and_its_usual_share():
    verdict = assess_fill([run("ok10:dates=9"), run("ok10:dates=0,budget=9,regions=1")])
    assert verdict.detail_sv == (
        "inga sista ansökningsdagar eller öppningsdatum i senaste körningen (förut 90 %); "
        "regioner bara på 10 % av utlysningarna i senaste körningen (förut 100 %)"
    )
    assert "dates on 0% of calls (usually 90%)" in verdict.detail


def add_run(db_path, source: str, spec: str) -> None:
    """Append a run and its field counts, as the crawl's pipeline would."""
    db = open_db(db_path)
    try:
        data = run(spec)
        run_id = record_run(db, {"source": source, "status": data["status"], "items": data["items"],
                                 "started": "2026-11-20T05:00:00+00:00"})  # fmt: skip
        record_fill_rates(db, run_id, source, data["fill"])
    finally:
        db.close()


def check(db_path, mailbox, now: str) -> list:
    db = open_db(db_path)
    try:
        transitions = check_health(
            db, ["esf"], HealthSettings(), now=at(now), recipient="samordnare@example.se"
        )
        transport = SmtpTransport("127.0.0.1", mailbox.port, starttls=False, timeout=5)
        try:
            send_alerts(db, transport, sender="utlys@example.se", now=at(now))
        finally:
            transport.close()
        return transitions
    finally:
        db.close()


def test_one_alert_when_fields_stop_being_read_and_one_when_they_are_read_again(db_path, mailbox):
    for day, spec in [(18, "ok10:dates=9"), (19, "ok10:dates=9")]:
        add_run(db_path, "esf", spec)
        check(db_path, mailbox, f"2026-11-{day} 06:30")
    assert mailbox.messages == []  # a working source is no news

    for day in (20, 21, 22):
        add_run(db_path, "esf", "ok10:dates=0")
        check(db_path, mailbox, f"2026-11-{day} 06:30")
    assert len(mailbox.messages) == 1  # on the change, not once a day
    alert = mailbox.messages[0]
    assert alert["Subject"] == "utlys: källan esf verkar ha ändrat sina sidor"
    assert (
        "Källan esf verkar ha ändrat sina sidor: inga sista ansökningsdagar eller öppningsdatum"
        " i senaste körningen (förut 90 %)." in alert.get_content()
    )

    add_run(db_path, "esf", "failed")  # a failed night says nothing about the fields
    check(db_path, mailbox, "2026-11-23 06:30")
    assert len(mailbox.messages) == 1

    for day in (24, 25):
        add_run(db_path, "esf", "ok10:dates=8")
        check(db_path, mailbox, f"2026-11-{day} 06:30")
    assert len(mailbox.messages) == 2
    recovered = mailbox.messages[1]
    assert recovered["Subject"] == "utlys: källan esf fungerar igen"
    assert "sista ansökningsdagar eller öppningsdatum finns på 80 %" in recovered.get_content()


def test_a_source_that_recovers_from_failing_and_is_degraded_gets_both_alerts(db_path, mailbox):
    add_run(db_path, "esf", "ok10")
    for _ in range(3):
        add_run(db_path, "esf", "failed")
    check(db_path, mailbox, "2026-11-20 06:30")
    add_run(db_path, "esf", "ok10:summary=0")
    transitions = check(db_path, mailbox, "2026-11-21 06:30")
    assert sorted(t.assessment.kind for t in transitions) == ["degraded", "ok"]
    subjects = [m["Subject"] for m in mailbox.messages]
    assert subjects == [
        "utlys: källan esf behöver tittas på",
        "utlys: källan esf verkar ha ändrat sina sidor",
        "utlys: källan esf fungerar igen",
    ]


def test_the_health_command_shows_a_degraded_source_with_the_field(
    tmp_path, db_path, write_settings
):
    from click.testing import CliRunner

    from crawler.cli import cli

    settings = write_settings(health={"alert_to": "s@example.se", "outbox": str(tmp_path / "out")})
    for spec in ("ok10", "ok10", "ok10:dates=0"):
        add_run(db_path, "esf", spec)
    result = CliRunner().invoke(cli, ["health", "--db", str(db_path), "--settings", str(settings)])
    assert result.exit_code == 0, result.output
    [esf] = [line for line in result.output.splitlines() if line.startswith("esf ")]
    assert "DEGRADED" in esf and "dates" in esf
    amif = [line for line in result.output.splitlines() if line.startswith("amif ")]
    assert amif and "DEGRADED" not in amif[0]
