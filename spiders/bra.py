"""Brå: a list of support forms -> one page each, with the deadline in prose (funders.md §5.2).

"Lämna in ansökan senast den 30 november" (no year: the current one), "Ansökningsperioden är nu
stängd. Nästa ... öppnar sommaren 2024"; amounts under "Hur mycket kan man få?".
"""

from spiders._base import GrantPageSpider


class BraSpider(GrantPageSpider):
    kind = "bra"
