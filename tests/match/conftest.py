"""Fixtures of the matching tests: a small needs inventory on disk and a call factory."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.config.needs import Inventory, load_needs
from crawler.model import Call

NEEDS_YAML = """
municipalities:
  - name: Växjö
    county: Kronoberg
    samordningsforbund: [sf-varend]
    needs: [langtidsarbetslosa, utrikesfodda-kvinnor, missbruk-psykisk-ohalsa]
    subscribers:
      - {email: vaxjo@vaxjo.example.se, name: Växjö kommun}
  - name: Ljungby
    county: Kronobergs län
    needs: [langtidsarbetslosa, uvas]
  - name: Kiruna
    county: Norrbotten
    needs: [langtidsarbetslosa, uvas]
needs:
  - id: langtidsarbetslosa
    title: Långtidsarbetslösa
    description: >-
      Insatser och metoder för långtidsarbetslösa, t.ex. peer support, så att fler kommer i arbete.
  - id: utrikesfodda-kvinnor
    title: Utrikesfödda kvinnor
    description: Vägar till arbete och språk för utrikesfödda kvinnor.
  - id: missbruk-psykisk-ohalsa
    title: Missbruk och psykisk ohälsa
    description: Verksamhet för personer med missbruk och psykisk ohälsa.
  - id: uvas
    title: Unga som varken arbetar eller studerar
    description: Stöd tillbaka till studier eller jobb.
"""


@pytest.fixture
def needs_file(tmp_path: Path) -> Path:
    path = tmp_path / "needs.yaml"
    path.write_text(NEEDS_YAML, encoding="utf-8")
    return path


@pytest.fixture
def inventory(needs_file: Path) -> Inventory:
    return load_needs(needs_file)


@pytest.fixture
def make_call():
    """A call with sensible defaults: open, national, ESF."""

    numbers = itertools.count(1)

    def make(title: str, summary: str = "", **fields: Any) -> Call:
        values: dict[str, Any] = {
            "id": fields.pop("id", f"esf:{next(numbers)}"),
            "source": "esf",
            "funder": "Svenska ESF-rådet",
            "url": "https://www.esf.se/utlysningar/x/",
            "status": "open",
            "regions": ["Nationell"],
        }
        values.update(fields)
        return Call(title=title, summary=summary, **values)

    return make


@pytest.fixture
def one_need(tmp_path: Path) -> Callable[..., Inventory]:
    """An inventory of one municipality (Växjö) with one need, id "a", read from a real file."""

    def make(title: str, description: str = "") -> Inventory:
        path = tmp_path / "one_need.yaml"
        needs = {
            "municipalities": [{"name": "Växjö", "county": "Kronoberg", "needs": ["a"]}],
            "needs": [{"id": "a", "title": title, "description": description}],
        }
        path.write_text(json.dumps(needs, ensure_ascii=False), encoding="utf-8")  # YAML reads JSON
        return load_needs(path)

    return make
