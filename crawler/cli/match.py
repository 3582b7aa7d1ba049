"""The command of the matching area: `utlys match`.

Two ways in: the database (match the calls changed since the last run and store the pairs,
keeping the coordinator's review), or a JSONL file of call records with no database at all
(crawler.ops.jsonl; print one JSON object per matching pair). Every input problem is one line
naming the file and line or field; nothing is stored unless the whole run succeeded.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from crawler.cli.options import DB_OPTION, NEEDS_OPTION, TODAY_OPTION, today_or_default
from crawler.config import ConfigError, Source, default_file, load_sources
from crawler.config.needs import Inventory, check_against_sources, load_needs
from crawler.match.score import Match


def register(cli: click.Group) -> None:
    """Add this area's commands to the `utlys` group."""
    cli.add_command(match_cmd)


@click.command("match")
@DB_OPTION
@NEEDS_OPTION
@click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Sources file for source-wide regions and samordningsförbund members"
    " (default: config/sources.yaml when it exists).",
)
@click.option("--all", "all_calls", is_flag=True, help="Match every stored call, not only changed.")
@click.option(
    "--calls",
    "calls_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Match the call records of this JSONL file instead of the database (nothing stored).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help="text: a summary per municipality; jsonl: one JSON object per matching pair.",
)
@click.option(
    "--output",
    "output_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the output to this file instead of standard output.",
)
@TODAY_OPTION
def match_cmd(
    db_path: Path,
    needs_path: Path | None,
    sources_path: Path | None,
    all_calls: bool,
    calls_path: Path | None,
    output_format: str,
    output_path: Path | None,
    today: date | None,
) -> None:
    """Match calls to the municipalities' needs.

    Calls whose deadline is before --today are closed. A JSONL file (--calls) is a snapshot
    whose statuses already say what was closed when it was made, so its deadlines are judged
    only when --today is given.
    """
    inventory = load_needs(needs_path)
    sources = _sources(sources_path)
    if sources_path is not None:  # a named sources file must know every samordningsförbund
        check_against_sources(inventory, load_sources(sources_path))
    if calls_path is not None:
        from crawler.match.score import Matcher
        from crawler.ops.jsonl import read_calls

        matches = Matcher(inventory, sources=sources).match(read_calls(calls_path), today=today)
        text = _jsonl(matches) if output_format == "jsonl" else describe(matches, inventory)
    else:
        from crawler.match.run import match_database, summary_lines
        from crawler.store import open_db

        run = match_database(
            open_db(db_path),
            inventory,
            all_calls=all_calls,
            today=today_or_default(today),
            sources=sources,
        )
        text = (
            _jsonl(run.matches)
            if output_format == "jsonl"
            else _lines(summary_lines(run, inventory))
        )
    if output_path is None:
        sys.stdout.write(text)
    else:
        output_path.write_text(text, encoding="utf-8")


def _sources(path: Path | None) -> dict[str, Source]:
    """Sources by id. The default file is optional: matching a JSONL file must not depend on it."""
    if path is not None:
        config = load_sources(path)
        return {s.id: s for s in config.sources}
    default = default_file("sources.yaml")
    if not default.exists():
        return {}
    try:
        return {s.id: s for s in load_sources(default).sources}
    except ConfigError:
        return {}


def _jsonl(matches: list[Match]) -> str:
    return "".join(json.dumps(m.to_dict(), ensure_ascii=False) + "\n" for m in matches)


def _lines(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def describe(matches: list[Match], inventory: Inventory) -> str:
    """Matches per municipality with their reasons (Swedish), for the text format."""
    out = []
    for municipality in inventory.municipalities:
        mine = sorted(
            (m for m in matches if m.municipality == municipality.name),
            key=lambda m: (-m.score, m.call_id),
        )
        out.append(f"{municipality.name}: {len(mine)} matchade utlysningar")
        for match in mine:
            out.append(f"  - {match.call_id} [{match.score:.2f}]")
            out.extend(f"      {reason}" for reason in match.reasons)
    return _lines(out)
