"""RSS/Atom news feeds (e.g. ESF-rådet's WordPress feed): news often announce calls before the
call page exists (funders.md §1.3). Every start URL is a feed; ``options.keywords`` keeps only
the entries whose title or text mentions one of the words. All work is in ``FeedSpider``.
"""

from spiders._base import FeedSpider


class NewsFeedSpider(FeedSpider):
    kind = "feed"
