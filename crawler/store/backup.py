"""`utlys db backup` and `utlys db check`: a consistent copy of the live database, and a check
that it is intact.

The copy goes through SQLite's online backup API in one step, which reads the whole database
inside one read transaction: with WAL a crawl may keep writing meanwhile and the copy is still
the database as it was at one instant. The copy is checked (`PRAGMA integrity_check`) before it
is given its final name, so a file at the target path is always a usable backup.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


class BackupError(RuntimeError):
    """A backup that could not be made; the message is one line for the user."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    pages: int
    size: int
    integrity: str


def backup(
    db_path: str | Path, target: str | Path, *, now: datetime, overwrite: bool = False
) -> BackupResult:
    """Copy `db_path` to `target` (a file, or a folder for `<name>-<time>.db`)."""
    source = Path(db_path)
    if not source.is_file():
        raise BackupError(f"{source}: no such database")
    target = Path(target)
    if target.is_dir():
        target = target / f"{source.stem}-{now.strftime('%Y%m%d-%H%M%S')}.db"
    if target.exists():
        if target.resolve() == source.resolve():
            raise BackupError(f"{target}: is the database itself")
        if not overwrite:
            raise BackupError(f"{target}: already exists (use --overwrite to replace it)")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # pages=-1: everything in one step, one consistent snapshot
            # A backup is one self-contained file, not a WAL database with side files.
            dst.execute("PRAGMA journal_mode = DELETE")
            integrity = dst.execute("PRAGMA integrity_check").fetchone()[0]
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
        finally:
            dst.close()
        if integrity != "ok":
            raise BackupError(f"{target}: the copy failed its integrity check: {integrity}")
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"{source}: backup failed: {exc}") from None
    finally:
        src.close()
        partial.unlink(missing_ok=True)
    return BackupResult(target, pages, target.stat().st_size, integrity)


def integrity_check(db_path: str | Path) -> list[str]:
    """SQLite's own verdict on the file: ["ok"] when intact, else the problems it found."""
    path = Path(db_path)
    if not path.is_file():
        raise BackupError(f"{path}: no such database")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: {exc}") from None
    finally:
        conn.close()
