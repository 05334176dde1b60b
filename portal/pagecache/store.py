"""What the page cache stores, and the copy each process keeps in memory."""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TypeGuard

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.http import parse_etags


class LocalPages:
    """The pages this process served lately, in front of the shared cache.

    Keys carry the content version, which is read from the shared cache on
    every request, so a change on any node still shows there too; this only
    saves fetching and unpickling the page itself. No page is kept longer
    than the shared cache keeps it.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.pages: OrderedDict[str, tuple[float, Page]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> "Page | None":
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

    def set(self, key: str, page: "Page", timeout: float) -> None:
        with self.lock:
            self.pages[key] = (time.monotonic() + timeout, page)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


local_pages = LocalPages()


@dataclass(frozen=True)
class Page:
    """A stored 200 (only those are stored): all it needs to be sent again,
    and cheap to pickle.

    Its pickle names this module: moving the class means a new
    keys.KEY_PREFIX, so pages an earlier deploy stored are never read.
    """

    headers: tuple[tuple[str, str], ...]
    content: bytes

    @classmethod
    def from_response(cls, response: HttpResponse) -> "Page":
        return cls(tuple(response.items()), response.content)

    def response(self, request: HttpRequest) -> HttpResponse:
        headers = dict(self.headers)
        if not_modified(request, headers.get("ETag")):
            # Every header a 200 would carry (CORS included), but no body;
            # HttpResponseNotModified drops Content-Type itself.
            headers.pop("Content-Length", None)
            return HttpResponseNotModified(headers=headers)
        return HttpResponse(self.content, headers=headers)


def not_modified(request: HttpRequest, etag: str | None) -> bool:
    wanted = request.META.get("HTTP_IF_NONE_MATCH")
    if not (etag and wanted):
        return False
    if wanted.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 asks for If-None-Match: a proxy that
    # compresses the page (nginx) hands it out as W/"...".
    ours = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == ours for tag in parse_etags(wanted))


def storable(response: HttpResponseBase) -> TypeGuard[HttpResponse]:
    # "Vary: Cookie" is fine: only requests without a session cookie are
    # answered from the cache, and a response that sets a cookie is not stored,
    # whether through response.cookies or a Set-Cookie header of its own.
    # (A TypeGuard: a response that is not streaming is an HttpResponse.)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Set-Cookie" not in response
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    )
