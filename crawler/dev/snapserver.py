"""A local HTTP server for the bundled snapshot of the funders' sites (and for test fixtures).

The demo and the crawl tests must run with no network, yet go through the same Scrapy machinery
as a real crawl: robots.txt, the HTTP cache and conditional requests. So the server behaves like
a well-kept web server: strong ETags (a hash of the content), Last-Modified, ``Cache-Control:
no-cache`` (use the copy only after revalidating) and 304 answers to conditional requests.

The snapshot is layered (crawler.dev.layers): ``month1/`` holds every site in full, ``month2/``
only the files that differ plus ``_deleted.txt``. The month is switched on the running server so
that URLs, and with them the HTTP cache, stay the same between the two crawls, as they would on
the real sites.

Failure modes for tests are part of the server (``faults``), so tests exercise a real socket
rather than a mocked downloader. The sources file aimed at the server is written here too.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.config import default_file, read_yaml
from crawler.dev.layers import SNAPSHOT_DIR, Layer, Manifest, Site, content_type, load_manifest

__all__ = [
    "SNAPSHOT_DIR",
    "SnapshotServer",
    "load_manifest",
    "serve_directory",
    "serve_snapshot",
    "snapshot_sources",
    "write_schedule_sources",
    "write_snapshot_sources",
]
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
FAULTS = ("500", "hang", "garbage", "empty")
EMPTY_PAGE = (
    b'<!doctype html><html><head><meta charset="utf-8"><title></title></head><body></body></html>'
)


class SnapshotServer(ThreadingHTTPServer):
    """A threaded server on 127.0.0.1 whose content can be switched while it runs.

    ``faults`` maps a URL path prefix to one of ``FAULTS`` (answer 500; hang without answering;
    send bytes that are not HTTP; answer 200 with an empty page); ``log`` records (method, path,
    status) of every request so tests can tell which pages were fetched and which were 304s.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site: Site, manifest: Manifest | None = None, hang_seconds: float = 60):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site
        self.manifest = manifest
        self.month: str | None = None
        self.faults: dict[str, str] = {}
        self.hang_seconds = hang_seconds
        self.log: list[tuple[str, str, int]] = []
        self.user_agents: set[str] = set()
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def set_month(self, month: str) -> None:
        """Serve another snapshot month on the same port."""
        if self.manifest is None:
            raise ValueError("this server serves a plain folder, not the snapshot")
        self.site = self.manifest.site(month)
        self.month = month

    def add_fault(self, path_prefix: str, kind: str) -> None:
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r} (known: {', '.join(FAULTS)})")
        self.faults[path_prefix] = kind

    def fault_for(self, path: str) -> str | None:
        for prefix, kind in self.faults.items():
            if path.startswith(prefix):
                return kind
        return None

    def record(self, method: str, path: str, status: int) -> None:
        with self._log_lock:
            self.log.append((method, path, status))

    def start(self) -> SnapshotServer:
        self._thread = threading.Thread(target=self.serve_forever, name="snapserver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases handlers that hang on purpose
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SnapshotServer:
        return self.start() if self._thread is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early (a crawler refusing an oversized page) is no error."""
        if not isinstance(sys.exception(), ConnectionError):
            super().handle_error(request, client_address)

    def wait_stopping(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    server: SnapshotServer
    protocol_version = "HTTP/1.1"
    server_version = "utlys-snapshot/1"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: the server's own ``log`` list is what tests read."""

    def _answer(self, with_body: bool) -> None:
        path = urlsplit(self.path).path
        self.server.user_agents.add(self.headers.get("User-Agent", ""))
        fault = self.server.fault_for(path)
        if fault == "hang":
            self.server.record(self.command, path, 0)
            self.server.wait_stopping(self.server.hang_seconds)
            self.close_connection = True
            return
        if fault == "garbage":
            self.server.record(self.command, path, 0)
            self.wfile.write(b"\x00\xff\xfe garbage, not HTTP \x89PNG\r\n\x1a\n" * 8)
            self.close_connection = True
            return
        if fault == "500":
            self._send_plain(500, "Internal Server Error\n", with_body, path)
            return
        if fault == "empty":  # a page whose layout changed beyond recognition
            self._send_plain(200, EMPTY_PAGE.decode(), with_body, path, "text/html; charset=utf-8")
            return
        found = self.server.site.resolve(self.path)
        if found is None:
            self._send_plain(404, "Not Found\n", with_body, path)
            return
        if isinstance(found, str):
            self.send_response(301)
            self.send_header("Location", found)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.server.record(self.command, path, 301)
            return
        file, layer = found
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = layer.modified or datetime.fromtimestamp(int(file.stat().st_mtime), UTC)
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(modified, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self._not_modified(etag, modified):
            self.send_response(304)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.server.record(self.command, path, 304)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type(file))
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)
        self.server.record(self.command, path, 200)

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        """RFC 9110 13.2.2: If-None-Match decides when present; If-Modified-Since otherwise."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return modified <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _send_plain(
        self, status: int, text: str, with_body: bool, path: str, kind: str = "text/plain"
    ) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)
        self.server.record(self.command, path, status)


@contextmanager
def serve_snapshot(
    month: str = "month1", snapshot_dir: Path = SNAPSHOT_DIR
) -> Iterator[SnapshotServer]:
    """Serve the bundled snapshot; switch months with ``server.set_month("month2")``."""
    manifest = load_manifest(snapshot_dir)
    server = SnapshotServer(manifest.site(month), manifest)
    server.month = month
    with server:
        yield server


@contextmanager
def serve_directory(
    *roots: Path, deleted: Iterable[str] = (), hang_seconds: float = 60
) -> Iterator[SnapshotServer]:
    """Serve plain folders (top first), e.g. a test's fixture pages."""
    site = Site(tuple(Layer(Path(r)) for r in roots), frozenset(deleted))
    with SnapshotServer(site, hang_seconds=hang_seconds) as server:
        yield server


