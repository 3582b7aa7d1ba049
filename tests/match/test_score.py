"""The matcher from a table of cases: Swedish wording, field weights, hard filters, fan-out."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.config import Source
from crawler.config.needs import load_needs
from crawler.match.score import THRESHOLD, Matcher, match_calls


def _pairs(matches):
    return {(m.call_id, m.municipality) for m in matches}


def _needs_met(call, inventory):
    return {n for m in match_calls([call], inventory) for n in m.need_ids}


@pytest.mark.parametrize(
    ("title", "summary", "need"),
    [
        # morphology and compounds
        ("Insatser mot långtidsarbetslöshet", "", "langtidsarbetslosa"),
        ("Stöd till arbetslösa", "", "langtidsarbetslosa"),
        (
            "Vägar till jobb",
            "För personer som står långt från arbetsmarknaden.",
            "langtidsarbetslosa",
        ),
        # synonyms
        ("Etablering för tredjelandsmedborgare", "Särskilt kvinnor.", "utrikesfodda-kvinnor"),
        ("Nyanlända kvinnors hälsa", "", "utrikesfodda-kvinnor"),
        ("Statsbidrag för psykiatri och suicidprevention", "", "missbruk-psykisk-ohalsa"),
        ("Behandling av substansbrukssyndrom", "", "missbruk-psykisk-ohalsa"),
        ("NEET – förstärkt samverkan", "", "uvas"),
        ("UVAS i Kronoberg", "", "uvas"),
        ("Ungdomar som varken arbetar eller studerar", "", "uvas"),
    ],
)
def test_call_worded_differently_from_the_need_still_meets_it(
    inventory, make_call, title, summary, need
):
    assert need in _needs_met(make_call(title, summary), inventory)


@pytest.mark.parametrize(
    ("title", "summary", "need"),
    [
        (
            "Kvinnors företagande",
            "Affärsrådgivning för kvinnor som driver företag.",
            "utrikesfodda-kvinnor",
        ),
        ("Internationellt ungdomsutbyte", "Utbyten mellan ungdomsgrupper.", "uvas"),
        ("Kommunikationsinsatser om kollektivtrafik", "", "langtidsarbetslosa"),
        (
            "Exportcheckar",
            "Stöd för att beroende på marknad anpassa erbjudandet.",
            "missbruk-psykisk-ohalsa",
        ),
        # only the description's wording, nothing of the title: not the need
        ("Digital kompetens", "Arbetssökande får hjälp att söka jobb och studier.", "uvas"),
    ],
)
def test_call_about_something_else_does_not_meet_the_need(
    inventory, make_call, title, summary, need
):
    assert need not in _needs_met(make_call(title, summary), inventory)


def test_title_hit_scores_higher_than_the_same_words_in_the_summary(inventory, make_call):
    in_title = make_call("Stöd till långtidsarbetslösa", "Ett statsbidrag.")
    in_summary = make_call("Ett statsbidrag", "Stöd till långtidsarbetslösa.")
    in_targets = make_call("Ett statsbidrag", "", target_groups=["Långtidsarbetslösa"])
    scores = {
        c.id: max(m.score for m in match_calls([c], inventory))
        for c in (in_title, in_summary, in_targets)
    }
    assert scores[in_title.id] == scores[in_targets.id] > scores[in_summary.id] >= THRESHOLD


def test_either_alternative_of_a_title_joined_by_och_is_enough(inventory, make_call):
    assert "missbruk-psykisk-ohalsa" in _needs_met(make_call("Bättre missbruksvård"), inventory)
    assert "missbruk-psykisk-ohalsa" in _needs_met(make_call("Psykisk ohälsa hos vuxna"), inventory)


def test_both_words_of_a_two_word_need_are_needed_unless_strong(inventory, make_call):
    assert "utrikesfodda-kvinnor" not in _needs_met(
        make_call("Kvinnor i ledande roller"), inventory
    )


def test_match_carries_need_ids_and_swedish_reasons_naming_word_and_field(inventory, make_call):
    call = make_call("Långtidsarbetslösa i arbete", "Metoder med peer support.")
    match = next(m for m in match_calls([call], inventory) if m.municipality == "Växjö")
    assert match.need_ids == ["langtidsarbetslosa"]
    assert match.reasons == [
        "träffar 'långtidsarbetslösa' (titel), 'peer support' (beskrivning)"
        " i behovet Långtidsarbetslösa"
    ]


def test_a_need_fans_out_to_every_municipality_that_listed_it(inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa")
    assert {m.municipality for m in match_calls([call], inventory)} == {
        "Växjö",
        "Ljungby",
        "Kiruna",
    }
    women = make_call("Utrikesfödda kvinnor i arbete")
    assert {m.municipality for m in match_calls([women], inventory)} == {"Växjö"}


def test_exclude_words_of_a_need_reject_the_call(tmp_path, make_call):
    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities: [{name: Växjö, county: Kronoberg, needs: [unga]}]\n"
        "needs:\n  - {id: unga, title: Unga, description: '', exclude: [ungdomsutbyte]}\n",
        encoding="utf-8",
    )
    inventory = load_needs(path)
    assert match_calls([make_call("Unga ledare")], inventory)
    assert not match_calls([make_call("Ungdomsutbyte för unga")], inventory)


def test_needs_file_synonyms_extend_the_vocabulary(tmp_path, make_call):
    path = tmp_path / "needs.yaml"
    path.write_text(
        "municipalities: [{name: Växjö, county: Kronoberg, needs: [skola]}]\n"
        "needs:\n  - {id: skola, title: Kulturskola, description: ''}\n"
        "synonyms:\n  - [kulturskola, musikskola]\n",
        encoding="utf-8",
    )
    assert match_calls([make_call("Stöd till musikskolan")], load_needs(path))


# -- hard filters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "kept", "reason"),
    [
        (
            {"regions": ["Övre Norrland"]},
            {"Kiruna"},
            "utlysningen gäller Övre Norrland, inte Kronoberg",
        ),
        (
            {"regions": ["Småland och Öarna"]},
            {"Växjö", "Ljungby"},
            "utlysningen gäller Småland och Öarna, inte Norrbotten",
        ),
        (
            {"regions": ["Region Kronoberg"]},
            {"Växjö", "Ljungby"},
            "utlysningen gäller Region Kronoberg, inte Norrbotten",
        ),
        ({"regions": ["Nationell"]}, {"Växjö", "Ljungby", "Kiruna"}, None),
        ({"regions": "Hela Sverige"}, {"Växjö", "Ljungby", "Kiruna"}, None),
        ({"regions": []}, {"Växjö", "Ljungby", "Kiruna"}, None),
        ({"status": "closed"}, set(), "utlysningen är stängd"),
        (
            {"applicants": "Endast Polismyndigheten"},
            set(),
            "utlysningen är förbehållen Polismyndigheten",
        ),
        (
            {
                "summary": "Icke-konkurrerande utlysning."
                " Den riktar sig endast till Länsstyrelsen Skåne."
            },
            set(),
            "utlysningen är förbehållen Länsstyrelsen Skåne",
        ),
        ({"applicants": "Endast kommuner och regioner"}, {"Växjö", "Ljungby", "Kiruna"}, None),
        (
            {"applicants": "Endast Ljungby kommun"},
            {"Ljungby"},
            "utlysningen är förbehållen Ljungby kommun",
        ),
    ],
)
def test_hard_filter_keeps_the_right_municipalities_and_records_why(
    inventory, make_call, fields, kept, reason
):
    from crawler.model import Call

    summary = fields.pop("summary", "")
    call = make_call("Insatser för långtidsarbetslösa", summary, **fields)
    if isinstance(call.regions, str):
        call = Call.from_dict(call.to_dict())
    assert {m.municipality for m in match_calls([call], inventory)} == kept
    every = match_calls([call], inventory, include_filtered=True)
    assert {m.municipality for m in every} == {"Växjö", "Ljungby", "Kiruna"}
    reasons = {m.filtered for m in every if m.filtered}
    assert reasons == ({reason} if reason else set())


def test_passed_deadline_closes_the_call_only_when_today_is_given(inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa", deadline="2026-11-01")
    assert match_calls([call], inventory)
    assert not match_calls([call], inventory, today=date(2026, 11, 23))
    assert match_calls([call], inventory, today=date(2026, 10, 31))
    planned = make_call("Långtidsarbetslösa", status="planned", opens_on="2027-01-10")
    assert match_calls([planned], inventory, today=date(2026, 11, 23))


def test_gone_call_matches_no_one(inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa")
    every = match_calls([call], inventory, gone={call.id}, include_filtered=True)
    assert every and all(m.filtered and "finns inte längre" in m.filtered for m in every)
    assert not match_calls([call], inventory, gone={call.id})


def test_samordningsforbund_call_goes_only_to_members(inventory, make_call):
    call = make_call(
        "Medel för långtidsarbetslösa",
        source="sf-varend",
        funder="Samordningsförbundet Värend",
        regions=["Kronoberg"],
    )
    every = match_calls([call], inventory, include_filtered=True)
    assert {m.municipality for m in every if not m.filtered} == {"Växjö"}
    reasons = {m.municipality: m.filtered for m in every if m.filtered}
    assert reasons["Ljungby"] == "Ljungby är inte medlem i Samordningsförbundet Värend"
    assert "Kronoberg" in reasons["Kiruna"]


def test_samordningsforbund_members_may_come_from_sources_config(inventory, make_call):
    source = Source(
        id="sf-sunnerbo",
        funder="Samordningsförbundet Sunnerbo",
        spider="listing",
        start_urls=("https://example.se/",),
        regions=("Kronoberg",),
        options={"members": ["Ljungby"]},
    )
    call = make_call("Medel för långtidsarbetslösa", source="sf-sunnerbo", regions=[])
    matched = match_calls([call], inventory, sources={"sf-sunnerbo": source})
    assert {m.municipality for m in matched} == {"Ljungby"}


def test_unknown_samordningsforbund_goes_to_the_municipalities_it_names(inventory, make_call):
    call = make_call(
        "Långtidsarbetslösa i Ljungby",
        source="sf-okand",
        funder="Samordningsförbundet Okänt",
    )
    assert {m.municipality for m in match_calls([call], inventory)} == {"Ljungby"}


def test_matcher_is_pure_and_repeatable(inventory, make_call):
    calls = [make_call("Långtidsarbetslösa"), make_call("Psykisk ohälsa"), make_call("Export")]
    matcher = Matcher(inventory)
    first = [m.to_dict() for m in matcher.match(calls)]
    assert first == [m.to_dict() for m in matcher.match(calls)]
    assert first == [m.to_dict() for m in match_calls(calls, inventory)]


def test_a_word_deep_in_a_long_summary_counts_less_than_in_its_lead(inventory, make_call):
    filler = "Ansökan görs i e-tjänsten och ska innehålla en budget och en tidplan. " * 15
    lead = make_call("Ett statsbidrag", "Stöd till långtidsarbetslösa. " + filler)
    late = make_call("Ett statsbidrag", filler + "Stöd till långtidsarbetslösa.")
    assert match_calls([lead], inventory)
    assert not match_calls([late], inventory)


def test_a_call_only_associations_may_apply_for_matches_no_municipality(inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa", applicants="Ideella föreningar")
    assert not match_calls([call], inventory)
    every = match_calls([call], inventory, include_filtered=True)
    assert every and {m.filtered for m in every} == {
        "kommuner kan inte söka (sökande: Ideella föreningar)"
    }


def test_a_call_associations_apply_for_with_a_municipality_as_partner_still_matches(
    inventory, make_call
):
    call = make_call(
        "Insatser för långtidsarbetslösa",
        applicants="Ideella organisationer i samverkan med en kommun",
    )
    assert {m.municipality for m in match_calls([call], inventory)} == {
        "Växjö",
        "Ljungby",
        "Kiruna",
    }


def test_a_call_whose_applicants_are_unclear_keeps_its_matches_and_says_so(inventory, make_call):
    call = make_call("Insatser för långtidsarbetslösa", applicants="Fastighetsägare")
    matches = match_calls([call], inventory)
    assert matches
    assert all(
        m.reasons[-1] == "oklart om kommuner kan söka (sökande: Fastighetsägare)" for m in matches
    )
    plain = match_calls([make_call("Insatser för långtidsarbetslösa")], inventory)
    assert all("oklart" not in " ".join(m.reasons) for m in plain)


def test_a_partner_role_in_the_summary_keeps_the_match(inventory, make_call):
    call = make_call(
        "Insatser för långtidsarbetslösa",
        "Stöd till projekt. Kommuner kan vara medsökande.",
        applicants="Ideella föreningar",
    )
    assert match_calls([call], inventory)
