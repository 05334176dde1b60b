"""HTTP plumbing shared by every JSON answer."""

import json
from collections.abc import Iterator
from typing import Any

from django import http
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_safe

# Characters that mean markup to a client that pastes a message into HTML.
# Outside strings JSON has none of them, so replacing them everywhere only
# ever rewrites string contents, and every JSON parser reads them back as is.
_MARKUP_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def escape_markup(text: str) -> str:
    # str.replace, not str.translate: a translation that maps one character to
    # several leaves CPython's fast path, and made a career's body 12× slower.
    for char, escape in _MARKUP_ESCAPES:
        text = text.replace(char, escape)
    return text


class JSONEncoder(DjangoJSONEncoder):
    """Django's encoder, with <, > and & written as \\u escapes, as
    django.utils.html.json_script does, so no echoed input is raw markup."""

    def encode(self, o: Any) -> str:
        return escape_markup(super().encode(o))

    def iterencode(self, o: Any, _one_shot: bool = False) -> Iterator[str]:
        for chunk in super().iterencode(o, _one_shot):
            yield escape_markup(chunk)


class JsonResponse(http.JsonResponse):
    def __init__(
        self, data: Any, encoder: type[json.JSONEncoder] = JSONEncoder, **kwargs: Any
    ) -> None:
        super().__init__(data, encoder=encoder, **kwargs)


def safe_only(view):
    """require_safe (GET and HEAD), said where MethodGuardMiddleware reads it."""
    view = require_safe(view)
    view.allowed_methods = ("GET", "HEAD")
    return view


class MethodGuardMiddleware:
    """TRACE and CONNECT: 405, with the methods the URL does answer in Allow.

    No URL here supports them (TRACE echoes a request back, cookies
    included). Class-based views already refuse them, and `safe_only`
    function views; this covers every other function view, the admin's
    included, which would otherwise answer them as GETs.
    """

    REFUSED = frozenset({"TRACE", "CONNECT"})
    # What Django's function views (the admin's) answer.
    FUNCTION_VIEW_METHODS = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.REFUSED:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)  # the usual 404
        if hasattr(match.func, "view_class"):
            return self.get_response(request)  # it answers its own 405
        allowed = getattr(match.func, "allowed_methods", self.FUNCTION_VIEW_METHODS)
        return http.HttpResponseNotAllowed(allowed)
