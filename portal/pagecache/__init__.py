"""
Whole-page caching of public pages, invalidated the moment content changes.

Every cached page is stored under the current *content version*. Any save or
delete of content records a change in its own transaction, and once that
commits writes the new version to the shared cache (`share_version`), so the
next request on every app node misses the old pages and renders fresh ones;
old entries simply expire. The shared cache holds the version for
PAGE_CACHE_VERSION_SECONDS only: if the new version could not reach it, every
node reads the version from the database again within that time.

The content is the domain's: this package only asks for its version, through
the function PAGE_CACHE_VERSION_SOURCE names (careers.changes.stored_version),
and never imports the domain, which calls `share_version` itself.

Pages are keyed by scheme, host, path and only the query parameters their
view declares (`cache_params`), so junk parameters cannot fill the cache.

PageCacheMiddleware answers anonymous GETs of the views marked with
@cache_public_page (and their 304s) before sessions, CSRF, authentication and
the view run. Each process also keeps the pages it served lately in memory,
in front of the shared cache: the version is still read from the shared cache
on every request, so this saves only fetching and unpickling the page.

The cache is an optimisation, never a dependency: if it fails (Redis down or
unreachable), pages are rendered uncached, the failure is logged once per
interval, and the cache is tried again after that interval. After an outage
the version is read from the database again, since changes made meanwhile
could not reach the cache.

Modules: `version` (the content version and the breaker), `keys` (what keys
a page), `store` (what is stored, in Redis and in each process), `decorators`
(`cache_public_page`), `middleware` (PageCacheMiddleware).
"""

from .decorators import cache_public_page
from .keys import KEY_PREFIX, applied_params, page_key
from .middleware import PageCacheMiddleware
from .store import LocalPages, Page, local_pages
from .version import (
    RETRY_SECONDS,
    VERSION_KEY,
    breaker,
    content_version,
    share_version,
    stored_version,
)

__all__ = [
    "KEY_PREFIX",
    "RETRY_SECONDS",
    "VERSION_KEY",
    "LocalPages",
    "Page",
    "PageCacheMiddleware",
    "applied_params",
    "breaker",
    "cache_public_page",
    "content_version",
    "local_pages",
    "page_key",
    "share_version",
    "stored_version",
]
