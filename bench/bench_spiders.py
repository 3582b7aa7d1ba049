"""How fast the spiders parse pages: every call page of the bundled snapshot (month 1), parsed
by its source's spider many times over, and the label extractor alone on one ESF page.

Politeness (one request per host per second) bounds a real crawl, so parsing only has to stay
far below that: this prints pages per second and milliseconds per page.
"""

from __future__ import annotations

import time

import yaml
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.config import REPO_ROOT, load_sources
from crawler.crawl.spider_loader import spider_class
from spiders._labels import label_values

SNAPSHOT = REPO_ROOT / "crawler" / "dev" / "snapshot" / "month1"
BASE = "http://127.0.0.1:8765"
ROUNDS = 20


def call_pages() -> list[tuple[object, HtmlResponse]]:
    """(spider, response) for every HTML page below each source's folder, listings included."""
    manifest = yaml.safe_load((SNAPSHOT.parent / "manifest.yaml").read_text(encoding="utf-8"))
    pages = []
    for source in load_sources().sources:
        if source.spider == "feed":
            continue
        entry = manifest["sources"][source.id]
        starts = {*entry["start_paths"], *(entry.get("news_paths") or ())}
        today = manifest["months"]["month1"]["today"]
        spider = spider_class(source.spider)(source=source, today=today)
        for file in sorted((SNAPSHOT / source.id).rglob("*.html")):
            path = "/" + str(file.relative_to(SNAPSHOT)).removesuffix("index.html")
            if path in starts:
                handler = (
                    "parse_news" if path in (entry.get("news_paths") or ()) else "parse_listing"
                )
            elif source.spider == "listing":
                continue  # item pages are read together with their listing item
            else:
                handler = "parse_news_item" if "nyhet" in path else "parse_call"
            url = BASE + path
            response = HtmlResponse(
                url, body=file.read_bytes(), encoding="utf-8", request=Request(url)
            )
            pages.append((getattr(spider, handler), response))
    return pages


def main() -> None:
    pages = call_pages()
    start = time.perf_counter()
    calls = 0
    for _ in range(ROUNDS):
        for parse, response in pages:
            calls += sum(1 for _ in parse(response) or ())
    elapsed = time.perf_counter() - start
    parsed = len(pages) * ROUNDS
    print(
        f"spiders: {parsed} pages in {elapsed:.2f} s: {parsed / elapsed:,.0f} pages/s, "
        f"{1000 * elapsed / parsed:.1f} ms/page ({calls // ROUNDS} calls+requests per round)"
    )

    page = SNAPSHOT / "esf/utlysningar/vagar-till-arbete-med-stod-av-peer-support/index.html"
    response = HtmlResponse(BASE + "/esf/", body=page.read_bytes(), encoding="utf-8")
    labels = ["Utlysning", "Programområde", "Region", "Startdatum", "Slutdatum", "Utlyst belopp"]
    start = time.perf_counter()
    for _ in range(500):
        label_values(response.selector.root, labels)
    elapsed = time.perf_counter() - start
    print(f"label_values: {1000 * elapsed / 500:.2f} ms per ESF page (6 labels)")


if __name__ == "__main__":
    main()
