"""Hard filters: reasons a call cannot go to a municipality, whatever its words say.

They run before scoring and each rejection keeps its reason in Swedish, so the coordinator (and
the tests) can see why a call about exactly the right thing was not sent: it is closed, gone,
reserved for one named organisation, open only to kinds of applicant a municipality is not
(associations, companies, researchers), for another region, or from a samordningsförbund the
municipality is not a member of.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from crawler.config import Source
from crawler.config.needs import Inventory, Municipality
from crawler.model import Call
from crawler.normalize import ellipsize, regions
from crawler.normalize.applicants import (
    IN_MUNICIPALITY,
    applicant_kinds,
    applicant_regions,
    applicants_text,
    municipality_may_apply,
    without_application,
)

# "Endast Polismyndigheten", "riktar sig endast till Länsstyrelsen Västra Götaland",
# "Utlysningen är förbehållen Arbetsförmedlingen".
_RESERVED = re.compile(
    r"\b(?i:endast|enbart|uteslutande|förbehållen|förbehållet|förbehållna|exklusivt)\s+"
    r"(?i:för\s+|till\s+|av\s+)?(?P<who>[A-ZÅÄÖ][^.;:\n]{2,80})"
)
# Open only to organisations chosen or announced beforehand: "icke-konkurrerande", "endast för
# dem som tidigare anmält intresse", "bara öppen för de aktörer som lämnat en intresseanmälan".
_NON_COMPETITIVE = re.compile(
    r"icke[- ]?konkurrensutsatt|icke[- ]?konkurrerande|"
    r"\b(?:endast|bara|enbart)\b[^.;]{0,120}?\bsom\s+(?:tidigare\s+)?(?:har\s+)?"
    r"(?:anmält\s+intresse|lämnat\s+(?:en\s+)?intresseanmälan|visat\s+intresse)|"
    r"(?:som\s+(?:har\s+)?bjudits\s+in|inbjudna)\s+att\s+söka",
    re.IGNORECASE,
)
# Who may apply, spoken of as a kind rather than a name: not a reservation.
_KINDS = re.compile(
    r"\b(kommuner|kommunerna|regioner|regionerna|myndigheter|organisationer|föreningar|"
    r"företag|aktörer|huvudmän|sökande|medlemmar|parter|offentliga|ideella|stiftelser|"
    r"samordningsförbund|lärosäten|universitet|skolor)\b",
    re.IGNORECASE,
)
_APPLY_WORDS = re.compile(r"\b(söka|ansöka|sökande|ansökan|riktar sig|vänder sig)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SAMORDNINGSFORBUND = re.compile(r"samordningsförbund|finsam", re.IGNORECASE)


@dataclass(frozen=True)
class CallGate:
    """What the filters know about one call, worked out once and checked per municipality."""

    closed: str | None  # a reason, when no municipality may have it
    regions: tuple[str, ...]
    reserved_for: str | None  # the named organisation
    members: frozenset[str] | None  # casefolded municipality names; None = anyone
    members_source: str | None  # the samordningsförbund; None when the region list names them
    note: str | None = None  # said with every match of the call (applicants unclear)


def call_gate(
    call: Call,
    inventory: Inventory,
    *,
    today: date | None = None,
    gone: Collection[str] = (),
    sources: Mapping[str, Source] | None = None,
    known_members: Mapping[str, frozenset[str]] | None = None,
) -> CallGate:
    """What the filters need to know about a call. ``known_members`` (source id ->
    casefolded member names) saves looking through the inventory for every call."""
    source = (sources or {}).get(call.source)
    who = applicants_text(call.applicants, call.summary)
    listed = tuple(call.regions) or tuple(source.regions if source else ())
    call_regions = applicant_regions(who, listed)  # "Kommuner i Dalarnas län" narrows a list
    members = _members(call, inventory, source, known_members)
    members_source: str | None = call.funder or call.source
    if members is None:
        members, members_source = _listed_municipalities(call) or _home_municipality(who), None
    # A partner role may be in either text ("Kommuner kan vara medsökande" in the summary).
    may_apply = municipality_may_apply(applicant_kinds(who), f"{who} {call.summary or ''}")
    unsought = without_application(f"{who} {call.summary or ''}")
    return CallGate(
        closed=_closed_reason(call, today, gone) or _applicant_reason(who, may_apply, unsought),
        regions=call_regions,
        reserved_for=reserved_for(call),
        members=members,
        members_source=members_source,
        note=_unclear_note(call.applicants) if may_apply is None else None,
    )


def municipality_reason(gate: CallGate, municipality: Municipality) -> str | None:
    """Why this call cannot go to this municipality, or None when it may."""
    return (
        gate.closed
        or _reserved_reason(gate, municipality)
        or region_reason(gate, municipality.county)
        or member_reason(gate, municipality)
    )


def region_reason(gate: CallGate, county: str) -> str | None:
    if gate.regions and not _covers(gate.regions, county):
        return f"utlysningen gäller {', '.join(gate.regions)}, inte {county}"
    return None


def member_reason(gate: CallGate, municipality: Municipality) -> str | None:
    """Samordningsförbund and reservations: the answers that depend on the municipality's name."""
    if gate.members is not None and municipality.name.casefold() not in gate.members:
        if gate.members_source is None:
            where = ", ".join(gate.regions) or ", ".join(sorted(m.title() for m in gate.members))
            return f"utlysningen gäller {where}, inte {municipality.name}"
        return f"{municipality.name} är inte medlem i {gate.members_source}"
    return None


def _applicant_reason(who: str, may_apply: bool | None, unsought: bool = False) -> str | None:
    """Money paid out without an application is news, not a call: there is nothing to send."""
    if unsought:
        return "ingen ansökan: medlen betalas ut utan att kommunen söker"
    if may_apply is False:
        return f"kommuner kan inte söka (sökande: {_short(who)})"
    return None


