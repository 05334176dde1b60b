"""Health probes, the friendly 503, recovery, and one-line JSON logs.

The database outages are real: PostgreSQL is reached through a TCP proxy
that drops or hangs its connections (tests.processes), and recovery is left
to the health check, as in production."""

import contextlib
import json
import logging
import sys
import threading
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import RequestFactory, override_settings

from portal.logs import JsonFormatter
from portal.middleware import DatabaseUnavailableMiddleware
from tests.portal.pagecache.test_middleware import CLOSED_PORT_CACHE
from tests.processes import running_proxy


def test_healthz_touches_nothing(client, django_assert_num_queries, db):
    """/healthz answers while the process is up, with no query."""
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_and_cache(client, db):
    """/readyz is 200 when the database and the cache both answer."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
        "failed": [],
    }


def test_readyz_names_a_failed_cache(client, db):
    """With the cache at a closed port, /readyz is 503 and says why."""
    with override_settings(CACHES=CLOSED_PORT_CACHE):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("failed: ConnectionError")


@pytest.fixture
def database_behind_a_proxy(transactional_db):
    """The live connection's PostgreSQL, reached through a TCP proxy the test
    can drop, hang and restore (tests.processes.TcpProxy)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a SQLite file has no server to cut")
    settings = connection.settings_dict
    address = settings["HOST"], settings["PORT"]
    with running_proxy(
        settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    ) as proxy:
        connection.close()  # the next one goes through the proxy
        settings["HOST"], settings["PORT"] = proxy.address
        try:
            yield proxy
        finally:
            settings["HOST"], settings["PORT"] = address
            connection.close()


def serve(path):
    """One request through Django's WSGI handler, as gunicorn makes it.

    Unlike the test client, it runs what Django runs between requests
    (close_old_connections), where the health check is prepared."""
    answer = {}

    def start_response(status, headers):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    response = WSGIHandler()(RequestFactory().get(path).environ, start_response)
    try:
        body = b"".join(response)
    finally:
        response.close()  # request_finished
    return answer["status"], answer["headers"], body.decode()


def test_database_down_gives_503_then_recovers_through_the_health_check(
    database_behind_a_proxy,
):
    """Pages answer a friendly 503 while PostgreSQL is away and recover by
    themselves when it returns. A restart between two requests goes unseen:
    the health check finds the connection dead and opens a new one before
    the request uses it."""
    proxy = database_behind_a_proxy
    assert serve("/careers/")[0] == 200

    proxy.drop()
    try:
        status, headers, text = serve("/careers/")
        ready = serve("/readyz")
        alive = serve("/healthz")
    finally:
        proxy.restore()
    assert status == 503
    assert "<title>Temporarily unavailable" in text
    assert "Traceback" not in text
    assert "SECRET_KEY" not in text
    assert headers["Retry-After"] == "30"
    assert headers["Cache-Control"] == "no-store"
    assert ready[0] == 503
    assert json.loads(ready[2])["checks"]["database"] == "failed: OperationalError"
    assert json.loads(ready[2])["failed"] == ["database"]
    assert alive[0] == 200

    assert serve("/careers/")[0] == 200
    assert serve("/readyz")[0] == 200

    accepted = proxy.accepted
    proxy.drop()
    proxy.restore()
    assert serve("/careers/")[0] == 200, "the dead connection was used"
    assert proxy.accepted == accepted + 1


@pytest.fixture
def impatient_database(database_behind_a_proxy):
    """The proxied database with one-second query and connect timeouts, in
    a process that serves requests (DatabaseUnavailableMiddleware loaded)."""
    settings = connection.settings_dict
    saved = settings["QUERY_TIMEOUT"], settings["OPTIONS"]["connect_timeout"]
    settings["QUERY_TIMEOUT"], settings["OPTIONS"]["connect_timeout"] = 1, 1
    DatabaseUnavailableMiddleware(lambda request: None)
    connection.close()  # the next connection has the short timeouts
    try:
        yield database_behind_a_proxy
    finally:
        settings["QUERY_TIMEOUT"], settings["OPTIONS"]["connect_timeout"] = saved
        connection.close()


@contextlib.contextmanager
def hung(proxy):
    """The database hung for the block. Should the block itself hang,
    forwarding resumes after a while: the test then fails by its time or
    outcome instead of hanging the suite."""
    proxy.hang()
    rescue = threading.Timer(10, proxy.restore)
    rescue.start()
    try:
        yield
    finally:
        rescue.cancel()
        proxy.restore()


def test_a_hung_database_gives_503_within_the_query_timeout(impatient_database):
    """A database that accepts connections but answers nothing costs a
    request QUERY_TIMEOUT on its connection, then connect_timeout for a new
    one: a 503, not a hung worker."""
    assert serve("/careers/")[0] == 200
    with hung(impatient_database):
        started = time.monotonic()
        status, _, text = serve("/careers/")
        seconds = time.monotonic() - started
    assert status == 503
    assert "<title>Temporarily unavailable" in text
    # One second for the health check, one for the new connection, a margin.
    assert 2 <= seconds < 5, seconds
    assert serve("/careers/")[0] == 200


def test_a_query_left_unanswered_fails_after_the_query_timeout(impatient_database):
    """A query the database does not answer raises OperationalError after
    QUERY_TIMEOUT, saying so, and its connection is closed: it is never used
    again in an unknown state."""
    connection.ensure_connection()
    with hung(impatient_database):
        started = time.monotonic()
        with pytest.raises(OperationalError) as raised, connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        seconds = time.monotonic() - started
    assert str(raised.value) == "no answer from the database within 1s"
    assert 1 <= seconds < 3, seconds
    assert connection.connection.closed


def test_log_lines_are_one_json_object_each():
    """An error with a traceback and a request becomes one parseable line."""
    request = RequestFactory().get("/careers/broken/")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/careers/broken/",),
            sys.exc_info(),
            extra={"request": request, "status_code": 500},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    event = json.loads(line)
    assert event["level"] == "ERROR"
    assert event["message"] == "Internal Server Error: /careers/broken/"
    assert event["path"] == "/careers/broken/"
    assert event["status"] == 500
    assert "ValueError: boom" in event["exception"]


@override_settings(DEBUG=False)
def test_unhandled_errors_are_logged_with_their_path(client, caplog, db):
    """A crash in a view is logged with the request path."""
    client.raise_request_exception = False
    with (
        # tests.careers.test_pages routes /boom/ to a view that raises.
        override_settings(ROOT_URLCONF="tests.careers.test_pages"),
        caplog.at_level(logging.ERROR, logger="django.request"),
    ):
        assert client.get("/boom/").status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    assert json.loads(JsonFormatter().format(record))["path"] == "/boom/"


def test_api_answers_json_while_the_database_is_down(database_behind_a_proxy):
    """API clients get a JSON 503 with CORS, not the HTML page."""
    database_behind_a_proxy.drop()
    status, headers, text = serve("/api/careers/")
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Retry-After"] == "30"
    assert json.loads(text) == {
        "error": "The service is temporarily unavailable; retry shortly."
    }
