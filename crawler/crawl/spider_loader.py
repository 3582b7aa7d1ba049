"""Spiders come from config/sources.yaml: one per enabled source, named by the source's id.

Scrapy's own loader finds spider classes by their ``name``; ours are kinds of site (the
`grant_page` kind serves four agencies, `listing` three small sites), so the loader binds a
kind's class to each source.
That keeps `scrapy list` / `scrapy crawl <source-id>` (and Scrapyd) working on the same config
as `utlys crawl`.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import scrapy
from scrapy.http import Request
from scrapy.settings import BaseSettings

from crawler.config import ConfigError, Source, SourcesConfig, load_sources


def spider_class(kind: str) -> type[scrapy.Spider]:
    """The spider class of ``spiders/<kind>.py``: the one whose ``kind`` is the module's name."""
    module = importlib.import_module(f"spiders.{kind}")
    for _, obj in inspect.getmembers(module, inspect.isclass):
        if (
            issubclass(obj, scrapy.Spider)
            and obj.__module__ == module.__name__
            and getattr(obj, "kind", None) == kind
        ):
            return obj
    raise LookupError(f"spiders/{kind}.py defines no spider class with kind = {kind!r}")


def bound_spider(source: Source) -> type[scrapy.Spider]:
    """A subclass of the source's spider kind that needs no arguments: `scrapy crawl esf` does
    not pass ``source=``, so the class carries it."""
    base = spider_class(source.spider)

    def __init__(self: Any, *args: Any, source: Source | None = None, **kwargs: Any) -> None:
        base.__init__(self, *args, source=source or type(self).source, **kwargs)

    name = "".join(part.capitalize() for part in source.id.split("-")) + "Spider"
    return type(name, (base,), {"name": source.id, "source": source, "__init__": __init__})


def check_options(config: SourcesConfig, sources: list[Source] | None = None) -> None:
    """Let each source's spider kind check its ``options`` now, in this process: a mistake found
    inside the crawl process would fail every source of the crawl, not just the one."""
    for source in config.enabled() if sources is None else sources:
        try:
            spider_class(source.spider)(source=source)
        except ConfigError as exc:
            raise ConfigError(f"{config.path}: {exc}") from None


class SourceSpiderLoader:
    """Scrapy's SpiderLoaderProtocol over the sources file (setting ``UTLYS_SOURCES``)."""

    def __init__(self, settings: BaseSettings) -> None:
        self.config = load_sources(settings.get("UTLYS_SOURCES"))
        self._sources = {s.id: s for s in self.config.enabled()}
        self._classes: dict[str, type[scrapy.Spider]] = {}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SourceSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[scrapy.Spider]:
        if spider_name not in self._sources:
            raise KeyError(f"Spider not found: {spider_name}")
        if spider_name not in self._classes:
            self._classes[spider_name] = bound_spider(self._sources[spider_name])
        return self._classes[spider_name]

    def list(self) -> list[str]:
        return list(self._sources)

    def find_by_request(self, request: Request) -> list[str]:
        host = request.url.split("/")[2] if "://" in request.url else ""
        return [
            s.id
            for s in self._sources.values()
            if any(u.split("/")[2] == host for u in s.start_urls + s.news_urls)
        ]
