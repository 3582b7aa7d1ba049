"""Where configuration is found: `--config-dir` (UTLYS_CONFIG_DIR), else ./config, else the
defaults shipped inside the package, so an installed utlys works from an empty folder."""

from __future__ import annotations

import pytest

from crawler.config import ConfigError
from crawler.config.files import PACKAGED, config_dir, default_file, write_config_dir


def test_the_environment_names_the_config_folder_first(tmp_path, monkeypatch):
    (tmp_path / "mine").mkdir()
    monkeypatch.setenv("UTLYS_CONFIG_DIR", str(tmp_path / "mine"))
    monkeypatch.chdir(tmp_path)
    assert config_dir() == tmp_path / "mine"
    assert default_file("needs.yaml") == tmp_path / "mine" / "needs.yaml"


def test_a_config_folder_in_the_working_directory_comes_next(tmp_path, monkeypatch):
    monkeypatch.delenv("UTLYS_CONFIG_DIR", raising=False)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert config_dir() == tmp_path / "config"


def test_an_empty_folder_uses_the_shipped_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("UTLYS_CONFIG_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert config_dir() == PACKAGED
    assert {p.name for p in PACKAGED.glob("*.yaml")} == {
        "sources.yaml",
        "needs.yaml",
        "settings.yaml",
    }


def test_a_config_dir_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("UTLYS_CONFIG_DIR", str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="nope: config folder not found"):
        config_dir()


def test_init_writes_the_commented_defaults_and_never_overwrites(tmp_path):
    written = write_config_dir(tmp_path / "kronoberg")
    assert sorted(p.name for p in written) == ["needs.yaml", "settings.yaml", "sources.yaml"]
    text = (tmp_path / "kronoberg" / "sources.yaml").read_text(encoding="utf-8")
    assert text == (PACKAGED / "sources.yaml").read_text(encoding="utf-8") and "#" in text
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "needs.yaml").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="needs.yaml: already exists; nothing was written"):
        write_config_dir(tmp_path / "other")
    assert (tmp_path / "other" / "needs.yaml").read_text(encoding="utf-8") == "# mine\n"
    assert sorted(p.name for p in (tmp_path / "other").iterdir()) == ["needs.yaml"]
