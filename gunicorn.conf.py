"""gunicorn settings, read from the environment like the rest of the portal.

    gunicorn -c gunicorn.conf.py portal.wsgi

Defaults are measured on this project (docs/performance.md): on 2 cores,
2 sync workers serve both pages and static files faster than 4.
"""

import os
from pathlib import Path

import environ

# The same .env (or ENV_FILE) that the Django settings read, so PORT and
# WEB_CONCURRENCY set there apply too; real environment variables still win.
env_file = Path(os.environ.get("ENV_FILE", Path(__file__).parent / ".env"))
if env_file.is_file():
    environ.Env.read_env(env_file)

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# More than one thread per worker switches gunicorn to its gthread worker.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# Logs to stdout/stderr for the process manager to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# A stuck request is cut off; a worker finishes its requests before it stops.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Not preloaded, so `kill -HUP <master>` starts workers with new code and
# settings, then retires the old ones gracefully: a reload without downtime.
preload_app = False
