"""What keys a cached page, and which pages may be cached at all."""

import functools
import hashlib
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import urlencode

# Every key the page cache writes starts so. Stored pages are pickled, and a
# pickle names the module of its class: a new prefix whenever that module
# moves (careers.caching.Page became portal.pagecache.store.Page, and the
# prefix "careers:" became "pages:v2:"), so no node ever unpickles a page an
# earlier deploy stored. The version key moves with it, so while a rolling
# deploy runs both layouts, each side sees the other's changes only within
# PAGE_CACHE_VERSION_SECONDS, when it reads the version from the database.
KEY_PREFIX = "pages:v2:"


def page_key(request: HttpRequest, version: str, params: Sequence[str]) -> str:
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
    return f"{KEY_PREFIX}page:{version}:{request.method}:{digest}"


def applied_params(request: HttpRequest, **values: object) -> None:
    """Tell the page cache what the view made of the parameters it read.

    A page asked for with any other value (a sort the view does not know,
    page=01 for page 1, a category that does not exist) is still answered,
    with the view's defaults, but not stored: junk values cannot fill the
    cache any more than junk names can.
    """
    applied: dict[str, str] = getattr(request, "page_cache_applied", {})
    applied.update({name: str(value) for name, value in values.items()})
    request.page_cache_applied = applied  # type: ignore[attr-defined]  # set here, read by asked_as_applied


def asked_as_applied(request: HttpRequest, params: Sequence[str]) -> bool:
    """Whether each declared parameter was sent once, as the view applied it."""
    applied: dict[str, str] | None = getattr(request, "page_cache_applied", None)
    if applied is None:
        return True
    for name in params:
        sent = [value for value in request.GET.getlist(name) if value != ""]
        if len(sent) > 1 or (sent and applied.get(name) != sent[0]):
            return False
    return True


def public_page_params(request: HttpRequest) -> tuple[str, ...] | None:
    """The query parameters that key a public page, or None if not public."""
    # The URLconf Django resolves the view with: one a middleware set on the
    # request, else ROOT_URLCONF.
    urlconf: str = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _public_path_params(urlconf, request.path_info)


@functools.lru_cache(maxsize=1024)
def _public_path_params(urlconf: str, path: str) -> tuple[str, ...] | None:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    view = view_class.dispatch if view_class is not None else match.func
    if not getattr(view, "public_page", False):
        return None
    declared: Iterable[str] = getattr(view_class or match.func, "cache_params", ())
    return tuple(sorted(set(declared)))
