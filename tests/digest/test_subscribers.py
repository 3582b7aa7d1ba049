"""Subscribers: config merged with the table; an unsubscribed address is never mailed again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.config import ConfigError
from crawler.store import save_calls
from digest.digests import build_digests
from digest.options import digest_options
from digest.subscribers import (
    NEWSLETTER,
    add,
    recipients,
    remove,
    unsubscribe,
)
from digest.unsubscribe import verify_unsubscribe_token

from .conftest import PERIOD, add_match, make_call


def emails(subs) -> list[str]:
    return sorted(s.email for s in subs)


def test_config_and_table_are_merged(db, inventory):
    add(db, inventory, "Växjö", "Extra@Vaxjo.Example.se", "Extra")
    assert emails(recipients(db, inventory, "växjö")) == [
        "chef@vaxjo.example.se",
        "extra@vaxjo.example.se",
        "utlysningar@vaxjo.example.se",
    ]
    assert emails(recipients(db, inventory, NEWSLETTER)) == ["styrgrupp@vaxjo.example.se"]


def test_an_unsubscribed_config_address_stays_unsubscribed_until_added_back(db, inventory, today):
    save_calls(db, "esf", [make_call(1)], seen_at="2026-11-16T06:00:00+00:00")
    add_match(db, "esf:1", "Växjö")
    assert remove(db, inventory, "Växjö", "chef@vaxjo.example.se") == "removed"
    assert remove(db, inventory, "Växjö", "chef@vaxjo.example.se") == "already removed"
    report = build_digests(db, inventory, PERIOD, settings={}, today=today)
    assert [to for _, to, _ in report.built] == ["utlysningar@vaxjo.example.se"]
    # Still in needs.yaml, still not mailed, also in a later month.
    report = build_digests(db, inventory, "2026-12", settings={}, today=today)
    assert "chef@vaxjo.example.se" not in [to for _, to, _ in report.built]
    assert add(db, inventory, "Växjö", "chef@vaxjo.example.se") == "resubscribed"
    report = build_digests(db, inventory, PERIOD, settings={}, today=today)
    assert sorted(to for _, to, _ in report.built) == [
        "chef@vaxjo.example.se",
        "utlysningar@vaxjo.example.se",
    ]


def test_removing_an_unknown_address_or_municipality_is_an_error(db, inventory):
    with pytest.raises(ConfigError, match="not subscribed to Växjö"):
        remove(db, inventory, "Växjö", "nobody@example.se")
    with pytest.raises(ConfigError, match="no municipality named 'Gotham'"):
        add(db, inventory, "Gotham", "a@example.se")
    assert db["subscribers"].count == 0


def test_unsubscribe_links_carry_a_token_that_only_fits_its_address():
    options = replace(
        digest_options(
            {
                "digest": {
                    "unsubscribe_url": "https://x.example.se/av?e={email}&m={municipality}&t={token}"
                }
            }
        ),
        secret="s3cret",
    )
    link = options.unsubscribe_link("Växjö", "chef@vaxjo.example.se", None)
    token = link.rsplit("t=", 1)[1]
    assert verify_unsubscribe_token("chef@vaxjo.example.se", "Växjö", token, "s3cret")
    assert not verify_unsubscribe_token("other@vaxjo.example.se", "Växjö", token, "s3cret")
    assert not verify_unsubscribe_token("chef@vaxjo.example.se", "Växjö", token, "other")


def test_the_unsubscribe_flow_records_an_address_only_known_from_config(db, inventory):
    known = inventory.municipality("Växjö").subscribers
    assert unsubscribe(db, "Växjö", "CHEF@vaxjo.example.se", known=known) == "removed"
    assert emails(recipients(db, inventory, "Växjö")) == ["utlysningar@vaxjo.example.se"]


def test_without_an_unsubscribe_page_the_link_is_a_mailto_to_the_coordinator():
    options = digest_options({})
    link = options.unsubscribe_link("Växjö", "chef@vaxjo.example.se", "samordnare@example.se")
    assert link.startswith("mailto:samordnare@example.se?subject=Avregistrera%20chef")
