"""The rules that keep the house in order (../shared/LAYOUT.md in the team's words): no import
circle, no module over 400 lines, and the core of crawler/ never imports digest. They are read
from the code itself, so a change that breaks one fails here, not in a review months later."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from crawler.config import REPO_ROOT

PACKAGES = ("crawler", "spiders", "digest")
MAX_LINES = 400
# Rooms of crawler/ that may import digest: the interfaces on top, running unattended, the demo.
MAY_IMPORT_DIGEST = ("crawler.cli", "crawler.ops", "crawler.dev", "crawler.web")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            parts = path.relative_to(REPO_ROOT).with_suffix("").parts
            if "snapshot" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Our modules that ``name`` imports, at any depth of the file (lazy imports count too)."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Import circles between modules; a package's __init__ re-exporting its own modules is the
    package speaking for them, not a circle."""
    edges = {
        name: {t for t in targets if not (t.startswith(name + ".") or name.startswith(t + "."))}
        for name, targets in edges.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def test_no_import_circle():
    assert cycles(graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_400_lines(name):
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines"


def test_the_core_of_crawler_does_not_import_digest():
    offenders = {
        name: sorted(t for t in targets if t == "digest" or t.startswith("digest."))
        for name, targets in graph().items()
        if name.startswith("crawler") and not name.startswith(MAY_IMPORT_DIGEST)
    }
    assert {name: t for name, t in offenders.items() if t} == {}


def test_sql_lives_in_the_store():
    """Raw SQL statements appear only in crawler/store/ and the digest ledger."""
    allowed = ("crawler.store", "digest.ledger")
    words = ("select ", "insert into ", "update ", "delete from ", "create table ")
    offenders = []
    for name, path in modules().items():
        if name.startswith(allowed):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.lower().lstrip()
                if text.startswith(words) and ("from " in text or "set " in text or "(" in text):
                    offenders.append(name)
                    break
    assert offenders == []