def _unclear_note(applicants: str | None) -> str | None:
    """Only a stated applicants text that names no known kind is worth a word to the reader."""
    if applicants and applicants.strip():
        return f"oklart om kommuner kan söka (sökande: {_short(applicants)})"
    return None


def _short(text: str) -> str:
    return ellipsize(text.strip().rstrip("."), 80)


def _reserved_reason(gate: CallGate, municipality: Municipality) -> str | None:
    if gate.reserved_for:
        name = municipality.name.casefold()
        if not re.search(rf"\b{re.escape(name)}s?\b", gate.reserved_for.casefold()):
            return f"utlysningen är förbehållen {gate.reserved_for}"
    return None


@lru_cache(maxsize=65536)
def _covers(call_regions: tuple[str, ...], county: str) -> bool:
    return regions.region_covers(call_regions, county)


def _closed_reason(call: Call, today: date | None, gone: Collection[str]) -> str | None:
    if call.id in gone:
        return "utlysningen finns inte längre på finansiärens webbplats"
    if call.status == "closed":
        return "utlysningen är stängd"
    if today and call.deadline and call.status not in ("standing",):
        try:
            deadline = date.fromisoformat(call.deadline[:10])
        except ValueError:
            return None
        if deadline < today:
            return f"sista ansökningsdag {call.deadline[:10]} har passerat"
    return None


def reserved_for(call: Call) -> str | None:
    """The one organisation a call is reserved for, if its text says so.

    Only the applicants field and sentences about applying are read: "endast" elsewhere in a
    summary ("endast digitalt") says nothing about who may apply.
    """
    texts = [call.applicants or ""]
    texts += [s for s in _SENTENCE.split(call.summary or "") if _APPLY_WORDS.search(s)]
    non_competitive = any(
        _NON_COMPETITIVE.search(t) for t in (call.title, call.summary, call.applicants or "")
    )
    for text in texts:
        for found in _RESERVED.finditer(text):
            who = found.group("who").strip()
            if not _is_kind(who):
                return who
    if non_competitive:
        named = _named_organisation(" ".join(texts))
        return named or "de organisationer som utsetts eller anmält intresse i förväg"
    return None


def _is_kind(who: str) -> bool:
    """Whether applicants are spoken of as a kind ("Kommuner och regioner"), not one name.

    A kind word with a capital inside the phrase is part of a proper name: "Sveriges Kommuner
    och Regioner" is one organisation, "Kommuner och regioner i länet" is many.
    """
    for found in _KINDS.finditer(who):
        if found.start() == 0 or found.group(0)[0].islower():
            return True
    return False


def _named_organisation(text: str) -> str | None:
    found = re.search(
        r"\b((?:[A-ZÅÄÖ][\wåäö-]*(?:myndigheten|verket|styrelsen|förmedlingen|vården|rådet))"
        r"|Polisen|Kriminalvården|Länsstyrelsen[\w ]{0,30})",
        text,
    )
    return found.group(1).strip() if found else None


def members_by_source(inventory: Inventory) -> dict[str, frozenset[str]]:
    """Source id -> casefolded names of the municipalities that say they are members."""
    found: dict[str, set[str]] = {}
    for municipality in inventory.municipalities:
        for source_id in municipality.samordningsforbund:
            found.setdefault(source_id, set()).add(municipality.name.casefold())
    return {k: frozenset(v) for k, v in found.items()}


def _members(
    call: Call,
    inventory: Inventory,
    source: Source | None,
    known: Mapping[str, frozenset[str]] | None = None,
) -> frozenset[str] | None:
    """The municipalities a samordningsförbund's call is for, or None when it is not one."""
    listed: set[str] = set()
    if source is not None:
        listed |= {str(m).casefold() for m in source.options.get("members", []) or []}
    if known is None:
        known = members_by_source(inventory)
    listed |= known.get(call.source, frozenset())
    if listed:
        return frozenset(listed)
    if not _SAMORDNINGSFORBUND.search(f"{call.funder} {call.source}"):
        return None
    # A samordningsförbund we know nothing about: trust the municipalities its text (or its
    # region list) names.
    text = f"{call.title} {call.summary} {call.applicants or ''} {' '.join(call.regions)}"
    named = _named_municipalities(text, inventory)
    return frozenset(named) if named else None


def _listed_municipalities(call: Call) -> frozenset[str] | None:
    """A region list made only of municipality names ("Växjö", "Alvesta") is a call for those
    municipalities, not for their whole counties."""
    if not call.regions:
        return None
    if any(regions.normalize_region(item) for item in call.regions):
        return None  # a county, an ESF region or the whole country is named too
    if not all(regions.county_of_municipality(item) for item in call.regions):
        return None  # something we cannot read: let the region filter decide
    return frozenset(regions.municipality_name(item).casefold() for item in call.regions)


def _home_municipality(applicants: str) -> frozenset[str] | None:
    """The one municipality whose own fund a call is, when its applicants are "in" it
    ("Verksamheter i Jönköpings kommun"); none when the text names several as examples."""
    named = list(IN_MUNICIPALITY.finditer(applicants or ""))
    if len(named) != 1 or not regions.county_of_municipality(named[0].group("name")):
        return None
    return frozenset({regions.municipality_name(named[0].group("name")).casefold()})


def _named_municipalities(text: str, inventory: Inventory) -> Iterable[str]:
    names = _name_pattern(tuple(m.name for m in inventory.municipalities))
    return {found.group(1).casefold() for found in names.finditer(text)}


@lru_cache(maxsize=16)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for every municipality name (and its genitive), built once per inventory."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b({alternatives})s?\b", re.IGNORECASE)
