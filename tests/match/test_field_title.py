"""Rule FIELD_TITLE (crawler/match/score.py): a call's title says what the call is for.

Calls in the blind sets were matched to a need because their summary or their list of target
groups named the need's people in passing, while the title was about another field (housing,
digital skills, leisure). The call texts below are written for these tests.
"""

from __future__ import annotations

import pytest

from crawler.config import ConfigError
from crawler.match.concepts import load_lexicon
from crawler.match.score import match_calls


def _needs_met(call, inventory):
    return {n for m in match_calls([call], inventory) for n in m.need_ids}


def test_a_call_titled_for_another_field_does_not_meet_a_need_its_summary_names_in_passing(
    inventory, make_call
):
    call = make_call(
        "Statsbidrag för fler hyresrätter och ökat bostadsbyggande",
        "Kommuner som bygger nytt kan få bidrag per lägenhet. Bostäderna kan även bli en"
        " väg in för långtidsarbetslösa och utrikesfödda kvinnor.",
    )
    assert _needs_met(call, inventory) == set()


def test_people_in_a_long_list_of_target_groups_do_not_make_a_digital_call_theirs(
    inventory, make_call
):
    call = make_call(
        "Utbildning i digital kompetens för vuxna",
        "Kurser i att använda e-tjänster, mobilt bank-id och videosamtal.",
        target_groups=["Äldre", "Långtidsarbetslösa", "Utrikesfödda kvinnor"],
    )
    assert _needs_met(call, inventory) == set()


def test_a_call_titled_for_a_field_the_need_names_still_meets_it(inventory, make_call):
    call = make_call(
        "Digitala verktyg för unga som varken arbetar eller studerar",
        "Projekt som når unga hemma och leder dem tillbaka till studier.",
    )
    assert "uvas" in _needs_met(call, inventory)


def test_a_call_titled_for_a_route_into_work_meets_the_people_the_route_serves(
    inventory, make_call
):
    call = make_call(
        "Stöd till sociala företag",
        "Företagen anställer personer som står långt från arbetsmarknaden.",
    )
    met = match_calls([call], inventory)
    assert {n for m in met for n in m.need_ids} == {"langtidsarbetslosa"}
    assert all(m.reasons and "i behovet" in m.reasons[0] for m in met)


def test_a_route_whose_title_names_its_own_people_serves_only_them(inventory, make_call):
    call = make_call(
        "Sociala företag som drivs av kvinnor",
        "Företagen anställer personer som står långt från arbetsmarknaden.",
    )
    assert "langtidsarbetslosa" not in _needs_met(call, inventory)


def test_a_concept_may_serve_only_a_target_group(tmp_path):
    path = tmp_path / "concepts.yaml"
    path.write_text(
        "concepts:\n  - {id: a, terms: [x], serves: [b]}\n  - {id: b, terms: [y]}\n", "utf-8"
    )
    with pytest.raises(ConfigError, match="concept a: field 'serves': 'b' is no target group"):
        load_lexicon(path)
