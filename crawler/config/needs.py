"""The needs inventory (config/needs.yaml): municipalities, their needs and who hears about them.

The coordinator edits the file by hand and the matcher, the digests and the scheduler all read it,
so it is validated once, here: every mistake comes back as one ConfigError line naming the file,
the need or municipality, and the field, and nothing runs on a half-valid inventory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.config.files import ConfigError, default_file, read_yaml
from crawler.config.sources import SourcesConfig

TOP_KEYS = {"coordinator", "newsletter", "municipalities", "needs", "synonyms", "concepts"}
MUNICIPALITY_REQUIRED = {"name", "needs"}
MUNICIPALITY_OPTIONAL = {"county", "subscribers", "samordningsforbund", "contact", "note"}
NEED_REQUIRED = {"id", "title"}
NEED_OPTIONAL = {"description", "synonyms", "exclude", "weight", "note", "keywords", "exclusions"}
# Other names people give the same list; read as the field they mean.
NEED_ALIASES = {"keywords": "synonyms", "exclusions": "exclude"}
COORDINATOR_REQUIRED = {"name", "email", "organisation"}
COORDINATOR_OPTIONAL = {"title", "phone"}
SUBSCRIBER_KEYS = {"email", "name"}
# Deliberately loose: catches typos such as a missing "@" or domain, not every RFC 5322 corner.
EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


@dataclass(frozen=True)
class Subscriber:
    email: str
    name: str | None = None


@dataclass(frozen=True)
class Municipality:
    name: str
    county: str
    needs: tuple[str, ...]
    subscribers: tuple[Subscriber, ...] = ()
    # Samordningsförbund (source ids such as "sf-varend") the municipality is a member of; the
    # sources' own `members` option says the same from the other side, either is enough.
    samordningsforbund: tuple[str, ...] = ()


@dataclass(frozen=True)
class Need:
    id: str
    title: str
    description: str
    synonyms: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    weight: float = 1.0


@dataclass(frozen=True)
class Coordinator:
    name: str
    email: str
    organisation: str
    title: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Inventory:
    path: Path
    municipalities: tuple[Municipality, ...]
    needs: tuple[Need, ...]
    coordinator: Coordinator | None = None
    newsletter: tuple[Subscriber, ...] = ()
    # Extra synonym groups from needs.yaml, added to the shipped crawler/match/concepts.yaml.
    synonyms: tuple[tuple[str, ...], ...] = ()
    # Words for shipped concepts, by concept id (the ids are checked when the matcher loads them).
    concepts: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def municipality(self, name: str) -> Municipality:
        wanted = name.strip().casefold()
        for municipality in self.municipalities:
            if municipality.name.casefold() == wanted:
                return municipality
        raise ConfigError(f"{self.path}: no municipality named {name!r}")

    def need(self, need_id: str) -> Need:
        for need in self.needs:
            if need.id == need_id:
                return need
        raise ConfigError(f"{self.path}: no need with id {need_id!r}")


def load_needs(path: str | Path | None = None) -> Inventory:
    """Read and validate the needs inventory; raise ConfigError with a one-line message."""
    path = Path(path) if path else default_file("needs.yaml")
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping with 'municipalities' and 'needs'")
    for key in sorted(set(raw) - TOP_KEYS):
        raise ConfigError(f"{path}: unknown top-level key {key!r}")
    for key in ("needs", "municipalities"):
        if not isinstance(raw.get(key), list):
            raise ConfigError(f"{path}: top-level key {key!r}: missing or not a list")

    needs: list[Need] = []
    for index, entry in enumerate(raw["needs"], start=1):
        need = _need(path, index, entry)
        if any(n.id == need.id for n in needs):
            raise ConfigError(f"{path}: need {need.id}: field 'id': duplicate id")
        needs.append(need)
    need_ids = {n.id for n in needs}

    municipalities: list[Municipality] = []
    for index, entry in enumerate(raw["municipalities"], start=1):
        municipality = _municipality(path, index, entry, need_ids)
        if any(m.name.casefold() == municipality.name.casefold() for m in municipalities):
            raise ConfigError(
                f"{path}: municipality {municipality.name}: field 'name': duplicate name"
            )
        municipalities.append(municipality)

    return Inventory(
        path=path,
        municipalities=tuple(municipalities),
        needs=tuple(needs),
        coordinator=_coordinator(path, raw.get("coordinator")),
        newsletter=_subscribers(path, "newsletter", "", raw.get("newsletter")),
        synonyms=_synonym_groups(path, raw.get("synonyms")),
        concepts=_concept_words(path, raw.get("concepts")),
    )


def _text(value: Any) -> str | None:
    """A scalar given in YAML as text; numbers are accepted because YAML turns `2030` into one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        text = " ".join(str(value).split())
        return text or None
    return None


