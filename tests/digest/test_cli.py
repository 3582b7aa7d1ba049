"""The review, subscribers, digest and newsletter commands, run through click on a real
database file and a needs.yaml written for the test."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.store import save_calls

from .conftest import PERIOD, add_match, make_call

NEEDS = """
coordinator:
  name: Karin Lind
  email: samordnare@vaxjo.example.se
  organisation: Projektenhet Kronoberg
needs:
  - {id: unga, title: Unga som varken arbetar eller studerar}
municipalities:
  - name: Växjö
    county: Kronoberg
    needs: [unga]
    subscribers:
      - {email: utlysningar@vaxjo.example.se, name: Växjö kommun}
  - name: Alvesta
    county: Kronoberg
    needs: [unga]
newsletter:
  - {email: styrgrupp@vaxjo.example.se}
"""


@pytest.fixture
def env(tmp_path: Path, db, monkeypatch):
    """Paths of a filled database, needs.yaml and settings.yaml; UTLYS_TODAY fixed."""
    monkeypatch.setenv("UTLYS_TODAY", "2026-11-23")
    for name in ("UTLYS_SMTP_HOST", "UTLYS_SMTP_PORT", "UTLYS_SMTP_STARTTLS", "UTLYS_SMTP_USER"):
        monkeypatch.delenv(name, raising=False)
    save_calls(db, "esf", [make_call(1), make_call(2)], seen_at="2026-11-16T06:00:00+00:00")
    ids = [add_match(db, "esf:1", "Växjö", "pending"), add_match(db, "esf:2", "Växjö", "pending")]
    needs = tmp_path / "needs.yaml"
    needs.write_text(NEEDS, encoding="utf-8")
    settings = tmp_path / "settings.yaml"
    settings.write_text(f"digest: {{}}\nsmtp: {{outbox: {tmp_path / 'outbox'}}}\n", "utf-8")
    return {
        "db": str(tmp_path / "utlys.db"),
        "needs": str(needs),
        "settings": str(settings),
        "ids": ids,
        "tmp": tmp_path,
        "handle": db,
    }


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def table(out: str) -> list[list[str]]:
    """The rows of a listing's table (header first), cells split where columns are aligned."""
    return [re.split(r"\s{2,}", line.strip()) for line in out.splitlines() if line.strip()]


def review_state(db, match_id: int) -> dict:
    return db.execute_returning_dicts(
        "select review, reason, note, reviewed_at from matches where id = ?", [match_id]
    )[0]


def test_review_approve_reject_and_note_store_state_reason_and_time(env):
    db, (first, second) = env["handle"], env["ids"]
    code, out = run("review", "approve", str(first), "--db", env["db"])
    assert code == 0 and "approved 1" in out
    assert review_state(db, first)["review"] == "approved"
    assert review_state(db, first)["reviewed_at"].startswith("20")
    code, _ = run("review", "reject", str(second), "--reason", "Fel målgrupp", "--db", env["db"])
    assert code == 0
    assert review_state(db, second)["review"] == "rejected"
    assert review_state(db, second)["reason"] == "Fel målgrupp"
    code, _ = run("review", "note", str(first), "Ring Anna på AF", "--db", env["db"])
    assert review_state(db, first)["note"] == "Ring Anna på AF"
    code, out = run("review", "list", "--state", "rejected", "--db", env["db"])
    assert code == 0
    header, *rows = table(out)
    assert header[:3] == ["ID", "STATE", "MUNICIPALITY"] and header[-1] == "REASON / NOTE"
    assert [row[:3] for row in rows] == [[str(second), "rejected", "Växjö"]]
    assert rows[0][-1] == "reason: Fel målgrupp"


def test_unknown_match_id_is_one_line_and_changes_nothing(env):
    db, (first, _) = env["handle"], env["ids"]
    code, out = run("review", "approve", str(first), "9999", "--db", env["db"])
    assert code == 1
    assert out.strip() == "Error: no match with id 9999; nothing was changed"
    assert review_state(db, first)["review"] == "pending"


