"""How a need's title is read: the part before a dash is the need, the rest says how it is to be
met ("Långtidsarbetslösa – peer support och nya metoder"); a call about the need's people fits
it without naming the method."""

from __future__ import annotations

import pytest

from crawler.config.needs import load_needs
from crawler.match.score import match_calls


@pytest.fixture
def inventory(tmp_path):
    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities: [{name: Växjö, county: Kronoberg, needs: [peer, valfard]}]\n"
        "needs:\n"
        "  - {id: peer, title: Långtidsarbetslösa – peer support och nya metoder,\n"
        "     description: ''}\n"
        "  - {id: valfard, title: 'Kompetensutveckling i välfärden: språkstöd', description: ''}\n",
        encoding="utf-8",
    )
    return load_needs(path)


def _needs_met(call, inventory):
    return {n for m in match_calls([call], inventory) for n in m.need_ids}


def test_a_call_for_the_need_s_people_fits_without_the_method_after_the_dash(inventory, make_call):
    call = make_call("Vägar till arbete för långtidsarbetslösa", "Arbetsträning och vägledning.")
    assert "peer" in _needs_met(call, inventory)


def test_a_generic_method_after_the_dash_alone_is_not_the_need(inventory, make_call):
    call = make_call("Peer support för föräldrar", "Stödpersoner med egen erfarenhet.")
    assert "peer" not in _needs_met(call, inventory)


def test_the_welfare_services_are_care_and_the_head_s_themes_are_asked_for(inventory, make_call):
    staff = make_call("Kompetensutveckling för personal i välfärden", "Även timanställda.")
    assert "valfard" in _needs_met(staff, inventory)
    # the head joins competence and welfare: welfare technology without staff is not it
    tech = make_call("Välfärdsteknik i hemtjänsten", "Trygghetslarm och digitala tillsyn.")
    assert "valfard" not in _needs_met(tech, inventory)


def test_a_method_for_a_broad_group_takes_its_subject_from_the_description(one_need, make_call):
    inventory = one_need(
        "Förebyggande insatser för unga", "Innan skolfrånvaro, droger eller kriminalitet växer."
    )
    violence = make_call(
        "Våldsförebyggande arbete mot mäns våld mot kvinnor", "Fokus på unga och på våldsutövare."
    )
    assert match_calls([violence], inventory) == []
    crime = make_call("Brottsförebyggande insatser för unga", "Tidiga insatser mot kriminalitet.")
    assert [m.need_ids for m in match_calls([crime], inventory)] == [["a"]]


def test_a_need_for_two_telling_groups_is_not_met_by_a_call_for_one_of_them(one_need, make_call):
    inventory = one_need(
        "Utrikesfödda mammor långt från arbetsmarknaden", "Sfi, hälsa och praktik."
    )
    # women far from work, but not foreign-born ones
    everyone = make_call(
        "Kvinnor långt från arbetsmarknaden", "Hälsa och praktik för att komma i arbete."
    )
    assert match_calls([everyone], inventory) == []
    mothers = make_call(
        "Utrikesfödda kvinnor till arbete", "För kvinnor långt från arbetsmarknaden."
    )
    assert [m.need_ids for m in match_calls([mothers], inventory)] == [["a"]]


def test_a_dash_after_a_broad_group_joins_the_need_it_does_not_end_it(one_need, make_call):
    inventory = one_need("Unga – psykisk ohälsa")
    assert match_calls([make_call("Sommarjobb för unga", "Ungdomar 16–19 år.")], inventory) == []
    call = make_call("Psykisk ohälsa bland unga", "Samtalsstöd för ungdomar.")
    assert [m.need_ids for m in match_calls([call], inventory)] == [["a"]]


def test_a_call_about_one_of_the_title_s_alternatives_fits(one_need, make_call):
    inventory = one_need("Hemlöshet och utestängning från bostadsmarknaden")
    call = make_call("40 miljoner för att motverka hemlösheten", "Medel till kommunerna.")
    assert [m.need_ids for m in match_calls([call], inventory)] == [["a"]]
