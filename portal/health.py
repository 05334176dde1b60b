"""Probes for load balancers and orchestrators."""

import uuid

from django.core.cache import cache
from django.db import connection
from django.views.decorators.cache import never_cache

from portal import metrics
from portal.http import JsonResponse, safe_only


@safe_only
@never_cache
def healthz(request):
    """The process is up; touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache():
    key, value = f"readyz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=5)
    if cache.get(key) != value:
        raise RuntimeError("value written was not read back")
    cache.delete(key)


@safe_only
@never_cache
def readyz(request):
    """Ready to serve: the database and the cache both answer."""
    checks, failed = {}, []
    for name, check, count in (
        ("database", check_database, metrics.database_error),
        ("cache", check_cache, metrics.cache_error),
    ):
        try:
            check()
        except Exception as error:  # any failure means not ready
            count()
            # The error's class only: its text can name internal hosts.
            checks[name] = f"failed: {error.__class__.__name__}"
            failed.append(name)
        else:
            checks[name] = "ok"
    status = 503 if failed else 200
    return JsonResponse(
        {
            "status": "unavailable" if failed else "ok",
            "checks": checks,
            "failed": failed,
        },
        status=status,
    )