def _text_list(value: Any) -> tuple[str, ...] | None:
    """A list of texts; one plain text counts as a one-item list. None when malformed."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return None
    items = [_text(v) for v in value]
    if any(v is None for v in items):
        return None
    return tuple(dict.fromkeys(items))  # type: ignore[arg-type]


def _check_keys(entry: dict, required: set[str], optional: set[str], fail: Any) -> None:
    for key in sorted(required - set(entry)):
        raise fail(key, "missing")
    for key in sorted(set(entry) - required - optional):
        raise fail(key, "unknown field")


def _need(path: Path, index: int, entry: Any) -> Need:
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: need #{index}: expected a mapping")
    name = _text(entry.get("id")) or f"#{index}"

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: need {name}: field {key!r}: {problem}")

    _check_keys(entry, NEED_REQUIRED, NEED_OPTIONAL, fail)
    need_id = _text(entry["id"])
    if need_id is None or " " in need_id:
        raise fail("id", "must be a short id without spaces, such as 'langtidsarbetslosa'")
    title = _text(entry["title"])
    if title is None:
        raise fail("title", "must be a non-empty text")
    description = entry.get("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise fail("description", "must be a text")
    lists = {}
    for key in ("synonyms", "exclude", *NEED_ALIASES):
        lists[key] = _text_list(entry.get(key))
        if lists[key] is None:
            raise fail(key, "must be a list of words or phrases")
    for alias, key in NEED_ALIASES.items():
        lists[key] = tuple(dict.fromkeys(lists[key] + lists[alias]))
    weight = entry.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10:
        raise fail("weight", "must be a number above 0 and at most 10")
    return Need(
        id=need_id,
        title=title,
        description=" ".join(description.split()),
        synonyms=lists["synonyms"],
        exclude=lists["exclude"],
        weight=float(weight),
    )


def _municipality(path: Path, index: int, entry: Any, need_ids: set[str]) -> Municipality:
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: municipality #{index}: expected a mapping")
    name = _text(entry.get("name")) or f"#{index}"

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: municipality {name}: field {key!r}: {problem}")

    _check_keys(entry, MUNICIPALITY_REQUIRED, MUNICIPALITY_OPTIONAL, fail)
    if _text(entry["name"]) is None:
        raise fail("name", "must be a non-empty text")
    county = _county(_text(entry.get("county")), name, fail)
    needs = _text_list(entry["needs"])
    if needs is None:
        raise fail("needs", "must be a list of need ids")
    for need_id in needs:
        if need_id not in need_ids:
            raise fail("needs", f"unknown need id {need_id!r}")
    members = _text_list(entry.get("samordningsforbund"))
    if members is None:
        raise fail("samordningsforbund", "must be a list of source ids")
    subscribers = _subscribers(path, "municipality", name, entry.get("subscribers"))
    return Municipality(
        name=name,
        county=county,
        needs=needs,
        subscribers=subscribers,
        samordningsforbund=members,
    )


def _county(county: str | None, municipality: str, fail: Any) -> str:
    """The county in the short form the region filter compares ("Kronobergs län" -> "Kronoberg");
    when absent, taken from the municipality's name if crawler.normalize.regions knows it. A
    county that is not one of the 21, or a known municipality put under another county, would
    silently send it the wrong region's calls."""
    from crawler.normalize import regions

    known = regions.county_of_municipality(municipality)
    if county is None:
        if known is None:
            raise fail("county", "missing, and the municipality's county is not known")
        return known
    short = regions.normalize_region(county)
    if short not in regions.COUNTIES:
        raise fail("county", f"unknown county {county!r}; use one of the 21 län, e.g. Kronoberg")
    if known is not None and known != short:
        raise fail("county", f"{municipality} lies in {known}, not {short}")
    return short


