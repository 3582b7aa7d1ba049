"""The call record: ids are stable across hosts, loose input is accepted, and the content hash
ignores when a page was scraped."""

import pytest

from crawler.model import Call, call_id


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("esf", "2026/00123", None), "esf:2026/00123"),
        (("esf", None, "https://www.esf.se/utlysningar/a/#top"), "esf:/utlysningar/a/"),
        (("esf", None, "http://127.0.0.1:8123/utlysningar/a/"), "esf:/utlysningar/a/"),
        (("bra", None, "https://bra.se/stod.html?id=4"), "bra:/stod.html?id=4"),
    ],
)
def test_call_id_uses_the_funders_id_or_the_path(args, expected):
    assert call_id(*args) == expected


def test_call_id_needs_an_id_or_a_url():
    with pytest.raises(ValueError):
        call_id("esf")


def test_from_dict_accepts_missing_fields_and_a_plain_string_for_a_list():
    call = Call.from_dict({"id": "x:1", "title": "T", "regions": "Kronoberg", "extra": 1})
    assert call.regions == ["Kronoberg"]
    assert call.target_groups == [] and call.status == "unknown"


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="status"):
        Call(id="x:1", source="x", funder="F", title="T", url="u", status="ajar")


def test_content_hash_ignores_scraped_at_but_not_the_deadline():
    a = Call(id="x:1", source="x", funder="F", title="T", url="u", scraped_at="2026-01-01")
    b = Call(id="x:1", source="x", funder="F", title="T", url="u", scraped_at="2026-02-01")
    c = Call(id="x:1", source="x", funder="F", title="T", url="u", deadline="2026-03-01")
    assert a.content_hash() == b.content_hash() != c.content_hash()
