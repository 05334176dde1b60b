"""
Whole-page caching of public pages, invalidated the moment content changes.

Every cached page is stored under the current *content version*, a counter
kept in the shared cache. Any save or delete of content bumps it once the
transaction commits, so the next request on every app node misses the old
pages and renders fresh ones; old entries simply expire.

PageCacheMiddleware answers anonymous GETs of the views marked with
@cache_public_page (and their 304s) before sessions, CSRF, authentication and
the view run. Each process also keeps the pages it served lately in memory,
in front of the shared cache: the version is still read from the shared cache
on every request, so this saves only fetching and unpickling the page.

The cache is an optimisation, never a dependency: if it fails (Redis down or
unreachable), pages are rendered uncached, the failure is logged once per
interval, and the cache is tried again after that interval. After an outage
the version is bumped, since changes made meanwhile could not bump it.
"""

import functools
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.http import parse_etags
from django.utils.timezone import now

logger = logging.getLogger(__name__)

VERSION_KEY = "careers:content-version"
NEXT_CHANGE_KEY = "careers:next-scheduled-change"
RETRY_SECONDS = 10
PRECONDITIONS = {"HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}


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
    """Invalidate every cached page, on every node, once the change commits.

    Once per transaction: an import of many careers sends thousands of
    signals, and one new version covers them all. (A hook registered inside
    a savepoint that rolls back is dropped, but so are the changes after it
    in that savepoint.)"""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        hook is bump_version for _sids, hook, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(bump_version)


def bump_version():
    breaker.call(new_version)


def page_key(request, version):
    # Scheme and host too: pages carry absolute links (canonical, JSON-LD).
    path = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"careers:page:{version}:{request.method}:{path}"


def cache_public_page(view):
    """Mark a view's pages as the same for every visitor, so PageCacheMiddleware
    may store them and answer anonymous GETs from the cache."""
    view.public_page = True
    return view


def is_public_page(request):
    return _is_public_path(get_urlconf() or settings.ROOT_URLCONF, request.path_info)


@functools.lru_cache(maxsize=1024)
def _is_public_path(urlconf, path):
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    return getattr(match.func, "public_page", False) or (
        view_class is not None and getattr(view_class.dispatch, "public_page", False)
    )


class LocalPages:
    """The pages this process served lately, in front of the shared cache.

    Keys carry the content version, which is read from the shared cache on
    every request, so a change on any node still shows at once everywhere;
    this only saves fetching and unpickling the page itself.
    """

    def __init__(self, size=256):
        self.size = size
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def set(self, key, page):
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self):
        with self.lock:
            self.pages.clear()


local_pages = LocalPages()


@dataclass(frozen=True)
class Page:
    """A stored response: all it needs to be sent again, and cheap to pickle."""

    status: int
    headers: tuple
    content: bytes

    @classmethod
    def from_response(cls, response):
        return cls(response.status_code, tuple(response.items()), response.content)

    def response(self, request):
        headers = dict(self.headers)
        if not_modified(request, headers.get("ETag")):
            # Every header a 200 would carry (CORS included), but no body.
            for name in ("Content-Type", "Content-Length"):
                headers.pop(name, None)
            return HttpResponseNotModified(headers=headers)
        return HttpResponse(self.content, status=self.status, headers=headers)


def not_modified(request, etag):
    wanted = request.META.get("HTTP_IF_NONE_MATCH")
    if not (etag and wanted):
        return False
    return etag in parse_etags(wanted) or wanted.strip() == "*"


def storable(response):
    # "Vary: Cookie" is fine: only requests without a session cookie are
    # answered from the cache, and a response that sets a cookie is not stored.
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    )


class PageCacheMiddleware:
    """Answer anonymous GETs of public pages from the cache, 304 included.

    It sits just inside WhiteNoise, before everything a cached page does not
    need (sessions, CSRF, authentication), and stores responses on their way
    out, after those have added their headers. A visitor without a session
    cookie cannot be signed in, so that is all it checks; staff, who always
    have one, get fresh pages and drafts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.eligible(request):
            return self.get_response(request)
        version = content_version()
        if version is None:  # cache unavailable
            return self.get_response(request)
        key = page_key(request, version)
        page = local_pages.get(key)
        if page is None:
            page = breaker.call(lambda: cache.get(key))
            if page is not None:
                local_pages.set(key, page)
        if page is not None:
            return page.response(request)
        response = self.get_response(request)
        if storable(response):
            page = Page.from_response(response)
            local_pages.set(key, page)
            breaker.call(lambda: cache.set(key, page, settings.PAGE_CACHE_SECONDS))
        return response

    @staticmethod
    def eligible(request):
        return (
            settings.PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            # Preconditions other than If-None-Match are left to the views.
            and not PRECONDITIONS.intersection(request.META)
            and is_public_page(request)
        )
