"""Who may apply, as a set of kinds of organisation, from the funder's own words ("Vem kan söka?",
"Sökande", "kan sökas av").

A municipality can only use a call that a municipality may apply for, or be a partner in; a grant
for associations fits a municipality's need by topic and is still no use to it. The words are
read as kinds (kommun, region, ideell organisation, företag, forskningsorganisation, myndighet,
privatperson) plus "offentlig" and "alla" for the umbrella terms that include municipalities.
Text that names no known kind gives an empty set: unclear, which is not the same as "not you".

Three shapes say "not you" without naming another kind: money paid out without any application
("Ingen ansökan – betalas ut automatiskt"), a kind that is excluded ("fristående från offentlig
verksamhet", "inte offentlig sektor"), and a lone "Organisationer": agencies that fund both
write "huvudmän" for the public side and "organisationer" for the rest (Skolverket), so the bare
word is the rest; listed with other kinds ("Organisationer och företag") it means any.

Money a municipality must requisition ("Alla kommuner kan rekvirera", per a distribution key)
is kept as a call: nothing is competitive, but the municipality must act before the date or
lose it, which is what a digest is for. Money already paid out or shared ("betalas ut
automatiskt", "utan ansökan") is news, not a call.
"""

from __future__ import annotations

import re

from crawler.normalize.regions import NATIONAL, normalize_region, region_covers

