"""WSGI entry point: `gunicorn portal.wsgi`."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # One line that says what to set, not a traceback per worker. Exit code 4
    # is gunicorn's "App failed to load": the master stops rather than
    # restarting workers that can never start.
    print(f"Configuration error: {error}", file=sys.stderr, flush=True)
    sys.exit(4)
