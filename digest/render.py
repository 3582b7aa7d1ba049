"""Rendering the Swedish templates: HTML (escaped) and plain text from the same context.

Autoescaping is decided by a function rather than ``select_autoescape``: everything is escaped
except templates whose name ends in ``.txt``, so a new template is safe by default whatever its
name (``select_autoescape(["html"])`` silently leaves ``x.html.j2`` unescaped).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from digest import swedish

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith(".txt")


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        datum=swedish.datum,
        kronor=swedish.kronor,
        status=swedish.status_text,
        dagar=swedish.days_left_text,
        antal=swedish.count,
    )
    env.globals["month_name"] = swedish.month_name
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def render_pair(stem: str, **context: Any) -> tuple[str, str]:
    """The HTML and the plain-text version of one template pair (``<stem>.html``/``.txt``)."""
    html = render(f"{stem}.html", **context)
    text = render(f"{stem}.txt", **context)
    return html, _tidy_text(text)


def _tidy_text(text: str) -> str:
    """At most one blank line in a row, no trailing spaces: the .txt templates stay readable
    without fighting Jinja's whitespace control."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"
