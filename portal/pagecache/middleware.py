"""PageCacheMiddleware: anonymous GETs of public pages, answered from the cache."""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from portal import metrics

from .keys import asked_as_applied, page_key, public_page_params
from .store import Page, local_pages, storable
from .version import breaker, content_version

PRECONDITIONS = {"HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}


class PageCacheMiddleware:
    """Answer anonymous GETs of public pages from the cache, 304 included.

    It sits just inside WhiteNoise, before everything a cached page does not
    need (sessions, CSRF, authentication), and stores responses on their way
    out, after those have added their headers. A visitor without a session
    cookie cannot be signed in, so that is all it checks; staff, who always
    have one, get fresh pages and drafts.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
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
    def eligible(request: HttpRequest) -> tuple[str, ...] | None:
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
