"""Spider kind `tillvaxtverket` (stub; being written)."""

from spiders._base import CallSpider


class TillvaxtverketSpider(CallSpider):
    kind = "tillvaxtverket"