KOMMUN = "kommun"
OFFENTLIG = "offentlig aktör"
ALLA = "alla organisationer"
ORGANISATION = "organisation"  # a lone "Organisationer": not a public body (see above)
NO_APPLICATION = "ingen ansökan"  # paid out without an application: nothing to apply for
# A follow-up round only for the projects an earlier round granted ("Projektanordnare som
# beviljades förstudier i utlysningen hösten 2011"): closed to everyone else.
EARLIER_GRANTEES = "tidigare beviljade projekt"
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
            _W + r"(?:kommun\w*|(?:skol)?huvudm[aä]n\w*|förbundets\s+medlemmar|medlemmarna\b|"
            r"medlemskommuner\w*|samordningsförbund\w*|(?:för)?skolor(?:na)?|"
            r"stadsdels\w*|förvaltning\w*|lokala\s+(?:och\s+regionala\s+)?myndighet\w*|"
            # what a municipality runs: a library, an after-school centre, a culture school
            r"(?:folk)?bibliotek(?:en)?\b|fritidshem\w*|fritidsgård\w*|kulturskol\w*)",
        ),
        (
            "region",
            _W
            + r"regioner(?:na)?\b|"
            + _W
            + r"regionala\s+(?:aktörer|energikontor|myndighet)|"
            + _W
            + r"regionalt\s+utvecklingsansvarig\w*",
        ),
        (
            OFFENTLIG,
            _W + r"(?:offentligrättslig\w*|offentlig\w*(?:(?:,|\s+och|\s+eller)\s+[\wåäö-]+){0,2}"
            r"(?:\s+|(?<=[\wåäö]))(?:aktör|organisation|sektor|verksamhet|förvaltning|och\s+privat)|"
            r"offentligt\s+finansierade\s+(?:verksamhet|tjänst)\w*)",
        ),
        # Organisations in general ("Organisationer och företag") include a municipality.
        (
            ALLA,
            _W + r"(?:(?:alla|de\s+flesta|samtliga|olika)\s+(?:typer\s+av\s+|slags\s+)?"
            r"(?:företag\s*[/,]\s*)?organisationer|"
            # "juridisk person" is anyone, unless it only qualifies a list ("endast juridiska
            # personer") or means the non-profit ones
            r"(?<!endast\s)(?<!enbart\s)juridisk(?:a)?\s+person(?:er)?\b(?!\s+utan\s+vinst)|"
            r"organisationsnummer|"
            r"(?:\boch\s+|\beller\s+|,\s*)organisationer\b|^\s*organisationer\b(?!\s*\.?\s*$))",
        ),
        (ORGANISATION, r"^\s*organisationer\s*\.?\s*$"),
        (
            "ideell organisation",
            _W + r"(?:ideell\w*|idéburn\w*|[\wåäö]*föreningar\w*|civilsamhälle\w*|trossamfund\w*|"
            r"frivilliga\s+organisation\w*|(?:utan|icke)[\s-]+vinst\w*|allmännyttig\w*|"
            r"branschorganisation\w*|arbetsgivarorganisation\w*|arbetstagarorganisation\w*|"
            r"fackförbund\w*|fackliga\s+organisation\w*|"
            r"stiftelser\w*|barn-\s+och\s+ungdomsorganisationer|icke-vinstdrivande|"
            r"förening(?:en)?\b|icke[\s-]+kommersiell\w*|[\wåäö]*idrottsförbund\w*|"
            r"idrottsrörelsen|arbetsmarknadens\s+parter|anhörigorganisation\w*|"
            r"(?:ungdoms|kvinno|pensionärs|brukar|patient|idrotts|funktionshinders|handikapp)"
            r"organisation\w*|"
            r"distriktsorganisation\w*|intresseorganisation\w*|riksorganisation\w*|riksförbund\w*)",
        ),
        ("företag", _W + r"(?:företag\w*|näringsliv\w*|privata\s+aktörer)"),
        (
            "forskningsorganisation",
            _W + r"(?:forskare|forskargrupper|forskningsorganisation\w*|lärosäte\w*|disputerad\w*|"
            r"universitet\w*|högskol\w*)",
        ),
        # Agencies as a kind; one named agency is a reservation (crawler/match/filters.py).
        (
            "myndighet",
            _W + r"(?:myndighet(?:er|erna)|statliga\s+myndigheter|länsstyrelser(?:na)?)\b",
        ),
        ("privatperson", _W + r"(?:privatpersoner|enskilda\s+personer|studerande)\b"),
    )
)
# "i samverkan med en kommun", "tillsammans med kommunen", "kommunen som samverkanspart"
_PARTNER = re.compile(
    r"(?:samverkan|samverkar|samarbete|samarbetar|tillsammans|partnerskap)\s+med\s+"
    r"(?:en\s+|sin\s+|den\s+)?(?:kommun|offentlig)|"
    r"kommun\w*(?:\s+(?:och|eller)\s+[\wåäö]+)?\s+(?:kan|får)\s+(?:vara|delta)|"
    r"kommun\w*\s+som\s+(?:med|samverkans)\w*",
    re.IGNORECASE,
)
# A kind named only to be left out: "fristående från offentlig verksamhet", "inte offentlig
# sektor", "ej kommuner", "Kommuner kan inte söka".
_EXCLUDED = re.compile(
    r"(?:\binte|\bej|\bicke|\butom|\bförutom|fristående\s+från|oberoende\s+av)\s+"
    r"(?:för\s+|till\s+|av\s+|den\s+|de\s+)?(?:offentlig\w*(?:\s+[\wåäö]+)?|kommun\w*|region\w*)|"
    r"(?:offentlig\w*\s+[\wåäö]+|kommun\w*|region\w*)(?:\s+(?:och|eller)\s+[\wåäö]+)*"
    r"\s+(?:kan|får)\s+inte\s+söka",
    re.IGNORECASE,
)
# Where applicants are, not what they are: "i Växjö kommun", "inom Ljungby kommun" (also read
# by crawler/match/filters.py: one municipality's own fund).
IN_MUNICIPALITY = re.compile(
    r"\b(?:i|inom)\s+(?P<name>[A-ZÅÄÖ][\wåäö-]+(?:\s+[A-ZÅÄÖ][\wåäö-]+)?)\s+kommun\b"
)
# Public bodies left out of a kind that would include them ("organisationer som inte är statliga
# eller kommunala"): the call is for the others, whatever else is named.
_NOT_PUBLIC = re.compile(
    r"\bsom\s+(?:inte|ej|icke)\s+(?:är\s+)?(?:statlig\w*\s+(?:eller|och)\s+)?"
    r"(?:kommunal\w*|offentlig\w*)",
    re.IGNORECASE,
)
# Money a municipality gets without applying: an "applicants" text that says so, or a summary.
_NO_APPLICATION = re.compile(
    r"\bingen\s+ansökan\b|\bsöks\s+inte\b(?!\s+av)|\bbehöver\s+inte\s+(?:sökas|ansöka|söka)\b|"
    r"\b(?:betalas|fördelas)\s+ut\s+automatiskt|\bautomatiskt\s+(?:ut)?betala|"
    r"\bbetalas\s+automatiskt|\butan\s+(?:föregående\s+)?ansökan\b",
    re.IGNORECASE,
)
_REQUISITION = re.compile(r"\b(?:rekvirera\w*|rekvisition\w*|begära\s+ut)\b", re.IGNORECASE)
# Sentences of a summary that say who applies (not whom the money is for).
_APPLIES = re.compile(
    r"(?:kan\s+sökas\s+av|får\s+sökas\s+av|sökande\s+(?:kan|ska|måste)\s+vara|"
    r"stödet\s+(?:kan|får)\s+sökas\s+av|bidraget\s+(?:kan|får)\s+sökas\s+av|"
    r"vem\s+kan\s+söka\??:?)\s*(?P<who>[^.;\n]{3,200})",
    re.IGNORECASE,
)
# The subject of a summary's sentence about applying: "Civilsamhällets organisationer kan söka
# bidrag", "Kommuner och regioner kan ansöka". A bare "Organisationer kan söka" names no kind.
_SUBJECT = re.compile(
    r"(?:^|(?<=[.!?])\s+)(?P<who>[A-ZÅÄÖ][^.;:!?\n]{2,120}?)\s+(?:kan|får)\s+(?:an)?söka\b"
)
# A relative clause describes an applicant and names no other: "Ideella föreningar som driver
# fritidsgårdar" is for associations, not for municipalities' youth centres. Only "som" before a
# verb ("organisationer som kommuner och regioner" lists kinds), and not the clause that says
# who applies ("De som kan söka är kommuner och regioner").
_RELATIVE = re.compile(
    r"\bsom\s+(?:inte\s+|själva\s+)?(?:har|hade|är|var|kan|ska|vill|får|finns|driver|bedriver|"
    r"arbetar|verkar|verkat|jobbar|genomför|erbjuder|når|möter|ansvarar|samverkar|bidrar|"
    r"stödjer|främjar|riktar|tecknat|organiserar|representerar|företräder|äger)\b"
    r"(?!\s+(?:\w+\s+)?(?:an)?söka)[^,;.]*",
    re.IGNORECASE,
)
_EARLIER_GRANTEES = re.compile(
    r"\bsom\s+(?:har\s+|tidigare\s+|redan\s+)?(?:beviljades|beviljats|fått\s+beviljat)\b",
    re.IGNORECASE,
)
_NOT_STATED = re.compile(r"\s*(?:ej|inte)\s+angiv|\s*framgår\s+inte", re.IGNORECASE)
_BARE = re.compile(r"^\s*(?:organisationer|aktörer|sökande)\s*$", re.IGNORECASE)
# A proper name with "Kommuner" in it is one organisation, not a kind of applicant.
_PROPER_NAMES = re.compile(r"Sveriges\s+Kommuner\s+och\s+Regioner|\bSKR\b")


