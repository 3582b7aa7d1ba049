"""Reading labelled values, tables and sections from a page, whatever its markup.

Funders show the same facts ("Slutdatum", "Vem kan söka?") in ever new markup: a ``<dl>``, a
table, ``<p><strong>Slutdatum:</strong> 2026-03-01</p>``, plain "Label: value" lines, or a heading
followed by paragraphs. Spiders therefore look for the visible Swedish label and take the value
next to it; class names are never consulted. Everything works on lxml elements and returns text
cleaned by ``clean_text``; the page's visible text and lines come from spiders/_page.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from crawler.normalize import clean_text
from spiders._page import (
    BLOCK,
    HEADINGS,
    INVISIBLE,
    Line,
    element_text,
    is_boilerplate,
    is_chrome_text,
    tag_of,
    text_lines,
)

INLINE_LABELS = frozenset({"strong", "b", "em", "span", "label", "dfn", "i", "small"})
BOLD = frozenset({"strong", "b"})


# --------------------------------------------------------------------------------------------
# Label -> value
# --------------------------------------------------------------------------------------------


def label_key(text: str) -> str:
    """How a label is compared: case, spacing and a trailing ':' or '?' do not matter."""
    return clean_text(text).casefold().rstrip(" :：?").strip()


def _aliases(labels: Mapping[str, Sequence[str]] | Iterable[str]) -> dict[str, str]:
    """Map each alias' key to the caller's name for it."""
    if isinstance(labels, Mapping):
        pairs = [(alias, name) for name, aliases in labels.items() for alias in (name, *aliases)]
    else:
        pairs = [(name, name) for name in labels]
    return {label_key(alias): name for alias, name in pairs}


def is_heading_like(el: etree._Element) -> bool:
    """A real heading, or a block whose whole text is bold (a heading in all but name)."""
    tag = tag_of(el)
    if tag in HEADINGS or (el.get("role") or "").lower() == "heading":
        return True
    if tag not in ("p", "div", "dt", "header", "span"):
        return False
    children = [c for c in el if tag_of(c)]
    own = clean_text((el.text or "") + "".join(c.tail or "" for c in children))
    if own or not children:
        return False
    if len(children) == 1 and tag_of(children[0]) not in BOLD:
        return is_heading_like(children[0])  # a wrapper around a heading
    return all(tag_of(c) in BOLD for c in children)


def _contains_heading(el: etree._Element) -> bool:
    return any(is_heading_like(d) for d in el.iter() if tag_of(d))


def _section_after(el: etree._Element) -> str:
    """Text of the blocks after a heading, up to the next heading; climbs out of wrappers
    (``<div><h2>Vem kan söka?</h2></div><p>...``)."""
    node = el
    for _ in range(4):
        texts = []
        for sib in node.itersiblings():
            if not tag_of(sib):
                continue
            if is_heading_like(sib) or _contains_heading(sib):
                break
            if not is_chrome_text(text := element_text(sib)):
                texts.append(text)
        if node.tail and node.tail.strip():
            texts.insert(0, node.tail)
        text = clean_text(" ".join(texts))
        if text:
            return text
        node = node.getparent()
        if node is None or tag_of(node) in ("body", "main", "article"):
            break
    return ""


def _next_block(el: etree._Element) -> str:
    """Text of the element right after a label element (climbing out of wrappers)."""
    node = el
    for _ in range(3):
        if node.tail and node.tail.strip():
            return clean_text(node.tail)
        for sib in node.itersiblings():
            if tag_of(sib):
                return element_text(sib)
        node = node.getparent()
        if node is None or tag_of(node) in ("body", "main", "article"):
            break
    return ""


def _inline_run(el: etree._Element) -> str:
    """The text right after an inline label, up to a <br>, a block or the next label of the
    same kind."""
    parts = [el.tail or ""]
    for sib in el.itersiblings():
        if tag_of(sib) in ("br", tag_of(el)) or tag_of(sib) in BLOCK:
            break
        parts += [element_text(sib), sib.tail or ""]
    return clean_text(" ".join(parts)).lstrip(" :：-–").strip()


def _value_after(el: etree._Element, label_text: str) -> str:
    tag = tag_of(el)
    if tag == "dt":
        values = []
        for sib in el.itersiblings():
            if tag_of(sib) == "dd":
                values.append(element_text(sib))
            elif tag_of(sib):
                if values:
                    break
                if tag_of(sib) == "dt":
                    return ""
        return clean_text(" ".join(values))
    if tag in ("th", "td"):
        for sib in el.itersiblings():
            if tag_of(sib) in ("td", "th"):
                return element_text(sib)
        return ""
    if tag in INLINE_LABELS or tag == "a":
        parent = el.getparent()
        if parent is None:
            return ""
        run = _inline_run(el)
        if run:  # "<b>Öppnar:</b> 1 mars<br><b>Stänger:</b> 30 april": up to the next label
            return run
        whole = element_text(parent)
        key = clean_text(label_text)
        if whole.casefold().startswith(key.casefold()):
            rest = whole[len(key) :].lstrip(" :：-–").strip()
            if rest:
                return rest
        if tag_of(parent) in INLINE_LABELS:
            return _value_after(parent, label_text)
        return _section_after(parent) if is_heading_like(parent) else _next_block(parent)
    if is_heading_like(el):
        return _section_after(el)
    return _next_block(el)


def _column_value(cell: etree._Element) -> str:
    """The cell below a header cell (same column, next row with cells)."""
    row = cell.getparent()
    if row is None or tag_of(row) != "tr":
        return ""
    index = _cells(row).index(cell)
    for below in row.itersiblings("tr"):
        cells = _cells(below)
        if cells:
            return element_text(cells[index]) if index < len(cells) else ""
    body = row.getparent()  # a <thead> row: the first row of the next <tbody>
    if body is not None and tag_of(body) == "thead":
        for section in body.itersiblings():
            rows = [r for r in section.iter("tr") if _cells(r)]
            if rows:
                cells = _cells(rows[0])
                return element_text(cells[index]) if index < len(cells) else ""
    return ""


def label_values(
    root: etree._Element, labels: Mapping[str, Sequence[str]] | Iterable[str]
) -> dict[str, str]:
    """The value shown next to each label, for the labels found on the page.

    ``labels`` is a list of label texts, or a mapping from a name to alternative texts
    (``{"deadline": ["Slutdatum", "Sista ansökningsdag"]}``); the result is keyed by name.
    The first occurrence in document order wins; page furniture is ignored.
    """
    wanted = _aliases(labels)
    found: dict[str, str] = {}

    def walk(node: etree._Element) -> None:
        tag = tag_of(node)
        if not tag or tag in INVISIBLE or is_boilerplate(node):
            return
        text = element_text(node)
        if len(text) <= 80:
            name = wanted.get(label_key(text))
            if name and name not in found:
                value = _value_after(node, text)
                if (not value or label_key(value) in wanted) and tag in ("th", "td"):
                    value = _column_value(node)  # labels in a header row, values below
                if value and label_key(value) not in wanted:
                    found[name] = value
                    return
        for child in node:
            walk(child)

    walk(root)
    if len(found) < len(set(wanted.values())):
        _label_lines(text_lines(root), wanted, found)
    return found


def _label_lines(lines: list[Line], wanted: dict[str, str], found: dict[str, str]) -> None:
    """The "Label: value" form inside running text or list items."""
    alternatives = "|".join(re.escape(k) for k in sorted(wanted, key=len, reverse=True))
    pattern = re.compile(rf"^\s*({alternatives})\s*[:：]\s*(.+)$", re.IGNORECASE)
    # "Slutdatum 2026-03-01" without a colon: only a short line, or a value starting with a
    # digit, so that prose such as "Region Kronoberg har beslutat ..." is not read as a label.
    loose = re.compile(rf"^\s*({alternatives})\s+(\S.*)$", re.IGNORECASE)
    for line in lines:
        m = pattern.match(line.text) or loose.match(line.text)
        if m and (m.re is pattern or len(line.text) <= 60 or m[2][0].isdigit()):
            name = wanted[label_key(m[1])]
            found.setdefault(name, clean_text(m[2]))


def line_values(
    lines: Sequence[str], labels: Mapping[str, Sequence[str]] | Iterable[str]
) -> dict[str, str]:
    """Label values from a run of lines: a label alone on its line takes the next line (what
    a ``<dt>``/``<dd>`` pair or a ``<th>``/``<td>`` row becomes as lines), else "Label: value".
    For records that stand one after another with no element of their own."""
    wanted = _aliases(labels)
    found: dict[str, str] = {}
    for i, text in enumerate(lines):
        name = wanted.get(label_key(text))
        if name and i + 1 < len(lines) and label_key(lines[i + 1]) not in wanted:
            found.setdefault(name, clean_text(lines[i + 1]))
    _label_lines([Line(t, "p") for t in lines], wanted, found)
    return found


def heading_blocks(root: etree._Element) -> list[tuple[str, str]]:
    """(heading, the text under it up to the next heading) for every heading, real or bold."""
    return [
        (element_text(el), _section_after(el))
        for el in root.iter()
        if tag_of(el)
        and is_heading_like(el)
        and not any(is_boilerplate(a) for a in (el, *el.iterancestors()))
    ]


def heading_texts(root: etree._Element) -> set[str]:
    """The texts of the page's headings, real ones and blocks that are bold all through
    (``<p class="h2"><strong>…</strong></p>``), so that line readers can tell them."""
    return {
        element_text(el)
        for el in root.iter()
        if tag_of(el)
        and is_heading_like(el)
        and not any(is_boilerplate(a) for a in (el, *el.iterancestors()))
    }


# --------------------------------------------------------------------------------------------
# Tables and sections of repeated records
# --------------------------------------------------------------------------------------------


def _cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row if tag_of(c) in ("td", "th")]


def _rows(table: etree._Element) -> list[etree._Element]:
    return [r for r in table.iter("tr") if next(r.iterancestors("table"), None) is table]


def table_records(
    table: etree._Element, labels: Mapping[str, Sequence[str]] | Iterable[str]
) -> list[dict[str, str]]:
    """One record per data row (labels in the header row) or per data column (labels in the
    first column), keyed by label name; a record also gets ``"_first"``, the text of its first
    cell, which is usually the call's name, and ``"_row"``, the element it came from."""
    wanted = _aliases(labels)
    rows = [_cells(r) for r in _rows(table)]
    rows = [r for r in rows if r]
    if not rows:
        return []
    header = [wanted.get(label_key(element_text(c))) for c in rows[0]]
    column = [wanted.get(label_key(element_text(r[0]))) for r in rows]
    records: list[dict] = []
    if sum(map(bool, header)) >= sum(map(bool, column)) and any(header):
        for row in rows[1:]:
            record = {"_first": element_text(row[0]), "_row": row[0].getparent()}
            for name, cell in zip(header, row, strict=False):
                if name:
                    record[name] = element_text(cell)
            records.append(record)
    elif any(column):
        width = max(len(r) for r in rows)
        for index in range(1, width):
            first = element_text(rows[0][index]) if index < len(rows[0]) else ""
            record = {"_first": first, "_row": rows[0][index] if index < len(rows[0]) else None}
            for name, row in zip(column, rows, strict=False):
                if name and index < len(row):
                    record[name] = element_text(row[index])
            records.append(record)
    return [r for r in records if any(k for k in r if not k.startswith("_") and r[k])]