def snapshot_sources(
    base_url: str,
    sources_path: Path | None = None,
    manifest: Manifest | None = None,
) -> dict[str, Any]:
    """The sources config with every URL pointed at the snapshot server.

    A source the manifest does not know is disabled rather than left pointing at the internet.
    """
    manifest = manifest or load_manifest()
    path = Path(sources_path) if sources_path else default_file("sources.yaml")
    raw = read_yaml(path)
    base = base_url.rstrip("/")
    for entry in raw.get("sources") or []:
        paths = manifest.sources.get(entry.get("id"))
        if paths is None:
            entry["enabled"] = False
            continue
        entry["start_urls"] = [base + p for p in paths["start_paths"]]
        if paths["news_paths"]:
            entry["news_urls"] = [base + p for p in paths["news_paths"]]
        else:
            entry.pop("news_urls", None)
    return raw


def write_snapshot_sources(
    base_url: str, dest: Path, sources_path: Path | None = None, only: Sequence[str] = ()
) -> Path:
    """Write a sources file for the snapshot server; with ``only``, the others are disabled."""
    raw = snapshot_sources(base_url, sources_path)
    if only:
        for entry in raw.get("sources") or []:
            if entry.get("id") not in only:
                entry["enabled"] = False
    dest.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Generated by utlys for the snapshot server at {base_url}; do not edit.\n"
    dest.write_text(header + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return dest


def write_schedule_sources(base_url: str, sources_path: Path | None, dest: Path) -> Path:
    """The sources file of `utlys schedule --snapshot`: aimed at the snapshot server, except
    sources that already point at this machine (a test or a check may aim one at a dead port
    on purpose)."""
    raw = snapshot_sources(base_url, sources_path)
    original = read_yaml(Path(sources_path or default_file("sources.yaml")))
    local = {
        entry["id"]: entry
        for entry in original["sources"]
        if any(urlsplit(url).hostname in LOCAL_HOSTS for url in entry.get("start_urls") or [])
    }
    raw["sources"] = [local.get(entry["id"], entry) for entry in raw["sources"]]
    header = f"# Generated by `utlys schedule --snapshot` for {base_url}; do not edit.\n"
    dest.write_text(header + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    return dest
