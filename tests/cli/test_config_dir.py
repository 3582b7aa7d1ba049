"""`utlys init` and `--config-dir`: an installed utlys starts from a written configuration folder
and reads it wherever it is run from."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli
from crawler.config.files import ENV_CONFIG_DIR


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_init_writes_the_three_files_once(tmp_path):
    result = run("init", str(tmp_path / "conf"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "conf").iterdir()) == [
        "needs.yaml",
        "settings.yaml",
        "sources.yaml",
    ]
    again = run("init", str(tmp_path / "conf"))
    assert again.exit_code == 1
    assert again.output.strip().endswith("already exists; nothing was written")
    assert len(again.output.strip().splitlines()) == 1


def test_config_dir_is_where_the_sources_are_read_from(tmp_path, monkeypatch):
    run("init", str(tmp_path / "conf"))
    # The option passes the folder on through the environment; monkeypatch restores it after.
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path))
    sources = tmp_path / "conf" / "sources.yaml"
    text = sources.read_text(encoding="utf-8").replace("Svenska ESF-rådet", "ESF-rådet i test", 1)
    sources.write_text(text, encoding="utf-8")
    result = run("--config-dir", str(tmp_path / "conf"), "sources", "list")
    assert result.exit_code == 0, result.output
    assert "ESF-rådet i test" in result.output
    assert Path(os.environ[ENV_CONFIG_DIR]) == (tmp_path / "conf").resolve()


def test_a_config_dir_that_does_not_exist_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["--config-dir", str(tmp_path / "nope"), "sources", "list"])
    assert result.exit_code == 2
    assert "does not exist" in result.output
