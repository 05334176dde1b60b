"""The middleware every request passes through: the friendly 503 while the
database refuses, and whose address a request comes from (the connection's,
or behind our proxy the one it saw), which the admin's lock-out counts."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import path
from prometheus_client import REGISTRY

from portal.middleware import client_ip
from tests.test_security import assert_security_headers

UNAVAILABLE = "The service is temporarily unavailable; retry shortly."


@pytest.fixture
def database_refuses(db):
    """Queries on the careers table fail with the database's own
    OperationalError, and the text it gives: SQLite no longer finds the
    table; on PostgreSQL another session holds it locked, and ours stops
    waiting after 100 ms. (Each request then leaves the test's transaction
    unusable on PostgreSQL: one request per test.)"""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Undone with the test's transaction.
            cursor.execute("ALTER TABLE careers_careerpath RENAME TO careers_away")
            yield "no such table: careers_careerpath"
            return
        other = connection.get_new_connection(connection.get_connection_params())
        try:
            other.execute("LOCK TABLE careers_careerpath IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SET LOCAL lock_timeout = '100ms'")
            yield "canceling statement due to lock timeout"
        finally:
            other.close()


def database_errors():
    return REGISTRY.get_sample_value("portal_database_errors_total")


def test_pages_answer_a_friendly_503_while_the_database_refuses(
    client, database_refuses
):
    """The static 503 page, to be retried in 30 seconds and never stored, with
    every security header; counted, and logged once with the request."""
    errors = database_errors()
    response = client.get("/careers/")
    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == render_to_string("503.html")
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert_security_headers(response)
    assert database_errors() == errors + 1


def test_the_api_answers_json_while_the_database_refuses(client, database_refuses):
    """API clients get a JSON error they can read, from any origin."""
    response = client.get("/api/careers/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": UNAVAILABLE}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"


def test_the_refusal_is_logged_with_the_request(client, database_refuses, caplog):
    """One error line naming the database's words, with the request and the
    503 for the log's fields."""
    with caplog.at_level(logging.ERROR, logger="portal.middleware"):
        client.get("/careers/")
    (record,) = [r for r in caplog.records if r.name == "portal.middleware"]
    assert record.levelno == logging.ERROR
    # PostgreSQL adds the statement on lines of its own.
    message = record.getMessage().splitlines()[0]
    assert message == f"Database unavailable: {database_refuses}"
    assert record.status_code == 503
    assert record.request.path == "/careers/"


def broken(request):
    raise ValueError("a bug, not an outage")


urlpatterns = [path("broken/", broken)]


@override_settings(ROOT_URLCONF=__name__)
def test_other_errors_are_not_mistaken_for_an_outage(client, db):
    """A bug is the 500 page, not a 503 asking to retry."""
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "<h1>Something went wrong</h1>" in response.content.decode()


CONNECTION = "192.0.2.10"  # the peer of the TCP connection (REMOTE_ADDR)


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded_for", "expected"),
    [
        # Straight from the internet: whatever the client claims is ignored.
        (False, None, CONNECTION),
        (False, "203.0.113.9", CONNECTION),
        (False, "203.0.113.9, 198.51.100.4", CONNECTION),
        # Behind our proxy, the last hop is the address it saw; earlier ones
        # are the client's word.
        (True, "203.0.113.9", "203.0.113.9"),
        (True, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (True, "1.2.3.4,203.0.113.9 ", "203.0.113.9"),
        # A proxy that sent no address (or only spaces): the connection's.
        (True, None, CONNECTION),
        (True, "  ", CONNECTION),
    ],
)
def test_the_client_address(behind_proxy, forwarded_for, expected):
    """The connection's address, unless we are behind the proxy we trust."""
    headers = {} if forwarded_for is None else {"x-forwarded-for": forwarded_for}
    request = RequestFactory().get("/", headers=headers, REMOTE_ADDR=CONNECTION)
    with override_settings(BEHIND_PROXY=behind_proxy):
        assert client_ip(request) == expected


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "editor", password="a-long-correct-password", is_staff=True
    )


def login(client, address, forwarded_for=None):
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "wrong"},
        headers=headers,
        REMOTE_ADDR=address,
    )


def test_without_a_proxy_failures_count_per_connecting_address(client, staff):
    """Five failures lock out the address they came from, and only it: a
    forged X-Forwarded-For neither escapes the lock nor blames someone else."""
    for _ in range(4):
        assert login(client, "203.0.113.9").status_code == 200
    assert login(client, "203.0.113.9").status_code == 429
    assert login(client, "203.0.113.9", forwarded_for="198.51.100.4").status_code == (
        429
    )
    assert login(client, "198.51.100.4").status_code == 200
    assert login(client, "198.51.100.4", forwarded_for="203.0.113.9").status_code == (
        200
    )