def test_reject_without_reason_is_refused(env):
    code, out = run("review", "reject", str(env["ids"][0]), "--db", env["db"])
    assert code == 2 and "--reason" in out


def test_digest_build_shows_what_would_be_sent_and_the_skips(env):
    run("review", "approve", str(env["ids"][0]), "--db", env["db"])
    code, out = run(
        "digest",
        "build",
        "--period",
        PERIOD,
        "--db",
        env["db"],
        "--needs",
        env["needs"],
        "--settings",
        env["settings"],
    )
    assert code == 0, out
    assert "would send to utlysningar@vaxjo.example.se (Växjö)" in out
    assert "skipped Alvesta: nothing new (no mail)" in out


def test_digest_send_writes_the_outbox_once(env):
    run("review", "approve", str(env["ids"][0]), "--db", env["db"])
    common = ["--period", PERIOD, "--db", env["db"], "--settings", env["settings"]]
    run("digest", "build", *common, "--needs", env["needs"])
    code, out = run("digest", "send", *common)
    assert code == 0, out
    assert "sent 1" in out
    files = list((env["tmp"] / "outbox").glob("*.eml"))
    assert len(files) == 1
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["Subject"] == "Utlysningar för Växjö – november 2026"
    code, out = run("digest", "send", *common)
    assert code == 0 and "sent 0" in out and "ledger: sent 1" in out


def test_digest_preview_writes_html(env):
    run("review", "approve", str(env["ids"][0]), "--db", env["db"])
    out_file = env["tmp"] / "preview.html"
    code, out = run(
        "digest",
        "preview",
        "--municipality",
        "växjö",
        "--period",
        PERIOD,
        "--out",
        str(out_file),
        "--db",
        env["db"],
        "--needs",
        env["needs"],
        "--settings",
        env["settings"],
    )
    assert code == 0, out
    html = out_file.read_text(encoding="utf-8")
    assert "Utlysningar för Växjö – november 2026" in html and "Utlysning 1 för unga" in html
    assert env["handle"]["deliveries"].count == 0  # a preview records nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["digest", "build", "--period", "2026-13"], "period '2026-13': expected YYYY-MM"),
        (["digest", "preview", "--municipality", "Gotham"], "no municipality named 'Gotham'"),
        (["digest", "send", "--period", "2026-11", "--resend", "77"], "no delivery with id 77"),
    ],
)
def test_bad_input_is_a_one_line_error(env, args, message):
    code, out = run(
        *args,
        "--db",
        env["db"],
        *(["--needs", env["needs"]] if args[1] != "send" else []),
        "--settings",
        env["settings"],
    )
    assert code == 1
    assert out.startswith("Error: ") and message in out and out.count("\n") == 1


def test_bad_settings_name_the_file(env):
    Path(env["settings"]).write_text("digest: {include_pending: maybe}\n", encoding="utf-8")
    code, out = run(
        "digest",
        "build",
        "--period",
        PERIOD,
        "--db",
        env["db"],
        "--needs",
        env["needs"],
        "--settings",
        env["settings"],
    )
    assert code == 1
    assert out.strip() == (
        f"Error: {env['settings']}: digest: field 'include_pending': expected true or false"
    )


def test_subscribers_add_remove_and_list(env):
    common = ["--db", env["db"], "--needs", env["needs"]]
    code, out = run(
        "subscribers", "remove", "utlysningar@vaxjo.example.se", "--municipality", "Växjö", *common
    )
    assert code == 0 and "removed" in out
    code, out = run(
        "subscribers",
        "add",
        "ny@alvesta.example.se",
        "--municipality",
        "Alvesta",
        "--name",
        "Ny Person",
        *common,
    )
    assert code == 0 and "added" in out
    code, out = run("subscribers", "list", *common)
    header, *rows = table(out)
    assert header == ["LIST", "STATE", "ORIGIN", "EMAIL"]
    vaxjo = "utlysningar@vaxjo.example.se (Växjö kommun)"
    assert ["Växjö", "unsubscribed", "config", vaxjo] in rows
    assert ["Alvesta", "active", "added", "ny@alvesta.example.se (Ny Person)"] in rows
    assert ["newsletter", "active", "config", "styrgrupp@vaxjo.example.se"] in rows
    code, out = run("subscribers", "add", "inte-en-adress", "--newsletter", *common)
    assert code == 1 and "not a valid email address" in out
    code, out = run("subscribers", "add", "x@example.se", *common)
    assert code == 2 and "--municipality NAME or --newsletter" in out


