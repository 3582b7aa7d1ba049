"""The HTTP cache policy: Scrapy's RFC2616Policy, made to revalidate whenever in doubt.

A watcher of funding calls must see a moved deadline on the next crawl, and a re-crawl of an
unchanged page should cost a 304, not a download. Two changes to RFC2616Policy serve both:

- **"no-cache" revalidates.** RFC 9111 5.2.2.4: a stored response with "no-cache" may be used
  after successful revalidation. RFC2616Policy returns "not fresh" without setting the
  validators, so every re-crawl of such a page downloads it in full. Many CMSs (and our snapshot
  server) send "no-cache".
- **No heuristic freshness.** Without max-age or Expires, RFC2616Policy treats a page as fresh
  for a tenth of the time since its Last-Modified: a page untouched for a year would not be
  asked for again for 36 days, so a changed deadline would go unseen. We use a stored copy
  without asking only when the server said how long it stays fresh.
"""

from __future__ import annotations

from scrapy.extensions.httpcache import RFC2616Policy, parse_cachecontrol
from scrapy.http import Request, Response


class RevalidatingPolicy(RFC2616Policy):
    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        control = parse_cachecontrol(cachedresponse.headers.get(b"Cache-Control", b""))
        explicit = b"max-age" in control or b"Expires" in cachedresponse.headers
        fresh = explicit and super().is_cached_response_fresh(cachedresponse, request)
        if not fresh:
            last_modified = cachedresponse.headers.get(b"Last-Modified")
            if last_modified:
                request.headers[b"If-Modified-Since"] = last_modified
            etag = cachedresponse.headers.get(b"ETag")
            if etag:
                request.headers[b"If-None-Match"] = etag
        return fresh
