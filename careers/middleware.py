import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer a friendly 503 while the database cannot be reached.

    The page is a static template: no database, no traceback, no settings.
    Connections are health-checked (CONN_HEALTH_CHECKS), so service resumes
    by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error(
            "Database unavailable: %s",
            exception,
            extra={"request": request, "status_code": 503},
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
