"""Spider kind `mucf` (stub; being written)."""

from spiders._base import CallSpider


class MucfSpider(CallSpider):
    kind = "mucf"
