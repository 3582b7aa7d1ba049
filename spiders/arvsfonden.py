"""Spider kind `arvsfonden` (stub; being written)."""

from spiders._base import CallSpider


class ArvsfondenSpider(CallSpider):
    kind = "arvsfonden"
