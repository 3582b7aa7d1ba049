"""URLs and mail header values from untrusted pages: only absolute http(s) links survive, and a
header value is one line that cannot inject other headers.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from crawler.normalize.text import clean_text

# Browsers drop tabs and newlines anywhere in a URL and C0 controls and spaces at its ends.
_URL_JUNK = re.compile(r"[\x00-\x1f\x7f]")
_URL_EDGES = "".join(map(chr, range(0x21))) + "\x7f"
_HAS_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_URL_SAFE = "/%:@!$&'()*+,;=-._~?"


def safe_url(href: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL, or None for anything else.

    Scraped links are untrusted: browsers ignore tabs and newlines inside a URL and leading
    spaces, so ``" javascript:"`` and ``"java\\tscript:"`` run script while ``urljoin`` passes
    them through. The scheme is decided after removing those characters, and the URL is rebuilt
    from its parts (credentials dropped, unsafe characters percent-encoded), never returned raw.
    """
    if not href:
        return None
    href = _URL_JUNK.sub("", href.strip(_URL_EDGES))
    if not href:
        return None
    if base and not _HAS_SCHEME.match(href):
        href = urljoin(_URL_JUNK.sub("", base.strip(_URL_EDGES)), href)
    try:
        parts = urlsplit(href)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host:
        return None
    if not re.fullmatch(r"[\w.\-]+|[0-9a-f:.]+", host, re.IGNORECASE):
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit(
        (
            scheme,
            netloc,
            quote(parts.path or "/", safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            quote(parts.fragment, safe=_URL_SAFE),
        )
    )


_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[a-z]?\?[^?]*\?=", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


def header_safe(text: str | None) -> str:
    """A scraped string made safe for a mail header: one line, no encoded-words.

    On Python 3.11.7 a newline in a header value, or an RFC 2047 encoded newline, can inject
    headers (CVE-2024-6923); the email library encodes non-ASCII itself, so encoded-words in
    scraped text are never legitimate and are removed rather than decoded.
    """
    if not text:
        return ""
    # Invisible characters go first: "=\u00ad?" must not turn into "=?" after the check.
    text = clean_text(_CONTROL.sub(" ", text))
    previous = None
    while previous != text:
        previous, text = text, _ENCODED_WORD.sub(" ", text)
    # What is left of a broken or nested encoded-word must not start a new one.
    return " ".join(text.replace("=?", "= ?").split())