def check_against_sources(inventory: Inventory, sources: SourcesConfig) -> None:
    """Every samordningsförbund a municipality names must be a source: an unknown id would leave
    its calls open to every municipality instead of to the members."""
    ids = {source.id for source in sources.sources}
    for municipality in inventory.municipalities:
        for source_id in municipality.samordningsforbund:
            if source_id not in ids:
                raise ConfigError(
                    f"{inventory.path}: municipality {municipality.name}: field"
                    f" 'samordningsforbund': {source_id!r} is not a source id in {sources.path}"
                )


def _subscribers(path: Path, kind: str, name: str, raw: Any) -> tuple[Subscriber, ...]:
    where = f"{kind} {name}: field 'subscribers'" if name else f"field {kind!r}"
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: {where}: must be a list of {{email, name}}")
    subscribers: list[Subscriber] = []
    for position, item in enumerate(raw, start=1):
        if isinstance(item, str):
            item = {"email": item}
        if not isinstance(item, dict):
            raise ConfigError(f"{path}: {where} #{position}: expected {{email, name}}")
        unknown = sorted(set(item) - SUBSCRIBER_KEYS)
        if unknown:
            raise ConfigError(f"{path}: {where} #{position}: unknown field {unknown[0]!r}")
        email = _text(item.get("email"))
        if email is None or not EMAIL.match(email):
            raise ConfigError(f"{path}: {where} #{position}: bad email {item.get('email')!r}")
        if any(s.email.casefold() == email.casefold() for s in subscribers):
            raise ConfigError(f"{path}: {where} #{position}: duplicate email {email!r}")
        subscribers.append(Subscriber(email=email, name=_text(item.get("name"))))
    return tuple(subscribers)


def _coordinator(path: Path, raw: Any) -> Coordinator | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: coordinator: expected a mapping")

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: coordinator: field {key!r}: {problem}")

    _check_keys(raw, COORDINATOR_REQUIRED, COORDINATOR_OPTIONAL, fail)
    values = {key: _text(raw.get(key)) for key in COORDINATOR_REQUIRED | COORDINATOR_OPTIONAL}
    for key in sorted(COORDINATOR_REQUIRED):
        if values[key] is None:
            raise fail(key, "must be a non-empty text")
    if not EMAIL.match(values["email"] or ""):
        raise fail("email", f"bad email {values['email']!r}")
    return Coordinator(**values)  # type: ignore[arg-type]


def _synonym_groups(path: Path, raw: Any) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: field 'synonyms': must be a list of lists of words")
    groups = []
    for position, group in enumerate(raw, start=1):
        words = _text_list(group)
        if not words or len(words) < 2:
            raise ConfigError(
                f"{path}: field 'synonyms' #{position}: must be a list of at least two words"
            )
        groups.append(words)
    return tuple(groups)


def _concept_words(path: Path, raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{path}: field 'concepts': must map a concept id to a list of words,"
            " e.g. 'utrikesfodda: [asylsökande]'"
        )
    out = []
    for concept, value in raw.items():
        words = _text_list(value)
        if _text(concept) is None or not words:
            raise ConfigError(
                f"{path}: field 'concepts': {concept!r}: must be a list of words or phrases"
            )
        out.append((str(concept), words))
    return tuple(out)
