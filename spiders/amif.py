"""Spider kind `amif` (stub; being written)."""

from spiders._base import CallSpider


class AmifSpider(CallSpider):
    kind = "amif"
