"""What the snapshot server serves: layers of folders, top first, minus deleted paths.

The bundled snapshot (``crawler/dev/snapshot/``) is layered: ``month1/`` holds every site in
full, ``month2/`` only the files that differ plus ``_deleted.txt``; ``manifest.yaml`` names the
months (with the day each must be crawled as) and every source's start and news paths. A URL
path resolves to the file of the topmost layer that has it, never to anything outside the
served folders.
"""

from __future__ import annotations

import mimetypes
import posixpath
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawler.config import read_yaml

SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshot"
DELETED_LIST = "_deleted.txt"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
}


@dataclass(frozen=True)
class Layer:
    """One directory of files; ``modified`` is the Last-Modified of all its files (the month's
    date for a snapshot layer, so that the headers do not depend on when git checked them out);
    None means each file's own mtime."""

    root: Path
    modified: datetime | None = None


@dataclass(frozen=True)
class Site:
    """What the server serves: layers, top first, minus deleted URL paths."""

    layers: tuple[Layer, ...]
    deleted: frozenset[str] = frozenset()

    @property
    def _gone(self) -> frozenset[str]:
        return frozenset(p.rstrip("/") for p in self.deleted)

    def resolve(self, url_path: str) -> tuple[Path, Layer] | str | None:
        """The file for a URL path, a redirect target (a directory asked for without its
        trailing slash), or None (not found)."""
        clean = _clean_path(url_path)
        if clean is None or clean.rstrip("/") in self._gone:
            return None
        parts = [p for p in clean.split("/") if p]
        if parts == [DELETED_LIST]:
            return None
        for layer in self.layers:
            candidate = layer.root.joinpath(*parts)
            if candidate.is_dir():
                if not clean.endswith("/"):
                    return clean + "/"
                candidate = candidate / "index.html"
            if candidate.is_file():
                return candidate, layer
        return None


@dataclass
class Manifest:
    """crawler/dev/snapshot/manifest.yaml: the months (with the date each must be crawled as)
    and the start and news paths of every source."""

    months: dict[str, date]
    sources: dict[str, dict[str, list[str]]]
    root: Path = field(default=SNAPSHOT_DIR)

    def site(self, month: str) -> Site:
        """The layers of ``month``: that month's folder over every earlier month's folder."""
        if month not in self.months:
            raise ValueError(f"unknown snapshot month {month!r} (known: {', '.join(self.months)})")
        names = list(self.months)[: list(self.months).index(month) + 1]
        layers = []
        deleted: set[str] = set()
        for name in reversed(names):
            stamp = datetime.combine(self.months[name], datetime.min.time(), tzinfo=UTC)
            layers.append(Layer(self.root / name, stamp))
        # Deletions of a later month hide the files of every earlier one.
        for name in names[1:]:
            deleted |= _read_deleted(self.root / name / DELETED_LIST)
        return Site(tuple(layers), frozenset(deleted))


def load_manifest(snapshot_dir: Path = SNAPSHOT_DIR) -> Manifest:
    raw = read_yaml(snapshot_dir / "manifest.yaml")
    months = {
        name: date.fromisoformat(str(value["today"])) for name, value in raw["months"].items()
    }
    sources = {
        source_id: {
            "start_paths": list(entry.get("start_paths") or []),
            "news_paths": list(entry.get("news_paths") or []),
        }
        for source_id, entry in (raw.get("sources") or {}).items()
    }
    return Manifest(months=months, sources=sources, root=snapshot_dir)


def _read_deleted(path: Path) -> set[str]:
    if not path.exists():
        return set()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def _clean_path(url_path: str) -> str | None:
    """The decoded path, or None when it tries to leave the served folder."""
    path = unquote(urlsplit(url_path).path) or "/"
    if "\x00" in path or "\\" in path:
        return None
    segments = path.split("/")
    if any(s in ("..", ".") for s in segments):
        return None
    normal = posixpath.normpath(path)
    if path.endswith("/") and normal != "/":
        normal += "/"
    return normal


def content_type(path: Path) -> str:
    if path.name == "robots.txt":
        return "text/plain; charset=utf-8"
    if path.suffix.lower() in CONTENT_TYPES:
        return CONTENT_TYPES[path.suffix.lower()]
    if not path.suffix:
        return "text/html; charset=utf-8"  # CMS pages without an extension
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"
