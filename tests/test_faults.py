"""Real outages under one gunicorn node: its redis-server killed, paused and
restarted; its PostgreSQL, reached through a TCP proxy of the test's own,
dropped, hung and restored.

The node runs the production settings (DEBUG off) with a single worker, so
one process answers every request and the tests can tell that this very
process recovered by itself: its pid never changes, and no one resets its
connections. Nothing here touches the shared Redis or another database.

The Redis cases run on either database (SQLite by default). The PostgreSQL
cases need DATABASE_URL=postgres://... on a loopback server; they skip on
SQLite, and under CI=true they fail if PostgreSQL is not reachable.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import time
import urllib.parse

import pytest
from django.conf import settings

from portal.pagecache import RETRY_SECONDS
from tests.conftest import MLOPS_FILE
from tests.processes import (
    IS_POSTGRES,
    http_get,
    manage,
    running_proxy,
    running_redis,
    scratch_database,
    start_node,
    stop,
    through,
    wait_until_healthy,
)

DETAIL = "/careers/mlops-engineer/"
TITLE = "MLOps Engineer"
PAGES = ("/", "/careers/", DETAIL, "/skills/")
# A session cookie keeps a request away from the page cache: it reaches the
# view, and so the database.
UNCACHED = {"Cookie": "sessionid=fault-test"}
# portal/settings.py: each Redis operation waits at most this long.
REDIS_SOCKET_TIMEOUT = 0.5
# The node's database timeouts (seconds), short to keep the tests short.
DB_CONNECT_TIMEOUT = 2
DB_QUERY_TIMEOUT = 2
# What a slow machine may add to any bound, to render a page and the like.
MARGIN = 3
# No answer after this long means the worker hung.
PATIENCE = 45


postgres_only = pytest.mark.skipif(
    not IS_POSTGRES,
    reason="needs DATABASE_URL=postgres://...: SQLite has no server to cut",
)


class Site:
    """The node, its Redis, and the proxy in front of its database (None on
    SQLite)."""

    def __init__(self, node, redis, proxy):
        self.node, self.redis, self.proxy = node, redis, proxy

    def get(self, path, headers=(), timeout=PATIENCE):
        started = time.monotonic()
        try:
            return http_get(f"{self.node.url}{path}", headers, timeout=timeout)
        except (TimeoutError, http.client.RemoteDisconnected) as error:
            # A worker that hangs is killed at GUNICORN_TIMEOUT, unanswered.
            pytest.fail(
                f"GET {path}: no answer after {time.monotonic() - started:.1f}s "
                f"({error!r}): the worker hung\n{self.node.log_tail(8)}"
            )

    def worker(self):
        """The pid of the node's one worker."""
        workers = self.node.workers()
        assert len(workers) == 1, (workers, self.node.log_tail())
        return workers[0]

    def metric(self, name):
        """One counter's value from /metrics."""
        text = self.get("/metrics").text
        match = re.search(rf"^{name} (\S+)$", text, re.M)
        assert match, f"no {name} in /metrics:\n{text}"
        return float(match[1])

    def page_keys(self):
        with self.redis.client() as client:
            return sorted(client.keys("*pages:v2:page:*"))

    def wait_until_cached(self):
        """Until the node answers from its page cache again (after an outage
        it tries Redis again every RETRY_SECONDS), each request answered 200;
        how many requests that took."""
        deadline = time.monotonic() + RETRY_SECONDS + MARGIN
        requests = 0
        while True:
            hits = self.metric("portal_page_cache_hits_total")
            requests += 1
            page = self.get(DETAIL)
            assert page.status == 200, page.status
            if self.metric("portal_page_cache_hits_total") > hits:
                return requests
            if time.monotonic() > deadline:
                pytest.fail(
                    f"no page from the cache after {requests} requests over "
                    f"{RETRY_SECONDS + MARGIN}s:\n{self.node.log_tail()}"
                )
            time.sleep(0.25)


