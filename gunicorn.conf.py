"""gunicorn settings, read from the environment like the rest of the portal.

    gunicorn -c gunicorn.conf.py portal.wsgi

Defaults are measured on this project (docs/performance.md): on 2 cores,
2 sync workers serve both pages and static files faster than 4.
"""

import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

import environ

# The same .env (or ENV_FILE) that the Django settings read, so PORT and
# WEB_CONCURRENCY set there apply too; real environment variables still win.
env_file = Path(os.environ.get("ENV_FILE", Path(__file__).parent / ".env"))
if env_file.is_file():
    environ.Env.read_env(env_file)

# Loopback unless told otherwise: gunicorn never faces untrusted clients
# itself (a few slow ones stop every sync worker). nginx or a load balancer
# that buffers whole requests stands in front (docs/deploy.md).
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# More than one thread per worker switches gunicorn to its gthread worker.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# Access and error logs both go to stderr, as Django's do: stdout is kept for
# output. (gunicorn's own "-" means stdout for the access log.)
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
accesslog = None  # the access log is configured below instead
logconfig_dict = {
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {
            "level": loglevel.upper(),
            "handlers": ["stderr"],
            "propagate": False,
        },
        "gunicorn.access": {
            "level": "INFO",
            "handlers": ["access"],
            "propagate": False,
        },
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "generic",
        },
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "access",
        },
    },
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "access": {"format": "%(message)s"},
    },
}

# A stuck request is cut off; a worker finishes its requests before it stops.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# gunicorn 27's control socket is one path per user ($HOME/.gunicorn): two
# servers on one machine (nodes, tests, the benchmark) would fight over it.
control_socket_disable = True

# Not preloaded, so `kill -HUP <master>` starts workers with new code and
# settings, then retires the old ones gracefully: a reload without downtime.
preload_app = False


def on_starting(server):
    """Before any worker: check the settings, then set up the metrics directory."""
    check_settings()
    metrics_directory()


def metrics_directory():
    """Where each worker counts its metrics, in files that /metrics adds up.

    PROMETHEUS_MULTIPROC_DIR if set (emptied here, as counts from a previous
    run would be added in), else a new temporary directory, removed at exit.
    Workers are forked after this and inherit it, across reloads too.
    """
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        for stale in Path(path).glob("*.db"):
            stale.unlink()
    else:
        path = tempfile.mkdtemp(prefix="portal-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
        os.environ["PORTAL_METRICS_TEMPORARY"] = path
    return path


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if temporary := os.environ.get("PORTAL_METRICS_TEMPORARY"):
        shutil.rmtree(temporary, ignore_errors=True)


def check_settings():
    """Exit with one line if the Django settings cannot load (no SECRET_KEY).

    Otherwise every worker would fail the same way, and gunicorn would print
    a traceback while stopping. The settings load in a forked child, so the
    master imports nothing of Django and a reload still reads new settings.
    """
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
            from django.conf import settings
            from django.core.exceptions import ImproperlyConfigured

            try:
                settings.INSTALLED_APPS  # noqa: B018 (loads the settings module)
            except ImproperlyConfigured as error:
                print(f"Configuration error: {error}", file=sys.stderr)
                status = 1
        except BaseException:
            traceback.print_exc()
            status = 1
        finally:
            sys.stderr.flush()
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(1)
