"""Spider kind `listing` (stub; being written)."""

from spiders._base import CallSpider


class ListingSpider(CallSpider):
    kind = "listing"
