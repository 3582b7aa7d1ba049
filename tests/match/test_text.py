"""Swedish words as the matcher reads them: stems, compounds, phrases, the vocabulary."""

from __future__ import annotations

import pytest

from crawler.match.concepts import load_lexicon
from crawler.match.text import ConceptFinder, phrase_stems, stem, tokenize


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("arbetslösa", "arbetslöshet"),
        ("arbetslös", "arbetslösa"),
        ("kvinnor", "kvinnors"),
        ("ungdomar", "ungdomars"),
        ("socialt", "social"),
        ("psykiskt", "psykisk"),
        ("nationellt", "nationell"),
        ("insatser", "insatsers"),
        ("kommunens", "kommun"),
        ("nyanlända", "nyanländas"),
        ("skola", "skolan"),
        ("ohälsa", "ohälsan"),
        ("handlingsplan", "handlingsplanen"),
    ],
)
def test_inflections_of_one_word_share_a_stem(a, b):
    assert stem(a) == stem(b)


@pytest.mark.parametrize(
    ("part", "compound"),
    [
        ("brott", "ungdomsbrott"),
        ("kvinnor", "invandrarkvinnor"),
        ("arbetslösa", "långtidsarbetslösa"),
    ],
)
def test_a_compound_stem_ends_with_the_stem_of_its_last_part(part, compound):
    assert stem(compound).endswith(stem(part))


@pytest.mark.parametrize(("a", "b"), [("insats", "insekt"), ("kvinnor", "kommun")])
def test_different_words_keep_different_stems(a, b):
    assert stem(a) != stem(b)


def _finder(*words: str) -> ConceptFinder:
    return ConceptFinder(
        [(phrase_stems(w), w, 1.0) for w in words],
        prefix_deny={stem("kommun"): (stem("kommunikation"),)},
    )


@pytest.mark.parametrize(
    ("known", "text", "strength"),
    [
        ("arbetslös", "långtidsarbetslösa", 0.9),  # the known word ends the compound
        ("arbetslös", "ungdomsarbetslösheten", 0.9),
        ("missbruk", "missbruksvården", 0.8),  # the known word starts it
        ("våld", "våldsutsatta kvinnor", 0.8),  # four letters + linking s
        ("arbetslös", "arbetslöshet", 1.0),
    ],
)
def test_compounds_meet_their_parts(known, text, strength):
    hits = _finder(known).find(tokenize(text))
    assert hits[known].strength == pytest.approx(strength)


@pytest.mark.parametrize(
    ("known", "text"),
    [
        ("kommun", "kommunikationsinsatser"),  # deny list
        ("ung", "utbildning"),  # short stems only match whole words
        ("vård", "vårdnad"),  # four letters without a linking s do not start a compound
    ],
)
def test_false_compounds_do_not_match(known, text):
    assert known not in _finder(known).find(tokenize(text))


def test_phrase_matches_stem_by_stem_and_last_word_may_be_a_compound_start():
    finder = _finder("psykisk ohälsa", "kommersiell service")
    assert "psykisk ohälsa" in finder.find(tokenize("Den psykiska ohälsan ökar"))
    assert "kommersiell service" in finder.find(tokenize("kommersiella servicepunkter"))
    assert "psykisk ohälsa" not in finder.find(tokenize("ohälsa och psykisk styrka"))


@pytest.mark.parametrize(
    ("group", "words"),
    [
        ("utrikesfodda", ["nyanlända", "utrikesfödda", "tredjelandsmedborgare"]),
        ("uvas", ["UVAS", "NEET", "unga som varken arbetar eller studerar"]),
        ("unga", ["unga", "ungdomar", "tonåringar"]),
        ("missbruk", ["beroende", "missbruk", "substansbruk"]),
        ("psykisk-ohalsa", ["psykisk ohälsa", "psykiatri", "suicidprevention"]),
        ("arbetsloshet", ["arbetslös", "utan arbete", "står långt från arbetsmarknaden"]),
    ],
)
def test_shipped_vocabulary_joins_the_ways_of_saying_one_thing(group, words):
    lexicon = load_lexicon()
    finder = ConceptFinder(lexicon.expressions(), prefix_deny=lexicon.prefix_deny)
    for word in words:
        assert group in finder.find(tokenize(f"Insatser för {word} i länet")), word


def test_stop_phrase_keeps_beroende_pa_from_meaning_dependence():
    lexicon = load_lexicon()
    finder = ConceptFinder(
        lexicon.expressions(), prefix_deny=lexicon.prefix_deny, stop_phrases=lexicon.stop_phrases
    )
    assert "missbruk" not in finder.find(tokenize("Beloppet varierar beroende på ansökan"))
    assert "missbruk" in finder.find(tokenize("Stöd till personer med beroende"))


def test_extra_group_from_needs_file_joins_the_shipped_group_it_overlaps():
    lexicon = load_lexicon(
        extra_groups=[["hemmasittare", "skolvägrare"], ["kulturskola", "musikskola"]]
    )
    assert "skolvägrare" in lexicon.groups["skolnarvaro"].terms
    assert lexicon.groups["extra-2"].terms == ["kulturskola", "musikskola"]


def test_whole_or_head_concepts_do_not_start_a_compound():
    finder = ConceptFinder(
        [(phrase_stems("samordnade"), "w", 1.0), (phrase_stems("arbetsmarknaden"), "w2", 1.0)],
        whole_or_head={"w", "w2"},
    )
    assert "w" not in finder.find(tokenize("Samordningsförbundet"))
    assert "w" in finder.find(tokenize("samordnade insatser"))
    assert "w2" in finder.find(tokenize("den lokala arbetsmarknaden"))
    assert "w2" in finder.find(tokenize("arbetsmarknadsinsatser"))  # a linking s still counts
