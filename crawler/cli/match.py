"""CLI of the matching area: `utlys match`.

Two ways in: the database (match the calls changed since the last run and store the pairs,
keeping the coordinator's review), or a JSONL file of call records with no database at all
(print one JSON object per matching pair). Every input problem is one line naming the file and
line or field; nothing is stored unless the whole run succeeded.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

import click

from crawler.cli.options import DB_OPTION, NEEDS_OPTION
from crawler.config import DEFAULT_SOURCES, ConfigError, Source, load_sources
from crawler.config.needs import Inventory, load_needs
from crawler.match.score import Match, Matcher
from crawler.model import STATUSES, Call
from crawler.store import open_db

# Status words a hand-made JSONL may use instead of the record's own values.
STATUS_WORDS = {
    "öppen": "open",
    "öppet": "open",
    "stängd": "closed",
    "stängt": "closed",
    "planerad": "planned",
    "kommande": "planned",
    "löpande": "standing",
    "pågående": "standing",
}


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
@click.option(
    "--today",
    "today_text",
    default=None,
    help="Treat calls whose deadline is before this date (YYYY-MM-DD) as closed. Default for"
    " the database: UTLYS_TODAY, else today; for --calls: no date check (status only).",
)
def match_cmd(
    db_path: Path,
    needs_path: Path | None,
    sources_path: Path | None,
    all_calls: bool,
    calls_path: Path | None,
    output_format: str,
    output_path: Path | None,
    today_text: str | None,
) -> None:
    """Match calls to the municipalities' needs."""
    try:
        inventory = load_needs(needs_path)
        sources = _sources(sources_path)
        today = _today(today_text, database=calls_path is None)
        if calls_path is not None:
            calls = read_calls(calls_path)
            matches = Matcher(inventory, sources=sources).match(calls, today=today)
            _write(matches, inventory, output_format, output_path)
            return
        from crawler.match.run import match_database, summary_lines

        db = open_db(db_path)
        run = match_database(db, inventory, all_calls=all_calls, today=today, sources=sources)
        if output_format == "jsonl":
            _write(run.matches, inventory, output_format, output_path)
        else:
            _emit("\n".join(summary_lines(run, inventory)) + "\n", output_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{db_path}: database: {exc}") from None
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}") from None


def read_calls(path: Path) -> list[Call]:
    """Call records from JSONL: missing fields allowed, a plain string is a one-item list.

    A record without an id gets one from its URL, else from its line number, so that every
    output line can be traced back to its input.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    calls = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path} line {number}: not valid JSON: {exc.msg}") from None
        if not isinstance(record, dict):
            raise ConfigError(f"{path} line {number}: expected a JSON object")
        calls.append(_call(path, number, record))
    return calls


def _call(path: Path, number: int, record: dict) -> Call:
    record = dict(record)
    status = record.get("status")
    if isinstance(status, str) and status.strip().lower() not in STATUSES:
        record["status"] = STATUS_WORDS.get(status.strip().lower(), "unknown")
    elif isinstance(status, str):
        record["status"] = status.strip().lower()
    elif status is not None:
        raise ConfigError(f"{path} line {number}: field 'status': expected text")
    budget = record.get("budget_sek")
    if budget is not None and not isinstance(budget, int):
        try:
            record["budget_sek"] = int(str(budget).replace(" ", ""))
        except ValueError:
            record["budget_sek"] = None
    for name in ("title", "summary", "funder", "source", "url", "programme", "applicants"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            if isinstance(value, list):
                record[name] = " ".join(str(v) for v in value)
            else:
                record[name] = str(value)
    if not record.get("id") and not record.get("url"):
        record["id"] = f"line:{number}"
    try:
        return Call.from_dict(record)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path} line {number}: {exc}") from None


def _sources(path: Path | None) -> dict[str, Source]:
    """Sources by id. The default file is optional: matching a JSONL file must not depend on it."""
    if path is not None:
        return {s.id: s for s in load_sources(path).sources}
    if not DEFAULT_SOURCES.exists():
        return {}
    try:
        return {s.id: s for s in load_sources(DEFAULT_SOURCES).sources}
    except ConfigError:
        return {}


def _today(text: str | None, *, database: bool) -> date | None:
    """--today, else (database runs only) UTLYS_TODAY or the real date.

    A JSONL file is a snapshot whose ``status`` already says what was closed when it was
    made; judging its deadlines against another day must be asked for explicitly.
    """
    if database:
        text = text or os.environ.get("UTLYS_TODAY")
    if text:
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise ConfigError(f"--today: {text!r} is not a date (YYYY-MM-DD)") from None
    return date.today() if database else None


def _write(
    matches: list[Match], inventory: Inventory, output_format: str, path: Path | None
) -> None:
    if output_format == "jsonl":
        text = "".join(json.dumps(m.to_dict(), ensure_ascii=False) + "\n" for m in matches)
    else:
        text = describe(matches, inventory)
    _emit(text, path)


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
    return "\n".join(out) + "\n"


def _emit(text: str, path: Path | None, stream: TextIO | None = None) -> None:
    if path is None:
        (stream or sys.stdout).write(text)
        return
    path.write_text(text, encoding="utf-8")
