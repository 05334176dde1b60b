"""
Prometheus metrics: requests by view and status, latency, page-cache hits and
misses, database and cache errors, served on /metrics.

Requests are labelled by the URL pattern's name (`careers:detail`), never by
the raw path, so a crawler's million URLs still make a handful of series.
Under gunicorn every worker counts in files of its own, in
PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets it up), and /metrics adds
them up, so any worker's answer covers the whole node.

/metrics answers only clients in METRICS_ALLOWED_IPS (loopback by default),
checking every address a proxy passed on as well as
the connection's, so a node reachable from the internet, or a proxy that
forwards /metrics by mistake, still shows nothing to strangers.
"""

import functools
import ipaddress
import os
import re
import time

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.translation import get_language
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

PATH = "/metrics"

REQUESTS = Counter(
    "portal_http_requests",
    "HTTP requests answered, by view (URL pattern name) and status code.",
    ["view", "status"],
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time from a request entering Django to its response leaving, by view.",
    ["view"],
    # Cached pages answer in about a millisecond, so finer buckets at the low end.
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE_HITS = Counter(
    "portal_page_cache_hits", "Public pages answered from the page cache."
)
PAGE_CACHE_MISSES = Counter(
    "portal_page_cache_misses", "Cacheable public pages that had to be rendered."
)
DATABASE_ERRORS = Counter(
    "portal_database_errors",
    "Requests that failed because the database could not be reached (503).",
)
CACHE_ERRORS = Counter(
    "portal_cache_errors",
    "Operations on the shared cache (Redis) that failed.",
)


def page_cache_hit() -> None:
    PAGE_CACHE_HITS.inc()


def page_cache_miss() -> None:
    PAGE_CACHE_MISSES.inc()


def database_error() -> None:
    DATABASE_ERRORS.inc()


def cache_error() -> None:
    CACHE_ERRORS.inc()


class MetricsMiddleware:
    """Count and time every response, and answer /metrics.

    First in MIDDLEWARE, so it sees every answer: probes, static files, cached
    pages and errors turned into responses by the middleware below it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        if request.path_info == PATH:
            response = metrics_view(request)
        else:
            response = self.get_response(request)
        view = view_label(request)
        LATENCY.labels(view).observe(time.perf_counter() - start)
        REQUESTS.labels(view, str(response.status_code)).inc()
        return response


def metrics_view(request):
    """The metrics in Prometheus' text format, for allowed clients only."""
    allowed = allowed_networks()
    if not allowed:
        return plain_response("Not found.\n", 404)
    if request.method not in ("GET", "HEAD"):
        response = plain_response("Method not allowed.\n", 405)
        response["Allow"] = "GET, HEAD"
        return response
    if not all(allowed_address(text, allowed) for text in client_addresses(request)):
        return plain_response("Forbidden.\n", 403)
    response = HttpResponse(
        generate_latest(registry()), content_type=CONTENT_TYPE_LATEST
    )
    response["Cache-Control"] = "no-store"
    return response


def plain_response(text, status):
    response = HttpResponse(text, status=status, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


def registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every worker's files, added up; a fresh registry per scrape, as the
        # client library asks.
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)
        return combined
    return REGISTRY


@functools.cache
def _networks(entries):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def allowed_networks():
    return _networks(tuple(settings.METRICS_ALLOWED_IPS))


FORWARDED_FOR = re.compile(r'for="?\[?([^]";,]+)', re.IGNORECASE)


def client_addresses(request):
    """The connection's address and every address a proxy reported.

    All of them must be allowed: a proxy appends the visitor's address, which
    the visitor cannot remove, so a forwarded stranger is refused even when
    the proxy itself is on the allowed list.
    """
    meta = request.META
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
    forwarded.append(meta.get("HTTP_X_REAL_IP", ""))
    forwarded += FORWARDED_FOR.findall(meta.get("HTTP_FORWARDED", ""))
    return [meta.get("REMOTE_ADDR", "")] + [
        text for text in (text.strip() for text in forwarded) if text
    ]


def allowed_address(text, networks):
    """Whether an address is in one of the networks; one that does not parse is not."""
    try:
        address = ipaddress.ip_address(text.strip().split("%")[0])
    except ValueError:
        return False
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
    address = getattr(address, "ipv4_mapped", None) or address
    return any(address in network for network in networks)


def view_label(request):
    """A bounded name for what answered: the URL pattern's name, not the path."""
    path = request.path_info
    if path == PATH:
        return "metrics"
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    # Answered before URL resolution (cached page, static file, redirect).
    if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return _resolve_name(
        getattr(request, "urlconf", None) or get_urlconf() or settings.ROOT_URLCONF,
        path,
        get_language(),
    )


@functools.lru_cache(maxsize=1024)
def _resolve_name(urlconf, path, language):
    try:
        return resolve(path, urlconf).view_name
    except Resolver404:
        return "unmatched"
