"""Shared spider bases (work in progress: stubs so config loading works)."""

from __future__ import annotations

from typing import Any

import scrapy

from crawler.config import Source


class CallSpider(scrapy.Spider):
    kind = ""

    def __init__(self, source: Source, **kwargs: Any) -> None:
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.start_urls = list(source.start_urls) + list(source.news_urls)
        self.complete = True

    def parse(self, response, **kwargs):
        return iter(())
