"""The subscribers table: rows by address in lower case, and writes that join the caller's
transaction (digest.subscribers reads and writes in one)."""

import pytest

from crawler.store import open_db, write_transaction
from crawler.store.subscribers import (
    add_subscriber,
    deactivate,
    record_unsubscribed,
    resubscribe,
    subscriptions,
)


@pytest.fixture
def db(db_path):
    return open_db(db_path)


def test_an_added_address_unsubscribes_and_comes_back_with_its_name(db):
    add_subscriber(db, "Växjö", "Chef@Vaxjo.example.se", name="Chef", at="2026-11-01T08:00:00")
    row = subscriptions(db, "växjö")["chef@vaxjo.example.se"]
    assert (row["active"], row["added_at"], row["unsubscribed_at"]) == (
        1, "2026-11-01T08:00:00", None,
    )  # fmt: skip
    deactivate(db, row["id"], at="2026-11-02T08:00:00")
    row = subscriptions(db, "Växjö")["chef@vaxjo.example.se"]
    assert (row["active"], row["unsubscribed_at"]) == (0, "2026-11-02T08:00:00")
    resubscribe(db, row["id"], name=None, at="2026-11-03T08:00:00")  # no name: keep the old
    row = subscriptions(db, "Växjö")["chef@vaxjo.example.se"]
    assert (row["active"], row["added_at"], row["unsubscribed_at"], row["name"]) == (
        1, "2026-11-03T08:00:00", None, "Chef",
    )  # fmt: skip


def test_an_unsubscribed_config_address_is_a_row_without_added_at(db):
    record_unsubscribed(db, "*", "a@b.example.se", name="A", at="2026-11-02T08:00:00")
    row = subscriptions(db, "*")["a@b.example.se"]
    assert (row["active"], row["added_at"], row["unsubscribed_at"]) == (
        0, None, "2026-11-02T08:00:00",
    )  # fmt: skip
    assert subscriptions(db, "Växjö") == {}


def test_writes_roll_back_with_the_callers_transaction(db):
    with pytest.raises(RuntimeError), write_transaction(db):
        add_subscriber(db, "Växjö", "a@b.example.se", name=None, at="2026-11-01T08:00:00")
        raise RuntimeError("the caller failed after the write")
    assert subscriptions(db, "Växjö") == {}
