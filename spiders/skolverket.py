"""Spider kind `skolverket` (stub; being written)."""

from spiders._base import CallSpider


class SkolverketSpider(CallSpider):
    kind = "skolverket"
