"""Health probes, the friendly 503, recovery, and one-line JSON logs."""

import json
import logging
import sys

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings

from careers.logs import JsonFormatter
from tests.careers.test_caching import CLOSED_PORT_CACHE


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
def database_at_a_closed_port(transactional_db):
    """Point the live connection at a port where nothing listens, then back."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a SQLite file has no port to close")
    settings = connection.settings_dict
    port = settings["PORT"]
    connection.close()
    settings["PORT"] = "9"

    def restore():
        settings["PORT"] = port
        connection.close()

    yield restore
    restore()


def test_database_down_gives_503_then_recovers(client, database_at_a_closed_port):
    """Pages answer a friendly 503 while PostgreSQL is away, and recover by
    themselves when it returns, without a restart."""
    page = client.get("/careers/")
    assert page.status_code == 503
    assert "Temporarily unavailable" in page.text
    assert "Traceback" not in page.text
    assert "SECRET_KEY" not in page.text
    assert page["Retry-After"] == "30"

    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failed"] == ["database"]
    assert client.get("/healthz").status_code == 200

    database_at_a_closed_port()  # the database is back
    assert client.get("/careers/").status_code == 200
    assert client.get("/readyz").status_code == 200


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


def test_api_answers_json_while_the_database_is_down(client, database_at_a_closed_port):
    """API clients get a JSON 503 with CORS, not the HTML page."""
    response = client.get("/api/careers/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "error" in response.json()
