"""Where the evidence comes from, on both sides: the parts of a need's title, and the people a
call's title names. Each case is a false or missed match of a kind that came back on calls the
matcher was not tuned on (issue #11); the call texts are written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config.needs import Inventory, load_needs
from crawler.match.concepts import load_lexicon
from crawler.match.profile import NeedReader
from crawler.match.score import match_calls

NEEDS = """
municipalities:
  - name: Tranås
    county: Jönköping
    needs: [fritid, personal-omsorg, psykisk-halsa-unga, arbete]
needs:
  - id: fritid
    title: Meningsfull fritid för barn och unga
    description: >-
      Barn med funktionsnedsättning och barn i familjer med låga inkomster deltar sällan i
      föreningslivet.
  - id: personal-omsorg
    title: Kompetensförsörjning i vård och omsorg
    description: Svårt att rekrytera.
  - id: psykisk-halsa-unga
    title: Barns och ungas psykiska hälsa
    description: Oro och nedstämdhet bland elever.
  - id: arbete
    title: Från försörjningsstöd till arbete
    description: Hushåll med ekonomiskt bistånd ska komma i jobb.
"""


@pytest.fixture
def needs(tmp_path: Path) -> Inventory:
    path = tmp_path / "needs.yaml"
    path.write_text(NEEDS, encoding="utf-8")
    return load_needs(path)


def _met(needs: Inventory, call) -> set[str]:
    return {n for m in match_calls([call], needs) for n in m.need_ids}


def test_a_call_for_children_about_something_else_does_not_meet_a_leisure_need(needs, make_call):
    # Before the theme rule, "barn och unga" alone carried the need "Meningsfull fritid".
    call = make_call(
        "Projektmedel för nya idéer",
        "Fonden ger pengar till ideella föreningar för nyskapande projekt.",
        target_groups=["Barn", "Ungdomar", "Personer med funktionsnedsättning"],
    )
    assert "fritid" not in _met(needs, call)


def test_holiday_activities_meet_a_leisure_need_without_the_word_fritid(needs, make_call):
    call = make_call(
        "Bidrag till avgiftsfria sommarlovsaktiviteter",
        "Kommunerna får medel för att erbjuda aktiviteter under loven.",
        target_groups=["Barn och unga 7–15 år"],
    )
    assert "fritid" in _met(needs, call)


def test_vard_och_omsorg_in_a_need_title_is_one_sector_not_two_alternatives():
    reader = NeedReader(load_lexicon())
    assert reader.alternatives("Kompetensförsörjning i vård och omsorg") == [
        "kompetensförsörjning i vård och omsorg"
    ]
    assert reader.alternatives("Missbruk, beroende och samsjuklighet") == [
        "missbruk",
        "beroende",
        "samsjuklighet",
    ]


def test_staffing_in_any_trade_does_not_meet_a_care_staffing_need(needs, make_call):
    call = make_call(
        "Fler i jobb i industrin",
        "Projekten ska lösa företagens kompetensförsörjning genom praktik och utbildning.",
    )
    assert "personal-omsorg" not in _met(needs, call)
    care = make_call(
        "Kompetensförsörjning inom äldreomsorgen",
        "Undersköterskor och vårdbiträden får utbilda sig på arbetstid.",
    )
    assert "personal-omsorg" in _met(needs, care)


def test_care_in_a_call_title_without_staffing_does_not_meet_a_care_staffing_need(needs, make_call):
    call = make_call("Bättre vård och omsorg om äldre med demens", "Nya arbetssätt i hemtjänsten.")
    assert "personal-omsorg" not in _met(needs, call)


def test_a_need_whose_title_joins_people_and_a_theme_needs_the_theme(needs, make_call):
    call = make_call(
        "Unga som riskerar att hamna i kriminalitet",
        "Förebyggande arbete med unga och deras föräldrar i skolan.",
        target_groups=["Unga 12–18 år"],
    )
    assert "psykisk-halsa-unga" not in _met(needs, call)


def test_a_call_whose_title_names_other_people_does_not_go_to_a_need_about_work_in_general(
    needs, make_call
):
    # The call is for people with disabilities; the need's work words only echo its purpose.
    call = make_call(
        "Lika möjligheter för personer med funktionsnedsättning",
        "Projekten ska hjälpa personer som står långt från arbetsmarknaden till arbete.",
        target_groups=["Personer som står långt från arbetsmarknaden"],
    )
    assert "arbete" not in _met(needs, call)
    general = make_call(
        "Vägar till arbete",
        "Projekten ska hjälpa personer som står långt från arbetsmarknaden till arbete.",
    )
    assert "arbete" in _met(needs, general)
