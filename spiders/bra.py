"""Spider kind `bra` (stub; being written)."""

from spiders._base import CallSpider


class BraSpider(CallSpider):
    kind = "bra"
