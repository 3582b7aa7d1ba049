"""Spider kind `socialstyrelsen` (stub; being written)."""

from spiders._base import CallSpider


class SocialstyrelsenSpider(CallSpider):
    kind = "socialstyrelsen"
