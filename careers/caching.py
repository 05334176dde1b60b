"""
Whole-page caching of public pages, invalidated the moment content changes.

Every cached page is stored under the current *content version*. Any save or
delete of content records a ContentChange in its own transaction, and once
that commits writes the new version to the shared cache, so the next request
on every app node misses the old pages and renders fresh ones; old entries
simply expire. The shared cache holds the version for
PAGE_CACHE_VERSION_SECONDS only: if the new version could not reach it, every
node reads the version from the database again within that time.

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
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import TooManyFieldsSent
from django.db import DatabaseError, transaction
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.http import parse_etags, urlencode
from django.utils.timezone import now

from portal import metrics

logger = logging.getLogger(__name__)

VERSION_KEY = "careers:content-version"  # (version, next scheduled change)
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

    The version names the committed changes and the last scheduled
    publication that has come due, so every node derives the same one.
    """
    from .models import CareerPath, ContentChange

    changes = ContentChange.objects.aggregate(count=Count("pk"), last=Max("at"))
    due = CareerPath.objects.published().aggregate(at=Max("publish_at"))["at"]
    upcoming = CareerPath.objects.scheduled().aggregate(at=Min("publish_at"))["at"]
    # The time as well as the count: a database restored from a backup counts
    # from an earlier number again, but never at the same moments.
    version = "-".join(
        str(part.timestamp() if hasattr(part, "timestamp") else part or 0)
        for part in (changes["count"], changes["last"], due)
    )
    return version, upcoming


def content_version():
    """The current content version, or None while the cache or the database
    cannot say; a scheduled publication that has come due changes it, so no
    page outlives the moment its content changes."""
    cached = breaker.call(lambda: cache.get(VERSION_KEY), default=False)
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


def content_changed():
    """Invalidate every cached page, on every node, once the change commits.

    The change is recorded in the database within its own transaction, so it
    cannot commit unrecorded whatever happens to the cache or this process
    afterwards, then told to the cache once committed. Once per transaction:
    an import of many careers sends thousands of signals, and one record
    covers them all. (A savepoint that rolls back drops its record and its
    hook with the changes they stood for.)"""
    from .models import ContentChange

    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        hook is share_version for _sids, hook, _robust in connection.run_on_commit
    ):
        return
    ContentChange.objects.create()
    transaction.on_commit(share_version)


def share_version():
    """Tell the cache the new version, once the change has committed: no node
    can then store the old content under it."""
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


def page_key(request, version, params):
    """The cache key of a page: its address with only the parameters its view
    reads, in a canonical order, so other parameters cannot fill the cache.
    An empty value counts as none, as the views read it."""
    query = urlencode(
        [
            (name, value)
            for name in params
            for value in request.GET.getlist(name)
            if value != ""
        ]
    )
    # Scheme and host too: pages carry absolute links (canonical, JSON-LD).
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"careers:page:{version}:{request.method}:{digest}"


def applied_params(request: HttpRequest, **values: object) -> None:
    """Tell the page cache what the view made of the parameters it read.

    A page asked for with any other value (a sort the view does not know,
    page=01 for page 1, a category that does not exist) is still answered,
    with the view's defaults, but not stored: junk values cannot fill the
    cache any more than junk names can.
    """
    applied = getattr(request, "page_cache_applied", {})
    applied.update({name: str(value) for name, value in values.items()})
    request.page_cache_applied = applied  # type: ignore[attr-defined]  # ours


def asked_as_applied(request, params):
    """Whether each declared parameter was sent once, as the view applied it."""
    applied = getattr(request, "page_cache_applied", None)
    if applied is None:
        return True
    for name in params:
        sent = [value for value in request.GET.getlist(name) if value != ""]
        if len(sent) > 1 or (sent and applied.get(name) != sent[0]):
            return False
    return True


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
    # The URLconf Django resolves the view with: one a middleware set on the
    # request, else ROOT_URLCONF.
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _public_path_params(urlconf, request.path_info)


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
    """A stored 200 (only those are stored): all it needs to be sent again,
    and cheap to pickle."""

    headers: tuple
    content: bytes

    @classmethod
    def from_response(cls, response):
        return cls(tuple(response.items()), response.content)

    def response(self, request):
        headers = dict(self.headers)
        if not_modified(request, headers.get("ETag")):
            # Every header a 200 would carry (CORS included), but no body;
            # HttpResponseNotModified drops Content-Type itself.
            headers.pop("Content-Length", None)
            return HttpResponseNotModified(headers=headers)
        return HttpResponse(self.content, headers=headers)


def not_modified(request, etag):
    wanted = request.META.get("HTTP_IF_NONE_MATCH")
    if not (etag and wanted):
        return False
    if wanted.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 asks for If-None-Match: a proxy that
    # compresses the page (nginx) hands it out as W/"...".
    ours = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == ours for tag in parse_etags(wanted))


def storable(response):
    # "Vary: Cookie" is fine: only requests without a session cookie are
    # answered from the cache, and a response that sets a cookie is not stored,
    # whether through response.cookies or a Set-Cookie header of its own.
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Set-Cookie" not in response
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
        if storable(response) and asked_as_applied(request, params):
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
