"""The snapshot server: layered months, validators and 304s, content types, and the failure modes
the crawl tests rely on, all over a real socket on 127.0.0.1."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

import pytest

from crawler.config import load_sources
from crawler.dev.snapserver import load_manifest, serve_directory, write_snapshot_sources


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def raw_get(port: int, path: str, timeout: float = 5) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_a_page_carries_strong_etag_last_modified_and_no_cache(snapshot_server):
    status, headers, body = fetch(snapshot_server.url("/esf/utlysningar/"))
    assert status == 200
    assert headers["ETag"].startswith('"') and not headers["ETag"].startswith("W/")
    assert headers["Last-Modified"] == "Thu, 15 Oct 2026 00:00:00 GMT"  # month 1's day
    assert headers["Cache-Control"] == "no-cache"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Vägar till arbete".encode() in body


def test_matching_if_none_match_gets_304_and_another_etag_gets_the_page(snapshot_server):
    url = snapshot_server.url("/esf/utlysningar/")
    etag = fetch(url)[1]["ETag"]
    status, _, body = fetch(url, {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200


def test_if_modified_since_is_used_only_without_if_none_match(snapshot_server):
    url = snapshot_server.url("/esf/utlysningar/")
    later = "Fri, 16 Oct 2026 00:00:00 GMT"
    assert fetch(url, {"If-Modified-Since": later})[0] == 304
    assert fetch(url, {"If-Modified-Since": later, "If-None-Match": '"other"'})[0] == 200


def test_switching_month_serves_changed_files_and_hides_deleted_ones(snapshot_server):
    changed = "/esf/utlysningar/vagar-till-arbete-med-stod-av-peer-support/"
    deleted = "/esf/utlysningar/livslangt-larande-i-sma-och-medelstora-foretag/"
    before = fetch(snapshot_server.url(changed))
    assert fetch(snapshot_server.url(deleted))[0] == 200
    port = snapshot_server.server_address[1]
    snapshot_server.set_month("month2")
    after = fetch(snapshot_server.url(changed))
    assert snapshot_server.server_address[1] == port  # same URLs, so the HTTP cache still fits
    assert after[0] == 200 and after[1]["ETag"] != before[1]["ETag"]
    assert after[1]["Last-Modified"] == "Mon, 16 Nov 2026 00:00:00 GMT"
    assert fetch(snapshot_server.url(deleted))[0] == 404
    assert fetch(snapshot_server.url("/_deleted.txt"))[0] == 404
    # An unchanged page keeps its ETag, so a re-crawl revalidates it with a 304.
    same = "/esf/utlysningar/okad-kapacitet-i-den-glesa-geografin/"
    snapshot_server.set_month("month1")
    etag = fetch(snapshot_server.url(same))[1]["ETag"]
    snapshot_server.set_month("month2")
    assert fetch(snapshot_server.url(same), {"If-None-Match": etag})[0] == 304


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/esf-nyheter/feed/index.xml", "application/xml; charset=utf-8"),
        ("/esf/app/uploads/2026/06/utlysning-2026-00366.pdf", "application/pdf"),
        ("/tillvaxtverket/sokfinansiering/utlysningar.1139.html", "text/html; charset=utf-8"),
    ],
)
def test_content_type_follows_the_file(snapshot_server, path, expected):
    status, headers, body = fetch(snapshot_server.url(path))
    assert status == 200 and headers["Content-Type"] == expected
    if expected == "application/pdf":
        assert body.startswith(b"%PDF")


def test_a_folder_without_its_slash_redirects_like_a_web_server(snapshot_server):
    status, headers, _ = fetch(snapshot_server.url("/esf/utlysningar"))
    assert status == 200  # urllib followed the redirect
    assert ("GET", "/esf/utlysningar", 301) in snapshot_server.log


@pytest.mark.parametrize(
    "path", ["/esf/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/esf/..%2f..%2fREADME.md"]
)
def test_paths_outside_the_served_folder_are_not_found(snapshot_server, path):
    reply = raw_get(snapshot_server.server_address[1], path)
    assert reply.startswith(b"HTTP/1.1 404")
    assert b"root:" not in reply


def test_fault_500_answers_server_error(tmp_path):
    (tmp_path / "a.html").write_text("<p>a</p>", encoding="utf-8")
    with serve_directory(tmp_path) as server:
        server.add_fault("/a", "500")
        assert fetch(server.url("/a.html"))[0] == 500


def test_fault_garbage_sends_bytes_that_are_not_http(tmp_path):
    with serve_directory(tmp_path) as server:
        server.add_fault("/", "garbage")
        reply = raw_get(server.server_address[1], "/x.html")
    assert reply and not reply.startswith(b"HTTP/")


def test_fault_hang_keeps_the_connection_silent_until_the_client_gives_up(tmp_path):
    with serve_directory(tmp_path, hang_seconds=30) as server:
        server.add_fault("/slow/", "hang")
        with pytest.raises(TimeoutError):
            raw_get(server.server_address[1], "/slow/page.html", timeout=0.5)
    # Leaving the block stopped the server even with a handler still hanging.


def test_fault_empty_serves_a_page_without_content(tmp_path):
    (tmp_path / "list.html").write_text("<ul><li>x</li></ul>", encoding="utf-8")
    with serve_directory(tmp_path) as server:
        server.add_fault("/list.html", "empty")
        status, _, body = fetch(server.url("/list.html"))
    assert status == 200 and b"<li>" not in body


def test_an_unknown_fault_kind_is_refused(tmp_path):
    with serve_directory(tmp_path) as server, pytest.raises(ValueError, match="unknown fault"):
        server.add_fault("/", "explode")


def test_serve_directory_layers_the_first_folder_over_the_second(tmp_path):
    top, bottom = tmp_path / "top", tmp_path / "bottom"
    for folder, text in ((top, "top"), (bottom, "bottom")):
        (folder / "s").mkdir(parents=True)
        (folder / "s" / "index.html").write_text(text, encoding="utf-8")
    (bottom / "only.html").write_text("bottom only", encoding="utf-8")
    with serve_directory(top, bottom) as server:
        assert fetch(server.url("/s/"))[2] == b"top"
        assert fetch(server.url("/only.html"))[2] == b"bottom only"


def test_snapshot_sources_point_every_source_at_the_server(tmp_path):
    manifest = load_manifest()
    path = write_snapshot_sources("http://127.0.0.1:9", tmp_path / "sources.yaml")
    config = load_sources(path)
    assert {s.id for s in config.enabled()} == set(manifest.sources)
    for source in config.sources:
        for url in source.start_urls + source.news_urls:
            assert url.startswith("http://127.0.0.1:9/")


def test_every_start_path_of_the_manifest_exists_in_month1(snapshot_server):
    manifest = load_manifest()
    for source_id, paths in manifest.sources.items():
        for path in paths["start_paths"] + paths["news_paths"]:
            assert fetch(snapshot_server.url(path))[0] == 200, (source_id, path)


def test_manifest_months_are_ordered_days():
    months = load_manifest().months
    assert list(months) == ["month1", "month2"]
    assert months["month1"] < months["month2"]
