"""How a view says its pages are the same for every visitor."""

from collections.abc import Callable, Iterable
from typing import TypeVar, overload

from django.http.response import HttpResponseBase

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


@overload
def cache_public_page(view: V, *, params: Iterable[str] = ()) -> V: ...
@overload
def cache_public_page(
    view: None = None, *, params: Iterable[str] = ()
) -> Callable[[V], V]: ...
def cache_public_page(
    view: V | None = None, *, params: Iterable[str] = ()
) -> V | Callable[[V], V]:
    """Mark a view's pages as the same for every visitor, so PageCacheMiddleware
    may store them and answer anonymous GETs from the cache.

    `params` are the query parameters the view reads: only they key its pages.
    A class-based view declares them as its `cache_params` attribute instead.
    """

    def mark(view: V) -> V:
        view.public_page = True  # type: ignore[attr-defined]  # read by keys
        if params:
            view.cache_params = tuple(params)  # type: ignore[attr-defined]  # read by keys
        return view

    return mark if view is None else mark(view)
