"""The content version pages are stored under, and the breaker that keeps a
failing cache from slowing every request.

The version is the domain's to say: PAGE_CACHE_VERSION_SOURCE names the
function that reads it from the database (careers.changes.stored_version),
so this package never imports the domain. The shared cache keeps a copy for
PAGE_CACHE_VERSION_SECONDS, which every node reads on every request.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Literal, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.module_loading import import_string
from django.utils.timezone import now

from portal import metrics

from .keys import KEY_PREFIX

logger = logging.getLogger(__name__)

VERSION_KEY = f"{KEY_PREFIX}content-version"  # (version, next scheduled change)
RETRY_SECONDS = 10

T = TypeVar("T")


class Breaker:
    """Skips the cache for a while after it fails, and logs that once."""

    def __init__(self) -> None:
        self.down_since: float | None = None
        self.retry_at = 0.0

    def call(self, operation: Callable[[], T], default: T | None = None) -> T | None:
        if self.down_since is not None and time.monotonic() < self.retry_at:
            return default
        try:
            if self.down_since is not None:
                # Changes made during the outage could not reach the cache:
                # the next read takes the version from the database.
                cache.delete(VERSION_KEY)
            result = operation()
        except Exception:
            metrics.cache_error()
            if self.down_since is None:
                self.down_since = time.monotonic()
                logger.exception(
                    "Cache unavailable; serving pages uncached, retrying every %ss",
                    RETRY_SECONDS,
                )
            self.retry_at = time.monotonic() + RETRY_SECONDS
            return default
        if self.down_since is not None:
            self.down_since = None
            logger.warning("Cache available again; page caching resumes")
        return result


breaker = Breaker()


def stored_version() -> tuple[str, datetime | None]:
    """The content version as the database has it, and the next moment it
    changes by itself (a scheduled publication), or None: whatever the
    function PAGE_CACHE_VERSION_SOURCE names returns."""
    source: Callable[[], tuple[str, datetime | None]] = import_string(
        settings.PAGE_CACHE_VERSION_SOURCE
    )
    return source()


def content_version() -> str | None:
    """The current content version, or None while the cache or the database
    cannot say; a scheduled publication that has come due changes it, so no
    page outlives the moment its content changes."""
    cached: tuple[str, datetime | None] | Literal[False] | None = breaker.call(
        lambda: cache.get(VERSION_KEY), default=False
    )
    if cached is False:
        return None  # the cache is down
    if cached is not None:
        version, upcoming = cached
        if upcoming is None or upcoming > now():
            return version
    try:
        version, upcoming = stored_version()
    except DatabaseError:
        metrics.database_error()
        return None  # the view answers its own 503
    # Only a short-lived copy: whatever the cache missed (it was down, or
    # restarted empty), every node reads the database again within
    # PAGE_CACHE_VERSION_SECONDS. `add`, so a reader that read the database
    # just before a change committed cannot put back the version it replaced;
    # a scheduled publication that came due overwrites, with the same value
    # on every node.
    store = cache.add if cached is None else cache.set
    breaker.call(
        lambda: store(
            VERSION_KEY, (version, upcoming), settings.PAGE_CACHE_VERSION_SECONDS
        )
    )
    return version


def share_version() -> None:
    """Tell the cache the new version, once the change has committed: no node
    can then store the old content under it. The domain registers it with
    transaction.on_commit when content changes."""
    try:
        version = stored_version()
    except DatabaseError:
        # The change is recorded; nodes read it within the bound.
        logger.exception("Could not read the new content version")
        metrics.database_error()
        return
    breaker.call(
        lambda: cache.set(VERSION_KEY, version, settings.PAGE_CACHE_VERSION_SECONDS)
    )