def test_newsletter_build_writes_page_index_and_records_the_mail(env):
    out_dir = env["tmp"] / "web"
    common = ["--period", PERIOD, "--db", env["db"], "--settings", env["settings"]]
    code, out = run("newsletter", "build", *common, "--needs", env["needs"], "--out", str(out_dir))
    assert code == 0, out
    assert (out_dir / "2026-11.html").exists() and (out_dir / "index.html").exists()
    assert "would send to styrgrupp@vaxjo.example.se" in out
    code, out = run("newsletter", "send", *common)
    assert code == 0 and "sent 1" in out


def test_every_command_has_help():
    for group in ("review", "subscribers", "digest", "newsletter"):
        code, out = run(group, "--help")
        assert code == 0
        for line in out.split("Commands:")[1].strip().splitlines():
            name, _, text = line.strip().partition(" ")
            assert text.strip(), f"{group} {name} has no help"
            sub_code, sub_out = run(group, name, "--help")
            assert sub_code == 0 and "Usage:" in sub_out


def test_review_list_finds_a_municipality_whatever_the_case_of_a_swedish_letter(env):
    db = env["handle"]
    save_calls(db, "esf", [make_call(5)], seen_at="2026-11-16T06:00:00+00:00")
    match_id = add_match(db, "esf:5", "Älmhult")
    code, out = run("review", "list", "--municipality", "ÄLMHULT", "--db", env["db"])
    assert code == 0 and "Växjö" not in out
    assert [row[:3] for row in table(out)[1:]] == [[str(match_id), "approved", "Älmhult"]]


def test_digest_send_with_a_mistyped_settings_path_is_an_error_and_sends_nothing(env):
    """Issue #12.2: `--settings settings.yml` (the file is settings.yaml) used to run on the
    defaults, here the outbox of nobody's choosing; a named file must exist."""
    run("review", "approve", str(env["ids"][0]), "--db", env["db"])
    run("digest", "build", "--period", PERIOD, "--db", env["db"], "--needs", env["needs"],
        "--settings", env["settings"])  # fmt: skip
    before = env["handle"].execute_returning_dicts("select id, status from deliveries")
    missing = env["tmp"] / "settings.yml"
    code, out = run("digest", "send", "--period", PERIOD, "--db", env["db"],
                    "--settings", str(missing))  # fmt: skip
    assert code == 1
    assert out.splitlines() == [f"Error: {missing}: no such settings file"]
    assert env["handle"].execute_returning_dicts("select id, status from deliveries") == before
    assert not (env["tmp"] / "outbox").exists() and not missing.exists()


def test_digest_send_exits_non_zero_when_the_server_defers_a_message_at_data(env, smtp_server):
    handler, port = smtp_server
    handler.data_answers.append("451 4.3.0 try later")
    run("review", "approve", str(env["ids"][0]), "--db", env["db"])
    settings = env["tmp"] / "smtp.yaml"
    settings.write_text(
        f"digest: {{}}\nsmtp: {{host: 127.0.0.1, port: {port}, starttls: false,"
        " from: samordnare@vaxjo.example.se}\n",
        "utf-8",
    )
    common = ["--period", PERIOD, "--db", env["db"], "--settings", str(settings)]
    assert run("digest", "build", *common, "--needs", env["needs"])[0] == 0
    code, out = run("digest", "send", *common)
    assert code == 1, out
    assert "deferred utlysningar@vaxjo.example.se" in out and "451 4.3.0 try later" in out
    assert handler.received == []
    code, out = run("digest", "send", *common)
    assert code == 0, out
    assert [r.rcpt_tos for r in handler.received] == [["utlysningar@vaxjo.example.se"]]
