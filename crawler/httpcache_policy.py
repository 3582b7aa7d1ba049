"""The HTTP cache policy: Scrapy's RFC2616Policy, revalidating on ``Cache-Control: no-cache``.

RFC 9111 5.2.2.4: a stored response with "no-cache" may be used after successful revalidation
with the origin server. Scrapy's RFC2616Policy returns "not fresh" for it without setting the
validators, so every re-crawl of such a page downloads it in full. Many CMSs (and our snapshot
server) send "no-cache": with this policy a re-crawl of an unchanged page is a 304.
"""

from __future__ import annotations

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response


class RevalidatingPolicy(RFC2616Policy):
    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        fresh = super().is_cached_response_fresh(cachedresponse, request)
        if not fresh:
            # The parent sets these only when "no-cache" is absent; setting them twice is fine.
            last_modified = cachedresponse.headers.get(b"Last-Modified")
            if last_modified:
                request.headers[b"If-Modified-Since"] = last_modified
            etag = cachedresponse.headers.get(b"ETag")
            if etag:
                request.headers[b"If-None-Match"] = etag
        return fresh
