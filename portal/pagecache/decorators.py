"""How a view says its pages are the same for every visitor."""


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
