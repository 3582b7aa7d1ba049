"""What `utlys schedule` needs only at month end is checked when it starts: a typo in the digest
section, the alert address or the unsubscribe page must stop it now, not fail a job weeks later.
Each case must end the command at once; a scheduler that starts anyway is stopped by the timeout
and the test fails."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler.config import REPO_ROOT


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ('digest: {closing_days: "45"}\n', "digest: field 'closing_days'"),
        ("health: {alert_to: not-an-email}\n", "health: field 'alert_to': 'not-an-email' is not"),
        (
            'digest: {unsubscribe_url: "http://example.se/avregistrera?adress={email}"}\n',
            "digest: field 'unsubscribe_url': expected an https:// address",
        ),
    ],
)
def test_schedule_refuses_to_start_on_a_setting_it_needs_only_at_month_end(
    tmp_path, settings, message
):
    path = tmp_path / "settings.yaml"
    path.write_text(settings, encoding="utf-8")
    command = [sys.executable, "-m", "crawler", "schedule", "--db", str(tmp_path / "u.db")]
    command += ["--settings", str(path), "--sources", str(REPO_ROOT / "config" / "sources.yaml")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=20, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