def ready(checks, failed):
    """The /readyz body for these checks."""
    return {
        "status": "unavailable" if failed else "ok",
        "checks": checks,
        "failed": failed,
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One gunicorn node with one worker, on a migrated database of the
    module's own (through the proxy on PostgreSQL) holding the MLOps guide,
    and a redis-server of its own; all stopped and removed afterwards."""
    tmp = tmp_path_factory.mktemp("faults")
    with contextlib.ExitStack() as stack:
        redis = stack.enter_context(running_redis(tmp))
        database_url = stack.enter_context(
            scratch_database("career_portal_faults", tmp)
        )
        proxy = None
        if IS_POSTGRES:
            server = urllib.parse.urlsplit(database_url)
            proxy = stack.enter_context(
                running_proxy(server.hostname, server.port or 5432)
            )
            database_url = through(database_url, proxy)
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "PYTHONUNBUFFERED": "1",
            "ENV_FILE": os.devnull,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "CACHE_URL": redis.url,
            "STATIC_ROOT": str(settings.STATIC_ROOT),
            "WEB_CONCURRENCY": "1",
            # Long enough that no connection is renewed for its age during a
            # test: only the health check may replace it.
            "CONN_MAX_AGE": "600",
            "DB_CONNECT_TIMEOUT": str(DB_CONNECT_TIMEOUT),
            "DB_QUERY_TIMEOUT": str(DB_QUERY_TIMEOUT),
            # The content version stays in Redis through a test.
            "PAGE_CACHE_VERSION_SECONDS": "300",
        }
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "import_careers", str(MLOPS_FILE))
        node = start_node("faults", env, tmp / "gunicorn.log")
        stack.callback(stop, node.process)
        wait_until_healthy(node, workers=1)
        site = Site(node, redis, proxy)
        answer = site.get("/readyz")
        assert answer.status == 200, answer.text
        yield site


def test_pages_are_served_uncached_while_redis_is_killed_then_cached_again(site):
    """With Redis killed, every page is still a 200, rendered without the
    cache, and /readyz says the cache failed. Once Redis is back on the same
    port, empty, the same worker stores and reads pages there again: its one
    Redis client reconnects by itself."""
    worker = site.worker()
    site.wait_until_cached()
    cached = site.get(DETAIL)
    assert cached.status == 200
    assert TITLE in cached.text

    site.redis.kill()
    try:
        hits, errors = (
            site.metric("portal_page_cache_hits_total"),
            site.metric("portal_cache_errors_total"),
        )
        for path in PAGES:
            page = site.get(path)
            assert page.status == 200, (path, page.status)
        assert site.get(DETAIL).text == cached.text
        # Rendered, not answered from a cache: not one hit, and a failure
        # counted (one: the cache is then left alone for RETRY_SECONDS).
        assert site.metric("portal_page_cache_hits_total") == hits
        assert site.metric("portal_cache_errors_total") == errors + 1
        probe = site.get("/readyz")
        assert probe.status == 503
        assert json.loads(probe.text) == ready(
            {"database": "ok", "cache": "failed: ConnectionError"}, ["cache"]
        )
    finally:
        site.redis.restart()

    assert site.page_keys() == []  # restarted empty
    site.wait_until_cached()
    # A page rendered during the outage is stored in the restarted server,
    # and the version is read from it on every request.
    stored = set(site.page_keys())
    directory = site.get("/careers/")
    assert directory.status == 200
    assert len(set(site.page_keys()) - stored) == 1
    with site.redis.client() as client:
        hits = client.info("stats")["keyspace_hits"]
        assert site.get("/careers/").text == directory.text
        assert client.info("stats")["keyspace_hits"] == hits + 1
    assert site.worker() == worker, "the worker was replaced"
    probe = site.get("/readyz")
    assert (probe.status, json.loads(probe.text)) == (
        200,
        ready({"database": "ok", "cache": "ok"}, []),
    )


def test_a_paused_redis_delays_a_request_at_most_its_socket_timeout(site):
    """While Redis accepts connections but answers nothing (SIGSTOP), each
    page answers 200 and /readyz 503 within Redis's socket timeout plus
    rendering, never waiting for Redis to come back."""
    worker = site.worker()
    site.wait_until_cached()
    bound = REDIS_SOCKET_TIMEOUT + MARGIN
    site.redis.pause()
    try:
        answers = {path: site.get(path, timeout=bound + 5) for path in PAGES}
        probe = site.get("/readyz", timeout=bound + 5)
    finally:
        site.redis.resume()
    for path, answer in answers.items():
        assert answer.status == 200, (path, answer.status)
        assert answer.seconds < bound, (path, answer.seconds)
    assert TITLE in answers[DETAIL].text
    assert probe.status == 503
    assert probe.seconds < bound, probe.seconds
    assert json.loads(probe.text) == ready(
        {"database": "ok", "cache": "failed: TimeoutError"}, ["cache"]
    )
    site.wait_until_cached()
    assert site.worker() == worker


@postgres_only
def test_postgres_down_answers_503_and_a_restart_between_requests_goes_unseen(
    site,
):
    """While PostgreSQL refuses connections, pages that need it answer the
    friendly 503 and /readyz names the database; pages in the cache are still
    served. Once it is back the same worker answers 200 again. A restart
    between two requests is not seen at all: the health check finds the
    worker's connection dead and replaces it before the request uses it."""
    proxy = site.proxy
    assert site.get("/careers/", UNCACHED).status == 200
    worker = site.worker()
    cached = site.get(DETAIL)
    assert cached.status == 200

    proxy.drop()
    try:
        page = site.get("/careers/", UNCACHED)
        api = site.get("/api/careers/", UNCACHED)
        probe = site.get("/readyz")
        still_cached = site.get(DETAIL)
    finally:
        proxy.restore()
    assert page.status == 503
    assert page.headers["retry-after"] == "30"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>Temporarily unavailable" in page.text
    assert "Traceback" not in page.text
    assert api.status == 503
    assert api.headers["content-type"] == "application/json"
    assert api.headers["access-control-allow-origin"] == "*"
    assert json.loads(api.text) == {
        "error": "The service is temporarily unavailable; retry shortly."
    }
    assert probe.status == 503
    assert json.loads(probe.text) == ready(
        {"database": "failed: OperationalError", "cache": "ok"}, ["database"]
    )
    assert (still_cached.status, still_cached.text) == (200, cached.text)

    assert site.get("/careers/", UNCACHED).status == 200
    assert site.worker() == worker

    accepted = proxy.accepted
    proxy.drop()
    proxy.restore()
    after = site.get("/careers/", UNCACHED)
    assert after.status == 200, "the worker used its dead connection"
    assert proxy.accepted == accepted + 1  # exactly one new connection
    assert site.worker() == worker
    assert site.get("/readyz").status == 200


@postgres_only
def test_a_hung_postgres_answers_503_within_the_bound(site):
    """While PostgreSQL accepts connections but answers nothing, a request
    answers the 503 page within DB_QUERY_TIMEOUT (the worker's connection
    stops waiting) plus DB_CONNECT_TIMEOUT (a new one is refused), and the
    worker is not replaced; it serves 200 again once the database answers."""
    proxy = site.proxy
    assert site.get("/careers/", UNCACHED).status == 200
    worker = site.worker()
    bound = DB_QUERY_TIMEOUT + DB_CONNECT_TIMEOUT + MARGIN

    proxy.hang()
    try:
        page = site.get("/careers/", UNCACHED)
        probe = site.get("/readyz")
    finally:
        proxy.restore()
    assert page.status == 503, page.status
    assert page.seconds < bound, page.seconds
    assert "<title>Temporarily unavailable" in page.text
    assert probe.status == 503
    assert probe.seconds < bound, probe.seconds
    assert json.loads(probe.text) == ready(
        {"database": "failed: OperationalError", "cache": "ok"}, ["database"]
    )

    assert site.get("/careers/", UNCACHED).status == 200
    assert site.worker() == worker, "the worker hung and was replaced"