def applicant_kinds(text: str | None) -> frozenset[str]:
    """The kinds of organisation a text says may apply; empty when it names none."""
    if _NOT_STATED.match(text or ""):
        return frozenset()  # "Ej angivet (tidigare vinnare var företag)": a guess is no answer
    if _EARLIER_GRANTEES.search(text or ""):
        return frozenset({EARLIER_GRANTEES})
    # A partner ("i samverkan med en kommun") is not an applicant; a proper name is not a kind.
    # "Privat/offentliga/civilsamhällesaktörer": a slash lists kinds like a comma does.
    text = _PARTNER.sub(" ", _PROPER_NAMES.sub(" ", (text or "").replace("/", ", ")))
    if without_application(text):
        return frozenset({NO_APPLICATION})
    text = IN_MUNICIPALITY.sub(" ", text)  # "Föreningar i Växjö kommun": a place, not a kind
    not_public = _NOT_PUBLIC.search(text)
    text = _RELATIVE.sub(" ", _EXCLUDED.sub(" ", text))
    kinds = frozenset(kind for kind, pattern in _KIND_PATTERNS if pattern.search(text))
    if not_public:  # "organisationer som inte är statliga eller kommunala": any but us
        kinds = (kinds - MUNICIPAL) or frozenset({ORGANISATION})
    return kinds


# "Kommuner i Dalarnas län", "kommunerna inom Region Kalmar län": a county's municipalities only.
_COUNTY_MUNICIPALITIES = re.compile(
    r"(?i:kommun)\w*(?:\s+(?:och|eller)\s+[\wåäö]+)?\s+(?:i|inom)\s+"
    r"(?P<area>(?:Region\s+)?[A-ZÅÄÖ][\wåäö]+(?:\s+[A-ZÅÄÖ][\wåäö]+)?(?:\s+län)?)",
)


def applicant_regions(text: str | None, regions: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The counties whose municipalities alone may apply, when the applicants text narrows a
    national (or wider) call to them; else ``regions`` unchanged. A listing often files such a
    call under "Nationell" although only one county's municipalities may apply."""
    named = []
    for found in _COUNTY_MUNICIPALITIES.finditer(text or ""):
        area = normalize_region(found.group("area"))
        if area and area != NATIONAL and area not in named:
            named.append(area)
    if named and all(region_covers(regions, area) for area in named):
        return tuple(named)
    return regions


def without_application(text: str | None) -> bool:
    """Whether a text says the money is paid out with no application ("söks inte"). Money the
    municipality must requisition is still to act on ("ingen ansökan: huvudmännen kan begära
    ut bidraget 15 mars–15 april")."""
    text = text or ""
    return bool(_NO_APPLICATION.search(text)) and not _REQUISITION.search(text)


def applicants_text(applicants: str | None, summary: str | None) -> str:
    """The applicants field, else what the summary says after "kan sökas av" and the like."""
    if applicants and applicants.strip():
        return applicants
    said = [m.group("who") for m in _APPLIES.finditer(summary or "")]
    said += [m.group("who") for m in _SUBJECT.finditer(summary or "")]
    return " ".join(w for w in said if not _BARE.match(w))


def municipality_may_apply(kinds: frozenset[str], text: str | None) -> bool | None:
    """True when a municipality may apply or be a partner, False when the text names only other
    kinds, None when it names no kind at all (unclear)."""
    if NO_APPLICATION in kinds:
        return False
    if kinds & MUNICIPAL or _PARTNER.search(text or ""):
        return True
    return False if kinds else None
