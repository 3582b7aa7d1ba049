"""Spider kind `esf` (stub; being written)."""

from spiders._base import CallSpider


class EsfSpider(CallSpider):
    kind = "esf"
