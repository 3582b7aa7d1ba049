"""Who may apply, as a set of kinds of organisation, from the funder's own words ("Vem kan söka?",
"Sökande", "kan sökas av").

A municipality can only use a call that a municipality may apply for, or be a partner in; a grant
for associations fits a municipality's need by topic and is still no use to it. The words are
read as kinds (kommun, region, ideell organisation, företag, forskningsorganisation, myndighet,
privatperson) plus "offentlig" and "alla" for the umbrella terms that include municipalities.
Text that names no known kind gives an empty set: unclear, which is not the same as "not you".
"""

from __future__ import annotations

import re

KOMMUN = "kommun"
OFFENTLIG = "offentlig aktör"
ALLA = "alla organisationer"
# The kinds a municipality belongs to: any of them in a call's applicants lets it apply.
MUNICIPAL = frozenset({KOMMUN, OFFENTLIG, ALLA})

_W = r"(?<![\wåäö-])"
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        # Municipalities, and what only they (or they among others) are: school principals.
        # ...and the members of a samordningsförbund ("Förbundets medlemmar: Växjö, Alvesta").
        (
            KOMMUN,
            _W + r"(?:kommun\w*|(?:skol)?huvudm[aä]n\w*|förbundets\s+medlemmar|"
            r"medlemskommuner\w*|samordningsförbund\w*|(?:för)?skolor(?:na)?|"
            r"stadsdels\w*|förvaltning\w*)",
        ),
        ("region", _W + r"regioner(?:na)?\b|" + _W + r"regionala\s+aktörer"),
        (
            OFFENTLIG,
            _W
            + r"offentlig\w*\s+(?:aktör|organisation|sektor|verksamhet|förvaltning|och\s+privat)",
        ),
        # Organisations in general ("Organisationer och företag") include a municipality.
        (
            ALLA,
            _W + r"(?:alla\s+(?:typer\s+av\s+)?organisationer|juridiska\s+personer|"
            r"(?:^|\boch\s+|\beller\s+|,\s*)organisationer\b)",
        ),
        (
            "ideell organisation",
            _W + r"(?:ideell\w*|idéburn\w*|föreningar\w*|civilsamhälle\w*|trossamfund\w*|"
            r"stiftelser\w*|barn-\s+och\s+ungdomsorganisationer|ungdomsorganisationer)",
        ),
        ("företag", _W + r"(?:företag\w*|näringsliv\w*|privata\s+aktörer)"),
        (
            "forskningsorganisation",
            _W + r"(?:forskare|forskargrupper|forskningsorganisation\w*|lärosäte\w*|"
            r"universitet\w*|högskol\w*)",
        ),
        ("myndighet", _W + r"(?:myndighet(?:er|erna)|statliga\s+myndigheter)\b"),
        ("privatperson", _W + r"(?:privatpersoner|enskilda\s+personer)\b"),
    )
)
# "i samverkan med en kommun", "tillsammans med kommunen", "kommunen som samverkanspart"
_PARTNER = re.compile(
    r"(?:samverkan|samverkar|samarbete|samarbetar|tillsammans|partnerskap)\s+med\s+"
    r"(?:en\s+|sin\s+|den\s+)?(?:kommun|offentlig)|"
    r"kommun\w*\s+(?:kan|får)\s+(?:vara|delta)|kommun\w*\s+som\s+(?:med|samverkans)\w*",
    re.IGNORECASE,
)
# Sentences of a summary that say who applies (not whom the money is for).
_APPLIES = re.compile(
    r"(?:kan\s+sökas\s+av|får\s+sökas\s+av|sökande\s+(?:kan|ska|måste)\s+vara|"
    r"stödet\s+(?:kan|får)\s+sökas\s+av|bidraget\s+(?:kan|får)\s+sökas\s+av|"
    r"vem\s+kan\s+söka\??:?)\s*(?P<who>[^.;\n]{3,200})",
    re.IGNORECASE,
)
# A proper name with "Kommuner" in it is one organisation, not a kind of applicant.
_PROPER_NAMES = re.compile(r"Sveriges\s+Kommuner\s+och\s+Regioner|\bSKR\b")


def applicant_kinds(text: str | None) -> frozenset[str]:
    """The kinds of organisation a text says may apply; empty when it names none."""
    # A partner ("i samverkan med en kommun") is not an applicant; a proper name is not a kind.
    text = _PARTNER.sub(" ", _PROPER_NAMES.sub(" ", text or ""))
    return frozenset(kind for kind, pattern in _KIND_PATTERNS if pattern.search(text))


def applicants_text(applicants: str | None, summary: str | None) -> str:
    """The applicants field, else what the summary says after "kan sökas av" and the like."""
    if applicants and applicants.strip():
        return applicants
    return " ".join(m.group("who") for m in _APPLIES.finditer(summary or ""))


def municipality_may_apply(kinds: frozenset[str], text: str | None) -> bool | None:
    """True when a municipality may apply or be a partner, False when the text names only other
    kinds, None when it names no kind at all (unclear)."""
    if kinds & MUNICIPAL or _PARTNER.search(text or ""):
        return True
    return False if kinds else None
