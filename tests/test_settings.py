"""Settings come from the environment and fail loudly when a secret is missing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    """Import portal.settings in a fresh interpreter with only `env` set."""
    # ENV_FILE keeps a developer's own .env out of the picture.
    environment = {"PATH": os.environ["PATH"], "ENV_FILE": os.devnull, **env}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from portal import settings as s; "
            "print(s.DEBUG, s.DATABASES['default']['ENGINE'], "
            "s.CACHES['default']['BACKEND'], s.ALLOWED_HOSTS)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_fails_with_a_clear_message():
    """With DEBUG off (the default), start-up refuses to run without SECRET_KEY."""
    result = load_settings()
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set. "
    )


def test_defaults_are_sqlite_and_local_memory():
    """A bare environment runs on SQLite and the local-memory cache."""
    result = load_settings(SECRET_KEY="x" * 50, ALLOWED_HOSTS="a.example,b.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 3) == [
        "False",
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "['a.example', 'b.example']\n",
    ]


def test_environment_selects_database_and_cache():
    """DATABASE_URL and CACHE_URL choose PostgreSQL and Redis."""
    result = load_settings(
        DEBUG="true",
        DATABASE_URL="postgres://root@127.0.0.1:5432/career_portal",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ")[:3] == [
        "True",
        "django.db.backends.postgresql",
        "portal.cache_backend.RedisCache",
    ]


def test_page_cache_needs_a_shared_cache():
    """Local memory is per process: whole-page caching is off unless shared."""
    code = "from portal import settings as s; print(s.PAGE_CACHE)"
    environment = {"PATH": os.environ["PATH"], "ENV_FILE": os.devnull, "DEBUG": "true"}
    for cache_url, expected in [
        ("locmemcache://", "False"),
        ("redis://127.0.0.1:6379/1", "True"),
    ]:
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**environment, "CACHE_URL": cache_url},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.strip() == expected, (cache_url, result.stderr)


def test_gunicorn_reads_the_same_env_file(tmp_path):
    """PORT and WEB_CONCURRENCY in .env apply to gunicorn as to Django."""
    env_file = tmp_path / "portal.env"
    env_file.write_text("PORT=8765\nWEB_CONCURRENCY=3\n")
    code = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(c['bind'], c['workers'], c['accesslog'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    # No access log path: logconfig_dict sends it to stderr.
    assert result.stdout.split() == ["127.0.0.1:8765", "3", "None"], result.stderr
