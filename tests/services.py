"""Which parts of the machine's shared services the tests may use.

The Redis at TEST_REDIS_URL may be shared with other programs. Tests use only
the database numbers listed in TEST_REDIS_DATABASES (one setting, in
pyproject.toml's [tool.pytest_env], overridable from the environment), one
per purpose, and empty one only once it is known to be theirs: empty when
first seen, or holding the marker the tests leave in it. Tests that stop,
pause or restart Redis run a server of their own (tests.processes).
"""

import os

import pytest
import redis

# What each database is for, in the order of TEST_REDIS_DATABASES.
PURPOSES = ("cache", "cluster", "spare")
MARKER = "career-portal-tests:owned"


def redis_url(purpose):
    """The URL of the Redis database the tests use for `purpose`."""
    numbers = os.environ.get("TEST_REDIS_DATABASES", "5,6,7").split(",")
    if len(numbers) != len(PURPOSES):
        raise ValueError(
            f"TEST_REDIS_DATABASES must list {len(PURPOSES)} database numbers "
            f"({', '.join(PURPOSES)}), not {numbers!r}"
        )
    number = int(numbers[PURPOSES.index(purpose)])
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    return f"{base}/{number}"


def claim(url):
    """Empty the database at `url` for a test, failing rather than deleting
    what some other program keeps there. Skips where Redis is not running,
    except in CI."""
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        with client:
            if client.dbsize() and not client.exists(MARKER):
                pytest.fail(
                    f"{url} holds keys the tests did not write; choose free "
                    "databases with TEST_REDIS_DATABASES"
                )
            client.flushdb()
            client.set(MARKER, 1)
    except redis.ConnectionError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Redis is not running at {url} ({error})")


def release(url):
    """Empty a database claim() gave a test (everything in it is the
    test's), leaving only the marker."""
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    with client:
        client.flushdb()
        client.set(MARKER, 1)
