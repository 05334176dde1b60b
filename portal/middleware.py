"""Middleware every request passes through: the probes, answered first, and
the friendly 503 while the database is unavailable; and whose address a
request comes from, which the admin's lock-out counts."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import ResolverMatch

from portal import health, metrics
from portal.database import bound_waits
from portal.http import JsonResponse

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer a friendly 503 while the database cannot be reached, or does
    not answer.

    The page is a static template: no database, no traceback, no settings.
    Connections are health-checked (CONN_HEALTH_CHECKS), so service resumes
    by itself once the database is back. In a process that serves requests,
    every round trip to PostgreSQL waits at most QUERY_TIMEOUT (bound_waits);
    management commands, which may run long statements, wait as long as
    they take.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        connection_created.connect(bound_waits, dispatch_uid=__name__)

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        metrics.database_error()
        logger.error(
            "Database unavailable: %s",
            exception,
            extra={"request": request, "status_code": 503},
        )
        if request.path_info.startswith("/api/"):
            response = JsonResponse(
                {"error": "The service is temporarily unavailable; retry shortly."},
                status=503,
            )
            response["Access-Control-Allow-Origin"] = "*"
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before host validation and the HTTPS redirect.

    Load balancers probe each node by its own address over plain HTTP, which
    ALLOWED_HOSTS and SECURE_SSL_REDIRECT would otherwise refuse. This is the
    probes' only home, for every method: they answer GET and HEAD, and any
    other method 405 with `Allow: GET, HEAD` (safe_only).
    """

    PROBES = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        # As URL resolution would have named it, for the metrics' view label.
        name = request.path_info.lstrip("/")
        request.resolver_match = ResolverMatch(probe, (), {}, url_name=name)
        return probe(request)


def client_ip(request):
    """The visitor's address, for django-axes.

    Behind a trusted proxy (TRUST_X_FORWARDED_PROTO), the last address in
    X-Forwarded-For is the one our proxy saw; earlier ones are the client's
    word and could be forged.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
