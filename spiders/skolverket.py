"""Skolverket statsbidrag: a listing -> one page per grant, the application period in prose.

"Ansökan är öppen 1 mars–3 april 2027 i e-tjänsten för statsbidrag" (a future period is a
planned call), "Ansökan för våren var öppen 1 mars–3 april 2023" (closed), funders.md §5.2.
"""

from spiders._base import GrantPageSpider


class SkolverketSpider(GrantPageSpider):
    kind = "skolverket"
