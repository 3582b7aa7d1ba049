"""A mistyped --settings path is an error, never a silent run on the defaults (issue #12.2).

Only the default path (config/settings.yaml) may be absent; a file named on the command line
must exist, in every command that takes --settings.
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from crawler.cli import cli

# Every command with a --settings option, with the other arguments it requires.
COMMANDS = {
    ("digest", "build"): ["--period", "2026-11"],
    ("digest", "preview"): ["--municipality", "Växjö", "--period", "2026-11"],
    ("digest", "send"): ["--period", "2026-11"],
    ("newsletter", "build"): ["--period", "2026-11"],
    ("newsletter", "send"): ["--period", "2026-11"],
    ("schedule",): [],
    ("status",): [],
    ("health",): [],
    ("web",): [],
}


def commands_with_settings(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from commands_with_settings(command, path)
        elif any("--settings" in getattr(p, "opts", []) for p in command.params):
            yield path


def test_the_list_covers_every_command_that_takes_settings():
    assert set(commands_with_settings(cli)) == set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_a_named_settings_file_that_does_not_exist_is_a_one_line_error(tmp_path, path):
    missing = tmp_path / "settings.yml"  # the real one is settings.yaml
    db_path = tmp_path / "utlys.db"
    args = [*path, *COMMANDS[path], "--db", str(db_path), "--settings", str(missing)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [f"Error: {missing}: no such settings file"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, not even a lock


def test_the_default_settings_file_may_be_absent(tmp_path, monkeypatch):
    from crawler.config import settings
    from crawler.config.files import ENV_CONFIG_DIR

    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path))  # a config folder without settings.yaml
    assert settings.load_settings() == {name: {} for name in settings.SECTIONS}
    assert settings.load_ops_settings().schedule.crawl == "0 6 * * *"
