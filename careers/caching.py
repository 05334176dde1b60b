"""
Whole-page caching of public pages, invalidated the moment content changes.

Every cached page is stored under the current *content version*, a counter
kept in the shared cache. Any save or delete of content bumps it once the
transaction commits, so the next request on every app node misses the old
pages and renders fresh ones; old entries simply expire.

The cache is an optimisation, never a dependency: if it fails (Redis down or
unreachable), pages are rendered uncached, the failure is logged once per
interval, and the cache is tried again after that interval. After an outage
the version is bumped, since changes made meanwhile could not bump it.
"""

import functools
import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.utils.timezone import now

logger = logging.getLogger(__name__)

VERSION_KEY = "careers:content-version"
NEXT_CHANGE_KEY = "careers:next-scheduled-change"
RETRY_SECONDS = 10


class Breaker:
    """Skips the cache for a while after it fails, and logs that once."""

    def __init__(self):
        self.down_since = None
        self.retry_at = 0.0

    def call(self, operation, default=None):
        if self.down_since is not None and time.monotonic() < self.retry_at:
            return default
        try:
            result = operation()
        except Exception:
            if self.down_since is None:
                self.down_since = time.monotonic()
                logger.exception(
                    "Cache unavailable; serving pages uncached, retrying every %ss",
                    RETRY_SECONDS,
                )
            self.retry_at = time.monotonic() + RETRY_SECONDS
            return default
        if self.down_since is not None:
            try:
                # Changes made during the outage could not bump the version.
                new_version()
            except Exception:
                self.retry_at = time.monotonic() + RETRY_SECONDS
                return default
            self.down_since = None
            logger.warning("Cache available again; page caching resumes")
        return result


breaker = Breaker()


def next_scheduled_change():
    """When the next scheduled career goes live, or None."""
    from .models import CareerPath

    return CareerPath.objects.scheduled().aggregate(at=Min("publish_at"))["at"]


def new_version():
    """Start a new content version, valid until the next scheduled change."""
    version = uuid.uuid4().hex
    cache.set_many(
        {VERSION_KEY: version, NEXT_CHANGE_KEY: next_scheduled_change()}, timeout=None
    )
    return version


def content_version():
    """The current content version; a scheduled publication that has come due
    starts a new one, so no page outlives the moment its content changes."""

    def read():
        values = cache.get_many([VERSION_KEY, NEXT_CHANGE_KEY])
        version, next_change = values.get(VERSION_KEY), values.get(NEXT_CHANGE_KEY)
        if version is None or (next_change is not None and next_change <= now()):
            version = new_version()
        return version

    return breaker.call(read)


def content_changed():
    """Invalidate every cached page, on every node, once the change commits."""
    transaction.on_commit(lambda: breaker.call(new_version))


def page_key(request, version):
    # Scheme and host too: pages carry absolute links (canonical, JSON-LD).
    path = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"careers:page:{version}:{request.method}:{path}"


def is_cacheable(request):
    # Staff (any signed-in user) always see fresh pages, drafts included.
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
    )


def cache_public_page(view):
    """Serve anonymous GETs of a public page from the cache, keyed by version."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_cacheable(request):
            return view(request, *args, **kwargs)
        version = content_version()
        if version is None:  # cache unavailable
            return view(request, *args, **kwargs)
        key = page_key(request, version)
        cached = breaker.call(lambda: cache.get(key))
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)

        def store(response):
            if response.status_code == 200 and not response.cookies:
                breaker.call(
                    lambda: cache.set(key, response, settings.PAGE_CACHE_SECONDS)
                )

        if hasattr(response, "render") and callable(response.render):
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

    return wrapper
