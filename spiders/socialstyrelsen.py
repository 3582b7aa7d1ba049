"""Socialstyrelsen statsbidrag (statsbidrag.socialstyrelsen.se): a listing -> grant pages with a
status line under the title: "Stängt för ansökan 30 september 2018", "Öppet för ansökan 1
oktober 2026, sista ansökningsdag 30 november 2026" (funders.md §5.2).
"""

from crawler.normalize import parse_time
from spiders._base import GrantPageSpider


class SocialstyrelsenSpider(GrantPageSpider):
    kind = "socialstyrelsen"

    def extra_fields(self, page):
        status_line = next((t for t in page["_lines"] if "ansökan" in t.casefold()), "")
        return {"deadline_time": parse_time(status_line)}
