"""Every operations command explains itself."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crawler.cli import cli

COMMANDS = [
    ["schedule"],
    ["status"],
    ["health"],
    ["export"],
    ["db"],
    ["db", "backup"],
    ["db", "check"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_command_has_help(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    description = result.output.split("\n\n")[1].strip()
    assert len(description) > 20
