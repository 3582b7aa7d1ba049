"""The label/value extractor must find the same fact in any markup a funder may use."""

import pytest
from parsel import Selector

from spiders._labels import label_values, sections, table_records
from spiders._page import element_text, text_lines

LABELS = ["Slutdatum", "Region", "Sammanfattning", "Vem kan söka?"]


def root(html: str):
    return Selector(text=f"<html><body>{html}</body></html>").root


@pytest.mark.parametrize(
    "html",
    [
        "<dl><dt>Slutdatum</dt><dd>2026-03-01</dd><dt>Region</dt><dd>Kronoberg</dd></dl>",
        "<table><tr><th>Slutdatum</th><td>2026-03-01</td></tr>"
        "<tr><th>Region</th><td>Kronoberg</td></tr></table>",
        "<table><tr><td>Slutdatum:</td><td>2026-03-01</td></tr>"
        "<tr><td>Region:</td><td><b>Kronoberg</b></td></tr></table>",
        "<p><strong>Slutdatum:</strong> 2026-03-01</p><p><strong>Region:</strong> Kronoberg</p>",
        "<p><b>Slutdatum</b> 2026-03-01</p><p><span>Region</span> Kronoberg</p>",
        "<div>Slutdatum: 2026-03-01<br>Region: Kronoberg</div>",
        "<ul><li>Slutdatum 2026-03-01</li><li>Region: Kronoberg</li></ul>",
        "<div class='row'><div>Slutdatum</div><div>2026-03-01</div></div>"
        "<div class='row'><div>Region</div><div>Kronoberg</div></div>",
        "<h3>Slutdatum</h3><p>2026-03-01</p><h3>Region</h3><p>Kronoberg</p>",
    ],
    ids=["dl", "th-td", "td-td", "strong-colon", "bold-no-colon", "br-lines", "list", "divs", "h3"],
)
def test_label_value_found_in_any_markup(html):
    assert label_values(root(html), LABELS) == {"Slutdatum": "2026-03-01", "Region": "Kronoberg"}


def test_heading_takes_every_block_up_to_the_next_heading():
    html = (
        "<div><h2>Vem kan söka?</h2></div><p>Kommuner.</p><p>Regioner.</p>"
        "<h2>Annat</h2><p>Inte detta.</p>"
    )
    assert label_values(root(html), LABELS) == {"Vem kan söka?": "Kommuner. Regioner."}


def test_bold_paragraph_acts_as_a_heading():
    html = "<p><strong>Sammanfattning</strong></p><p>Ett.</p><p>Två.</p><p><b>Nästa</b></p><p>X</p>"
    assert label_values(root(html), LABELS)["Sammanfattning"] == "Ett. Två."


def test_dd_with_several_paragraphs_is_one_value():
    html = "<dl><dt>Sammanfattning</dt><dd><p>Ett.</p><p>Två.</p></dd><dt>X</dt><dd>Y</dd></dl>"
    assert label_values(root(html), LABELS)["Sammanfattning"] == "Ett. Två."


def test_prose_that_starts_with_a_label_word_is_not_a_value():
    html = "<p>Region Kronoberg har beslutat att öppna en utlysning för alla kommuner i länet.</p>"
    assert label_values(root(html), LABELS) == {}


def test_aliases_map_to_one_name():
    html = "<p>Sista ansökningsdag: 30 november 2026</p>"
    found = label_values(root(html), {"deadline": ["Slutdatum", "Sista ansökningsdag"]})
    assert found == {"deadline": "30 november 2026"}


def test_menus_and_page_footer_are_not_read():
    html = (
        "<nav><p>Region: Stockholm</p></nav><footer><p>Slutdatum: 1999-01-01</p></footer>"
        "<main><p>Region: Kronoberg</p></main>"
    )
    assert label_values(root(html), LABELS) == {"Region": "Kronoberg"}


def test_table_with_labels_in_the_header_row_gives_one_record_per_row():
    html = (
        "<table><tr><th>Utlysning</th><th>Öppnar</th><th>Stänger</th></tr>"
        "<tr><td>A</td><td>1 mars 2027</td><td>Ej bestämt</td></tr>"
        "<tr><td>B</td><td>Maj 2027</td><td>1 juni 2027</td></tr></table>"
    )
    table = root(html).find(".//table")
    records = table_records(table, ["Utlysning", "Öppnar", "Stänger"])
    assert [(r["Utlysning"], r["Öppnar"], r["Stänger"]) for r in records] == [
        ("A", "1 mars 2027", "Ej bestämt"),
        ("B", "Maj 2027", "1 juni 2027"),
    ]


def test_table_with_labels_in_the_first_column_gives_one_record_per_column():
    html = (
        "<table><tr><th></th><th>A</th><th>B</th></tr>"
        "<tr><th>Öppnar</th><td>1 mars 2027</td><td>Maj 2027</td></tr>"
        "<tr><th>Stänger</th><td>2 april 2027</td><td>1 juni 2027</td></tr></table>"
    )
    table = root(html).find(".//table")
    records = table_records(table, ["Öppnar", "Stänger"])
    assert [(r["_first"], r["Öppnar"], r["Stänger"]) for r in records] == [
        ("A", "1 mars 2027", "2 april 2027"),
        ("B", "Maj 2027", "1 juni 2027"),
    ]


def test_script_bodies_are_not_text():
    el = root("<h1>Titel <script>alert(1)</script><style>h1{}</style>&lt;b&gt;</h1>")
    assert element_text(el) == "Titel <b>"
    assert [line.text for line in text_lines(el)] == ["Titel <b>"]


def test_text_lines_split_blocks_and_br():
    lines = text_lines(root("<div>Ett<br>Två<p>Tre <em>fyra</em></p></div><ul><li>Fem</li></ul>"))
    assert [(line.text, line.tag) for line in lines] == [
        ("Ett", "div"), ("Två", "div"), ("Tre fyra", "p"), ("Fem", "li"),
    ]  # fmt: skip


def test_sections_split_at_headings():
    html = "<h2>A</h2><p>a1</p><h3>A.1</h3><p>a2</p><h2>B</h2><p>b</p>"
    found = {s.title: element_text(s.as_element()) for s in sections(root(html))}
    assert found == {"A": "a1 A.1 a2", "A.1": "a2", "B": "b"}


def test_labels_in_a_header_row_take_the_cell_below():
    html = (
        "<table><thead><tr><th>Region</th><th>Slutdatum</th></tr></thead>"
        "<tbody><tr><td>Kronoberg</td><td>2026-03-01</td></tr></tbody></table>"
    )
    assert label_values(root(html), LABELS) == {"Region": "Kronoberg", "Slutdatum": "2026-03-01"}
