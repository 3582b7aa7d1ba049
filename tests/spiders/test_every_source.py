"""One generic test over every configured source (kingfisher-collect's test_spiders.py): its
recorded pages exist and its spider, configured as in config/sources.yaml, reads valid calls
from them without errors."""

import importlib

import pytest
import yaml

from crawler.config import known_spiders, load_sources
from crawler.crawl.spider_loader import spider_class
from crawler.model import STATUSES
from crawler.normalize import safe_url

MANIFEST = yaml.safe_load(
    (__import__("crawler.config").config.REPO_ROOT / "tests/fixtures/manifest.yaml").read_text()
)
SOURCES = load_sources().sources


@pytest.mark.parametrize("source", SOURCES, ids=[s.id for s in SOURCES])
def test_configured_source_reads_valid_calls_from_its_fixture(source, crawl_fixture):
    entry = MANIFEST["sources"].get(source.id)
    assert entry, f"tests/fixtures/manifest.yaml has no entry for {source.id}"
    result = crawl_fixture(
        source.spider,
        entry["start_paths"],
        entry.get("news_paths", ()),
        source_id=source.id,
        today=MANIFEST["today"],
        options=dict(source.options),
    )
    assert result.calls, f"{source.id}: no call read from tests/fixtures/{source.id}/"
    assert not result.errors and result.spider.complete
    for call in result.calls:
        assert call.source == source.id and call.id.startswith(f"{source.id}:")
        assert call.title and call.title == call.title.strip()
        assert safe_url(call.url) == call.url
        assert call.status in STATUSES
        assert call.funder == source.funder
        assert all(safe_url(doc) == doc for doc in call.documents)
    assert len({c.id for c in result.calls}) == len(result.calls), "two calls share an id"


@pytest.mark.parametrize("kind", sorted(known_spiders()))
def test_every_spider_kind_is_one_class_that_says_why(kind):
    cls = spider_class(kind)
    assert cls.kind == kind
    assert not getattr(cls, "name", None)  # a spider is named after its source, not its kind
    assert (importlib.import_module(cls.__module__).__doc__ or "").strip()
