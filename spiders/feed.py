"""Spider kind `feed` (stub; being written)."""

from spiders._base import CallSpider


class FeedSpider(CallSpider):
    kind = "feed"
