"""The README is the user's manual: every CLI command has help text and is documented there, and
the Quick start holds exactly the two commands that work on a fresh machine."""

import re

import click
import pytest

from crawler.cli import cli
from crawler.config import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "utlys") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(commands(command, path))
    return found


@pytest.mark.parametrize(("path", "command"), commands(cli), ids=lambda v: str(v))
def test_every_command_has_help_and_is_in_the_readme(path, command):
    assert (command.help or "").strip(), f"{path} has no help text"
    if isinstance(command, click.Group):
        return
    *parents, name = path.split()
    documented = re.search(
        re.escape(" ".join(parents)) + r" [^`\n]*\b" + re.escape(name) + r"\b", README
    )
    assert documented, f"{path} is not in README.md"


def test_quick_start_has_exactly_make_demo_and_make_test():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick.split("```", 2)[1]
    lines = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]
    assert lines == ["make demo", "make test"]
