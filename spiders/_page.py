"""The page as a reader sees it: its main content, its visible text, and its lines.

Funders' pages carry menus, site headers and footers, cookie dialogs and hidden script text
around the few lines that matter, and every spider must look past the same furniture. So this
is done once, on lxml elements (``response.selector.root`` or a parsel ``Selector.root``), by
tag and ARIA role only: class names differ from site to site and from one redesign to the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from scrapy.http import TextResponse

from crawler.normalize import clean_text

# Elements whose text a reader never sees.
INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "iframe", "button", "select"}
)
BLOCK = frozenset(
    "address article aside blockquote caption dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "tbody thead tfoot tr td th ul".split()
)
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Page furniture: menus, site header and footer, consent dialogs.
BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "dialog", "alertdialog"})
_CONTENT_ANCESTORS = frozenset({"article", "main", "section"})
# Site chrome that stands inside the content as plain text on real pages: skip links, the
# SiteVision feedback widget, no-script notes, and cookie notices the text cleaner does not
# know ("Socialstyrelsen använder kakor för att ..."). Matched on a whole line only.
_CHROME_LINE = re.compile(
    r"(?:hoppa till (?:huvud)?innehåll(?:et)?|till innehållet|"
    r"hjälpte informationen på sidan dig\??(?:\s*ja\s*nej)?|du har inte javascript påslaget\.?)",
    re.IGNORECASE,
)
_COOKIE_LINE = re.compile(r"\banvänder (?:kakor|cookies)\b", re.IGNORECASE)


def content_root(response: TextResponse) -> etree._Element:
    """The page's main content: ``<main>`` or ``role=main`` when present, else ``<body>``."""
    for xpath in ("//main", "//*[@role='main']", "//body"):
        found = response.xpath(xpath)
        if found:
            return found[0].root
    return response.selector.root


def tag_of(el: etree._Element) -> str:
    """Lower-case tag name; comments and processing instructions give ''."""
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def is_boilerplate(el: etree._Element) -> bool:
    """Menus, page header/footer and cookie dialogs, which must not feed labels or links.

    A ``<header>`` or ``<footer>`` inside an article belongs to the article (HTML5 allows it),
    so only page-level ones count.
    """
    tag = tag_of(el)
    if tag == "nav" or (el.get("role") or "").lower() in BOILERPLATE_ROLES:
        return True
    if tag in ("header", "footer"):
        return not any(tag_of(a) in _CONTENT_ANCESTORS for a in el.iterancestors())
    return False


def is_chrome_text(text: str) -> bool:
    """Whether a whole line or block is site chrome a reader skips, not the page's content."""
    text = clean_text(text)
    return bool(_CHROME_LINE.fullmatch(text)) or (
        len(text) <= 300 and bool(_COOKIE_LINE.search(text))
    )


def is_menu(el: etree._Element) -> bool:
    """A ``<nav>`` (or role=navigation): furniture on most pages, but on a listing it may be
    the list of the section's sub-pages."""
    return tag_of(el) == "nav" or (el.get("role") or "").lower() == "navigation"


def element_text(el: etree._Element, *, skip_boilerplate: bool = False) -> str:
    """The visible text of an element, blocks separated by spaces, script bodies left out."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = tag_of(node)
        if tag in INVISIBLE or (skip_boilerplate and is_boilerplate(node)):
            return
        if tag in BLOCK or tag == "br":
            parts.append(" ")
        if tag and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in BLOCK:
            parts.append(" ")

    walk(el)
    return clean_text("".join(parts))


@dataclass(frozen=True)
class Line:
    """One visual line of a page: the text of a block, or of a part of it split by <br>."""

    text: str
    tag: str  # innermost block element the line is in

    @property
    def is_heading(self) -> bool:
        return self.tag in HEADINGS


def text_lines(root: etree._Element, *, skip_boilerplate: bool = True) -> list[Line]:
    """The page as the lines a reader sees, in order; empty lines dropped."""
    lines: list[Line] = []
    parts: list[str] = []
    stack: list[str] = ["body"]

    def flush() -> None:
        text = clean_text("".join(parts))
        if text:
            lines.append(Line(text, stack[-1]))
        parts.clear()

    def walk(node: etree._Element) -> None:
        tag = tag_of(node)
        if tag in INVISIBLE or (skip_boilerplate and is_boilerplate(node)):
            return
        block = tag in BLOCK
        if block:
            flush()
            stack.append(tag)
        if tag and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if tag_of(child) == "br":
                flush()
            if child.tail:
                parts.append(child.tail)
        if block:
            flush()
            stack.pop()

    walk(root)
    flush()
    return lines
