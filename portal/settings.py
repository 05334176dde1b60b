"""
Settings for Career Portal.

One module for every environment: development, CI, tests and production all
read it, and every value that differs between them comes from the environment
(or a `.env` file in the project root). `.env.example` documents each variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Real environment variables win over the file, so a deployment can override it.
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(a long random string, e.g. from `python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'`), or set DEBUG=true for local "
            "development."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

# Where the admin lives; a less obvious prefix keeps bots away from its login.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# Security: secure by default with DEBUG off; operators relax it explicitly.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Set only behind a proxy that sets X-Forwarded-Proto and X-Forwarded-For itself.
BEHIND_PROXY = env.bool("TRUST_X_FORWARDED_PROTO", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Cookies follow HTTPS: a plain-HTTP local run (SECURE_SSL_REDIRECT=false) can log in.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool(
    "SECURE_COOKIES", default=SECURE_SSL_REDIRECT
)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# A strict policy on every response: nothing inline, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The admin's "needs review" filter: careers (or salary data) older than this.
REVIEW_AFTER_MONTHS = env.int("REVIEW_AFTER_MONTHS", default=12)

# Content files: the largest one file may be (admin import and import_careers),
# and the most one admin upload may carry in all (nginx's body limit follows).
CONTENT_FILE_MAX_BYTES = env.int("CONTENT_FILE_MAX_BYTES", default=1024 * 1024)
CONTENT_UPLOAD_MAX_BYTES = env.int("CONTENT_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)

# Admin login brute-force protection.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
# Behind a proxy every request comes from the proxy: count the visitor's address.
AXES_CLIENT_IP_CALLABLE = "portal.middleware.client_ip"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "reversion",
    "adminsortable2",
    "careers",
]

MIDDLEWARE = [
    # Outermost, to count and time every answer; also serves /metrics.
    "portal.metrics.MetricsMiddleware",
    # Then probes, which answer before host checks and redirects.
    "portal.middleware.HealthCheckMiddleware",
    # TRACE and CONNECT: 405 for every URL, the admin's included.
    "portal.http.MethodGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached public pages leave here, with the headers of everything below.
    "portal.pagecache.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "careers.context_processors.search_form",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Reuse connections, but check them first, so service resumes by itself after
# the database comes back.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A down database answers a 503 in seconds rather than hanging workers.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3)
    )
    # And so does one that accepts connections but stops answering: requests
    # give up on a round trip after this long (portal.database.bound_waits).
    DATABASES["default"]["QUERY_TIMEOUT"] = env.float("DB_QUERY_TIMEOUT", default=5)

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, minus a new client object per operation.
    CACHES["default"]["BACKEND"] = "portal.cache_backend.RedisCache"
    # An unreachable Redis costs each request at most this long; pages are then
    # served uncached (portal.pagecache).
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    )
# Whole-page caching needs one cache shared by every process: local memory is
# per process, so with several gunicorn workers a change would reach only one.
PAGE_CACHE = env.bool(
    "PAGE_CACHE",
    default=CACHES["default"]["BACKEND"]
    not in (
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ),
)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# The longest a change can stay unseen on some node when its invalidation
# could not reach the cache (Redis paused, restarted or unreachable): nodes
# read the content version from the database again this often.
PAGE_CACHE_VERSION_SECONDS = min(
    env.int("PAGE_CACHE_VERSION_SECONDS", default=30), PAGE_CACHE_SECONDS
)
# The function that reads the content version pages are stored under from the
# database: the domain's, named here so the page cache never imports it.
PAGE_CACHE_VERSION_SOURCE = "careers.changes.stored_version"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names with far-future caching, plus gzip and brotli variants;
    # built by collectstatic at deploy time, never at run time.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One JSON object per line on stderr, for any log collector: stdout carries
# only a command's output (`dumpdata > backup.json` stays valid JSON).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
        }
    },
    "root": {
        "handlers": ["stderr"],
        "level": env.str("LOG_LEVEL", default="INFO").upper(),
    },
    # django-axes logs a banner at every start of every command; its
    # lock-out warnings still get through.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}

# Who may read /metrics (portal.metrics): addresses or networks, checked
# against the connection and every address a proxy forwarded. Empty: no
# /metrics at all. Loopback only by default: behind a TCP load balancer or in
# a container network, visitors too arrive from private addresses.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.0/8", "::1"])
