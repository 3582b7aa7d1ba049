"""Loading config/needs.yaml: the issue's shape, the shipped default, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import ConfigError
from crawler.config.needs import load_needs

ISSUE_SHAPE = """\
municipalities:
  - name: Växjö
    county: Kronoberg
    needs: [langtidsarbetslosa, utrikesfodda-kvinnor]
needs:
  - id: langtidsarbetslosa
    title: Långtidsarbetslösa
    description: >-
      Insatser och metoder för långtidsarbetslösa, t.ex. peer support, så att fler kommer i arbete.
  - id: utrikesfodda-kvinnor
    title: Utrikesfödda kvinnor
    description: Kvinnor födda utomlands.
"""


def test_the_shape_in_the_issue_loads_as_is(tmp_path):
    path = tmp_path / "needs.yaml"
    path.write_text(ISSUE_SHAPE, encoding="utf-8")
    inventory = load_needs(path)
    vaxjo = inventory.municipality("VÄXJÖ")
    assert vaxjo.county == "Kronoberg"
    assert vaxjo.needs == ("langtidsarbetslosa", "utrikesfodda-kvinnor")
    assert inventory.need("langtidsarbetslosa").description.startswith("Insatser och metoder")
    assert inventory.coordinator is None and inventory.newsletter == ()


def test_shipped_default_has_the_eight_municipalities_of_kronoberg_with_every_need():
    inventory = load_needs()
    names = {m.name for m in inventory.municipalities}
    assert names == {
        "Alvesta", "Lessebo", "Ljungby", "Markaryd", "Tingsryd", "Uppvidinge", "Växjö", "Älmhult"
    }  # fmt: skip
    every = {n.id for n in inventory.needs}
    assert len(every) >= 10
    assert all(set(m.needs) == every and m.county == "Kronoberg" for m in inventory.municipalities)
    assert all(
        s.email.endswith(".example.se") for m in inventory.municipalities for s in m.subscribers
    )
    assert inventory.coordinator and inventory.coordinator.email.endswith(".example.se")
    assert "Projektenhet Kronoberg" in inventory.coordinator.organisation
    members = {m.name for m in inventory.municipalities if "sf-varend" in m.samordningsforbund}
    assert members == {"Växjö", "Alvesta", "Lessebo", "Tingsryd", "Uppvidinge"}


def test_county_may_be_written_as_lan_or_left_out_for_a_known_municipality(tmp_path):
    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities:\n"
        "  - {name: Ljungby, county: Kronobergs län, needs: [a]}\n"
        "  - {name: Älmhult, needs: [a]}\n"
        "needs: [{id: a, title: A}]\n",
        encoding="utf-8",
    )
    assert {m.county for m in load_needs(path).municipalities} == {"Kronoberg"}


BASE_MUNICIPALITY = "  - {name: Växjö, county: Kronoberg, needs: [a]}\n"
BASE_NEED = "  - {id: a, title: Arbete, description: x}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "municipalities:\n" + BASE_MUNICIPALITY + "needs:\n" + BASE_NEED + "extra: 1\n",
            "unknown top-level key 'extra'",
        ),
        ("municipalities:\n" + BASE_MUNICIPALITY, "top-level key 'needs': missing or not a list"),
        (
            "municipalities:\n" + BASE_MUNICIPALITY + "needs:\n  - {id: a, description: x}\n",
            "need a: field 'title': missing",
        ),
        (
            "municipalities:\n" + BASE_MUNICIPALITY + "needs:\n" + BASE_NEED + BASE_NEED,
            "need a: field 'id': duplicate id",
        ),
        (
            "municipalities:\n"
            + BASE_MUNICIPALITY
            + "needs:\n  - {id: a, title: A, colour: red}\n",
            "need a: field 'colour': unknown field",
        ),
        (
            "municipalities:\n  - {name: Växjö, county: Kronoberg, needs: [a, b]}\nneeds:\n"
            + BASE_NEED,
            "municipality Växjö: field 'needs': unknown need id 'b'",
        ),
        (
            "municipalities:\n  - {name: Växjö, county: Kronoberg}\nneeds:\n" + BASE_NEED,
            "municipality Växjö: field 'needs': missing",
        ),
        (
            "municipalities:\n  - {name: Gnarp, needs: [a]}\nneeds:\n" + BASE_NEED,
            "municipality Gnarp: field 'county': missing",
        ),
        (
            "municipalities:\n  - {name: Växjö, county: Kronoberg, needs: [a],"
            " subscribers: [{email: not-an-address}]}\nneeds:\n" + BASE_NEED,
            "municipality Växjö: field 'subscribers' #1: bad email 'not-an-address'",
        ),
        (
            "municipalities:\n" + BASE_MUNICIPALITY + "needs:\n  - {id: a, title: A, weight: -1}\n",
            "need a: field 'weight': must be a number above 0",
        ),
        (
            "coordinator: {name: X, organisation: Y, email: x@}\nmunicipalities:\n"
            + BASE_MUNICIPALITY
            + "needs:\n"
            + BASE_NEED,
            "coordinator: field 'email': bad email 'x@'",
        ),
        (
            "newsletter: [{email: a@b.example.se, nme: A}]\nmunicipalities:\n"
            + BASE_MUNICIPALITY
            + "needs:\n"
            + BASE_NEED,
            "field 'newsletter' #1: unknown field 'nme'",
        ),
        ("municipalities: [\n", "line"),
    ],
)
def test_mistake_is_one_line_naming_file_entry_and_field(tmp_path: Path, text, message):
    path = tmp_path / "needs.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_needs(path)
    line = str(error.value)
    assert "\n" not in line
    assert line.startswith(str(path))
    assert message in line


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_needs(tmp_path / "nope.yaml")


def test_unknown_municipality_lookup_is_a_config_error():
    with pytest.raises(ConfigError, match="no municipality named 'Gnarp'"):
        load_needs().municipality("Gnarp")


def test_keywords_and_exclusions_are_read_as_synonyms_and_exclude(tmp_path):
    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities: [{name: Växjö, county: Kronoberg, needs: [a]}]\n"
        "needs: [{id: a, title: A, synonyms: [x], keywords: [y, x], exclusions: [z]}]\n",
        encoding="utf-8",
    )
    need = load_needs(path).need("a")
    assert (need.synonyms, need.exclude) == (("x", "y"), ("z",))


@pytest.mark.parametrize(
    ("municipality", "message"),
    [
        (
            "  - {name: Växjö, county: Narnia, needs: [a]}\n",
            "municipality Växjö: field 'county': unknown county 'Narnia'",
        ),
        (
            "  - {name: Växjö, county: Skåne, needs: [a]}\n",
            "municipality Växjö: field 'county': Växjö lies in Kronoberg, not Skåne",
        ),
    ],
)
def test_an_unknown_county_or_a_municipality_under_the_wrong_county_is_refused(
    tmp_path, municipality, message
):
    path = tmp_path / "needs.yaml"
    path.write_text(f"municipalities:\n{municipality}needs:\n{BASE_NEED}", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_needs(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_a_municipality_outside_the_known_list_keeps_the_county_it_names(tmp_path):
    path = tmp_path / "needs.yaml"
    path.write_text(
        f"municipalities:\n  - {{name: Kiruna, county: Norrbottens län, needs: [a]}}\n"
        f"needs:\n{BASE_NEED}",
        encoding="utf-8",
    )
    assert load_needs(path).municipalities[0].county == "Norrbotten"


def test_a_samordningsforbund_id_that_is_no_source_is_refused(tmp_path):
    from crawler.config import load_sources
    from crawler.config.needs import check_against_sources

    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities:\n"
        "  - {name: Växjö, needs: [a], samordningsforbund: [sf-varend, sf-nosuch]}\n"
        f"needs:\n{BASE_NEED}",
        encoding="utf-8",
    )
    inventory = load_needs(path)
    sources = load_sources()
    with pytest.raises(ConfigError) as info:
        check_against_sources(inventory, sources)
    assert str(info.value) == (
        f"{path}: municipality Växjö: field 'samordningsforbund': 'sf-nosuch' is not a source id"
        f" in {sources.path}"
    )
    ok = path.read_text(encoding="utf-8").replace(", sf-nosuch", "")
    path.write_text(ok, encoding="utf-8")
    check_against_sources(load_needs(path), load_sources())  # no error
