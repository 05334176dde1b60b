"""What every API view shares: JSON errors, CORS, caching headers, ETags and
304s, and the read-only methods."""

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import View

from portal.http import JsonResponse
from portal.pagecache import cache_public_page

MAX_AGE = 60
METHODS = "GET, HEAD, OPTIONS"
# Django's <slug:...> converter; anything else cannot name a category.
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"


class ApiError(Exception):
    """A client error, answered as `{"error": message}` with its status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def absolute(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return request.build_absolute_uri(reverse(f"api:{name}", kwargs=kwargs or None))


def finish(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Headers every API response carries, and 304s that keep them.

    ConditionalGetMiddleware would also answer 304, but its 304 keeps only the
    RFC 9110 headers and so drops Access-Control-Allow-Origin, which a script
    sending If-None-Match from another origin needs.
    """
    response["Access-Control-Allow-Origin"] = "*"
    if request.method not in ("GET", "HEAD"):
        return response
    if response.status_code >= 400:
        # A mistake, or a career not published yet: no shared cache keeps it.
        add_never_cache_headers(response)
        return response
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    if response.status_code == 200:
        response["Access-Control-Expose-Headers"] = "ETag"
        set_response_etag(response)  # as ConditionalGetMiddleware would
        # Given a response it returns one, never None, and reads only the
        # headers that every response has (the stub wants an HttpResponse).
        conditional: HttpResponseBase = get_conditional_response(  # type: ignore[assignment]
            request,
            etag=response["ETag"],
            response=response,  # type: ignore[arg-type]
        )
        if conditional.status_code == 412:  # If-Match failed
            conditional = error_response(
                412, _("The resource does not match If-Match: it has changed.")
            )
        if conditional is not response:
            return finish(request, conditional)
    return response


@method_decorator(cache_public_page, name="dispatch")
class ApiView(View):
    """GET and HEAD only; JSON for every answer, errors included."""

    http_method_names = ["get", "head", "options"]

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., HttpResponseBase]:
        view = super().as_view(**initkwargs)

        # Outside the page cache, so cached answers get the same headers and 304s.
        @functools.wraps(view)
        def api_view(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            return finish(request, view(request, *args, **kwargs))

        # Read-only views: a POST must reach them to be told 405, not 403.
        return csrf_exempt(api_view)

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message)

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = error_response(
            405,
            _("The API is read-only: %(method)s is not allowed, only %(allowed)s.")
            % {"method": request.method, "allowed": METHODS},
        )
        response["Allow"] = METHODS
        return response

    def options(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Answer a CORS preflight: any origin may GET."""
        response = HttpResponse(status=204, content_type="application/json")
        response["Allow"] = METHODS
        response["Access-Control-Allow-Methods"] = METHODS
        response["Access-Control-Allow-Headers"] = "If-None-Match"
        response["Access-Control-Max-Age"] = "86400"
        return response

    def params(self) -> QueryDict:
        try:
            return self.request.GET
        except TooManyFieldsSent as error:
            raise ApiError(400, _("Too many query parameters.")) from error
