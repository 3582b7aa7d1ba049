"""A crawl tells of each source as it finishes, with a running count, not all at the end.

Real crawls against a server on 127.0.0.1 where one source's listing is slow: it answers only
when told to (or after a while), so the order of finishing differs from the config order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from click.testing import CliRunner

from crawler.cli import cli
from crawler.crawl.report import SourceReport
from crawler.crawl.runner import run_crawl
from tests.crawl.conftest import write_sources

LISTING = (
    '<html><body><main><ul><li><a href="/{name}/a/">Utlysning {name}</a></li></ul>'
    "</main></body></html>"
)
CALL_PAGE = (
    "<html><body><main><h1>Utlysning {name}</h1><p>Sista ansökningsdag: 30 november 2026.</p>"
    "</main></body></html>"
)


@contextmanager
def slow_and_fast_site(hold_seconds: float) -> Iterator[tuple[int, threading.Event, list[bool]]]:
    """/slow/ waits until the event is set (at most ``hold_seconds``) and notes whether it was
    set or the wait ran out; /fast/ answers at once."""
    release = threading.Event()
    released: list[bool] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            name = self.path.strip("/").split("/")[0]
            if name not in ("slow", "fast"):
                self.send_error(404)
                return
            if self.path == "/slow/":
                released.append(release.wait(hold_seconds))
            page = LISTING if self.path.count("/") == 2 else CALL_PAGE
            body = page.format(name=name).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], release, released
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def sources_file(tmp_path, port: int):
    entries = [
        {
            "id": name,
            "funder": "Kommunförbundet",
            "spider": "listing",
            "start_urls": [f"http://127.0.0.1:{port}/{name}/"],
            "options": {"item": "li", "title": "a::text", "link": "a::attr(href)", "follow": True},
        }
        for name in ("slow", "fast")  # the slow one first in the config
    ]
    return write_sources(tmp_path / "s.yaml", entries)


def test_each_report_is_handed_over_while_the_other_sources_still_crawl(tmp_path):
    heard: list[SourceReport] = []
    with slow_and_fast_site(hold_seconds=30) as (port, release, released):

        def on_report(report: SourceReport) -> None:
            heard.append(report)
            release.set()  # the slow listing answers only once the fast source was reported

        reports = run_crawl(
            tmp_path / "utlys.db",
            sources_file(tmp_path, port),
            today="2026-11-02",
            on_report=on_report,
            timeout=90,
        )
    assert [r.source for r in heard] == ["fast", "slow"]
    assert [r.source for r in reports] == ["slow", "fast"]  # the result stays in config order
    # Had the reports come only at the end, the slow listing's wait would have run out instead.
    assert released == [True]
    assert heard[1].status == "ok" and heard[1].items == 1
    assert heard[0].finished <= heard[1].finished


def test_crawl_prints_a_counted_line_per_source_in_order_of_finishing_then_the_table(tmp_path):
    with slow_and_fast_site(hold_seconds=2) as (port, _, _released):
        sources = sources_file(tmp_path, port)
        result = CliRunner().invoke(
            cli,
            ["crawl", "--db", str(tmp_path / "u.db"), "--sources", str(sources),
             "--today", "2026-11-02"],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "[1/2] fast  ok  1 calls (1 new, 0 changed, 0 gone)",
        "[2/2] slow  ok  1 calls (1 new, 0 changed, 0 gone)",
    ]
    table = result.stdout.strip().splitlines()
    assert table[0].startswith("SOURCE")
    assert [line.split()[0] for line in table[1:]] == ["slow", "fast"]