@dataclass
class Section:
    """A heading and the elements after it, up to the next heading of the same or higher rank."""

    heading: etree._Element
    elements: list[etree._Element]

    @property
    def title(self) -> str:
        return element_text(self.heading)

    def as_element(self) -> etree._Element:
        """The section's elements under one new ``<div>``, for ``label_values`` and friends."""
        from copy import deepcopy

        div = etree.Element("div")
        for el in self.elements:
            copy = deepcopy(el)
            copy.tail = None
            div.append(copy)
        return div


def sections(root: etree._Element, tags: Iterable[str] = ("h2", "h3")) -> Iterator[Section]:
    """Split the content at headings of the given tags (document order, any nesting depth)."""
    tags = frozenset(tags)
    for heading in root.iter(*tags):
        if any(is_boilerplate(a) for a in heading.iterancestors()):
            continue
        rank = tag_of(heading)
        elements: list[etree._Element] = []
        node = heading
        while not elements and node is not None and tag_of(node) not in ("body", "main"):
            for sib in node.itersiblings():
                if not tag_of(sib):
                    continue
                sib_tag = tag_of(sib)
                if (sib_tag in HEADINGS and sib_tag <= rank) or any(
                    tag_of(d) in tags and tag_of(d) <= rank for d in sib.iter() if tag_of(d)
                ):
                    break
                elements.append(sib)
            if not elements:
                node = node.getparent()
        yield Section(heading, elements)
