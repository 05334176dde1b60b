"""
Whole-page caching of public pages, invalidated the moment content changes.

Every cached page is stored under the current *content version*. Any save or
delete of content replaces it in the database once the transaction commits,
and writes it to the shared cache, so the next request on every app node
misses the old pages and renders fresh ones; old entries simply expire. The
shared cache holds the version for PAGE_CACHE_VERSION_SECONDS only: if a bump
could not reach it, every node reads the version from the database again
within that time.

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
from django.core.exceptions import TooManyFieldsSent
from django.db import DatabaseError, transaction
from django.db.models import Max, Min
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.http import parse_etags, urlencode
from django.utils.timezone import now

from portal import metrics

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


def stored_version():
    """The content version as the database has it, and the next moment a
    scheduled career goes live (which changes it), or None.

    The version names the last committed change and the last scheduled
    publication that has come due, so every node derives the same one.
    """
    from .models import CareerPath, ContentVersion

    token = ContentVersion.objects.values_list("token", flat=True).first()
    due = CareerPath.objects.published().aggregate(at=Max("publish_at"))["at"]
    upcoming = CareerPath.objects.scheduled().aggregate(at=Min("publish_at"))["at"]
    version = f"{token.hex if token else 'none'}-{due.timestamp() if due else 0}"
    return version, upcoming


def share_version(version, upcoming):
    # Only a short-lived copy: whatever bump the cache missed (it was down, or
    # restarted empty), every node takes the version from the database again
    # within PAGE_CACHE_VERSION_SECONDS.
    cache.set_many(
        {VERSION_KEY: version, NEXT_CHANGE_KEY: upcoming},
        timeout=settings.PAGE_CACHE_VERSION_SECONDS,
    )


def content_version():
    """The current content version, or None while the cache or the database
    cannot say; a scheduled publication that has come due changes it, so no
    page outlives the moment its content changes."""

    def read():
        values = cache.get_many([VERSION_KEY, NEXT_CHANGE_KEY])
        version, upcoming = values.get(VERSION_KEY), values.get(NEXT_CHANGE_KEY)
        if version is None or (upcoming is not None and upcoming <= now()):
            return None
        return version

    version = breaker.call(read, default=False)
    if version is not None:
        return version or None  # False: the cache is down
    try:
        version, upcoming = stored_version()
    except DatabaseError:
        return None  # the view answers its own 503
    breaker.call(lambda: share_version(version, upcoming))
    return version


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
    """Record a committed change in the database, then tell the cache at once.

    After the commit, so no node can store the old content under the new
    version; in the database, so a bump the cache misses is not lost.
    """
    from .models import ContentVersion

    token = uuid.uuid4()
    try:
        if not ContentVersion.objects.update(token=token):
            ContentVersion.objects.create(token=token)
        version = stored_version()
    except DatabaseError:
        # The change itself is committed; only its cached pages live on.
        logger.exception("Could not record a content change; pages may be stale")
        return
    breaker.call(lambda: share_version(*version))


def page_key(request, version, params):
    """The cache key of a page: its address with only the parameters its view
    reads, in a canonical order, so other parameters cannot fill the cache."""
    query = urlencode(
        [(name, value) for name in params for value in request.GET.getlist(name)]
    )
    # Scheme and host too: pages carry absolute links (canonical, JSON-LD).
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"careers:page:{version}:{request.method}:{digest}"


def cache_public_page(view=None, *, params=()):
    """Mark a view's pages as the same for every visitor, so PageCacheMiddleware
    may store them and answer anonymous GETs from the cache.

    `params` are the query parameters the view reads: only they key its pages.
    A class-based view declares them as its `cache_params` attribute instead.
    """

    def mark(view):
        view.public_page = True
        if params:
            view.cache_params = tuple(params)
        return view

    return mark if view is None else mark(view)


def public_page_params(request):
    """The query parameters that key a public page, or None if not public."""
    return _public_path_params(
        get_urlconf() or settings.ROOT_URLCONF, request.path_info
    )


def is_public_page(request):
    return public_page_params(request) is not None


@functools.lru_cache(maxsize=1024)
def _public_path_params(urlconf, path):
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    view = view_class.dispatch if view_class is not None else match.func
    if not getattr(view, "public_page", False):
        return None
    declared = getattr(view_class or match.func, "cache_params", ())
    return tuple(sorted(set(declared)))


class LocalPages:
    """The pages this process served lately, in front of the shared cache.

    Keys carry the content version, which is read from the shared cache on
    every request, so a change on any node still shows there too; this only
    saves fetching and unpickling the page itself. No page is kept longer
    than the shared cache keeps it.
    """

    def __init__(self, size=256):
        self.size = size
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            expires, page = entry
            if expires <= time.monotonic():
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return page

    def set(self, key, page, timeout):
        with self.lock:
            self.pages[key] = (time.monotonic() + timeout, page)
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
        params = self.eligible(request)
        if params is None:
            return self.get_response(request)
        version = content_version()
        if version is None:  # cache unavailable
            return self.get_response(request)
        key = page_key(request, version, params)
        page = local_pages.get(key)
        if page is None:
            page = breaker.call(lambda: cache.get(key))
            if page is not None:
                local_pages.set(key, page, settings.PAGE_CACHE_SECONDS)
        if page is not None:
            metrics.page_cache_hit()
            return page.response(request)
        metrics.page_cache_miss()
        response = self.get_response(request)
        if storable(response):
            page = Page.from_response(response)
            local_pages.set(key, page, settings.PAGE_CACHE_SECONDS)
            breaker.call(lambda: cache.set(key, page, settings.PAGE_CACHE_SECONDS))
        return response

    @staticmethod
    def eligible(request):
        """The parameters that key the page, or None if it is not cached."""
        if not (
            settings.PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            # Preconditions other than If-None-Match are left to the views.
            and not PRECONDITIONS.intersection(request.META)
        ):
            return None
        params = public_page_params(request)
        if params:
            try:
                request.GET  # noqa: B018 (parsed here, so its limit is the view's)
            except TooManyFieldsSent:
                return None  # the view refuses it
        return params
