"""`utlys sources check`: does each enabled source's first URL answer? A quick look with the
crawler's user agent before a real crawl, not a crawl: one request per source, no robots.txt,
no cache, no retries."""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from crawler.config import Source

WORKERS = 8  # sources asked at once; each asks a different host


def probe(source: Source, agent: str, timeout: float) -> str:
    """``answered HTTP 200`` or ``error: <reason>`` for the source's first URL."""
    request = urllib.request.Request(source.start_urls[0], headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only: validated)
            return f"answered HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"error: HTTP {exc.code}"
    except urllib.error.URLError as exc:
        return f"error: {exc.reason}"
    except (TimeoutError, OSError) as exc:
        return f"error: {exc or type(exc).__name__}"


def probe_all(sources: list[Source], agent: str, timeout: float) -> list[str]:
    """`probe` of every source, asked in parallel; the answers in the order of `sources`."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(partial(probe, agent=agent, timeout=timeout), sources))
