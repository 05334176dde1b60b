"""Prometheus metrics on /metrics: requests by view and status, latency,
page-cache hits and misses, database and cache errors, for allowed clients
only, and added up over gunicorn's workers."""

import concurrent.futures
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.utils import load_backend
from django.test import override_settings
from django.urls import path
from prometheus_client.parser import text_string_to_metric_families

from tests.portal.pagecache.test_middleware import CLOSED_PORT_CACHE
from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = "portal_http_requests"


def database_down(request):
    """A view whose database refuses it for real: the same backend, pointed
    where no database is (a closed port, or a file in a missing directory)."""
    settings = {**connection.settings_dict, "CONN_HEALTH_CHECKS": False}
    if connection.vendor == "sqlite":
        settings["NAME"] = str(ROOT / "no-such-directory" / "db.sqlite3")
    else:
        settings.update(HOST="127.0.0.1", PORT=str(free_port()))
    unreachable = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "down")
    try:
        unreachable.ensure_connection()
    finally:
        unreachable.close()


# Routes for the database-error test (ROOT_URLCONF points here).
urlpatterns = [path("down/", database_down, name="down")]


def scrape(client, **headers):
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    return parse(response.text)


def parse(text):
    """{(sample name, sorted labels): value} of a scrape."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def request_count(samples, view, status):
    return value(samples, f"{REQUESTS}_total", view=view, status=str(status))


def series(samples, name):
    return {labels for sample, labels in samples if sample == name}


@pytest.mark.django_db
def test_requests_are_counted_by_view_and_status(client, mlops):
    """Each answer counts once under its URL pattern's name and status, and
    is timed under the same name."""
    before = scrape(client)
    assert client.get("/careers/").status_code == 200
    assert client.get("/careers/mlops-engineer/").status_code == 200
    assert client.get("/careers/no-such-career/").status_code == 404
    assert client.get("/api/careers/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/no/such/page/").status_code == 404
    after = scrape(client)

    for view, status in [
        ("careers:list", 200),
        ("careers:detail", 200),
        ("careers:detail", 404),
        ("api:careers", 200),
        ("healthz", 200),
        ("unmatched", 404),
    ]:
        delta = request_count(after, view, status) - request_count(before, view, status)
        assert delta == 1, (view, status)
    # The first scrape is counted too, by the second.
    assert (
        request_count(after, "metrics", 200)
        == request_count(before, "metrics", 200) + 1
    )
    latency = "portal_http_request_duration_seconds_count"
    assert value(after, latency, view="careers:detail") == (
        value(before, latency, view="careers:detail") + 2
    )


@pytest.mark.django_db
def test_labels_stay_few_whatever_the_paths(client, mlops):
    """A crawler's many URLs add no series: the label is the route, not the path."""
    client.get("/careers/")
    client.get("/no/such/page/")
    client.get("/careers/no-such-career/")
    before = scrape(client)
    for number in range(50):
        client.get(f"/junk-{number}/?x={number}")
        client.get(f"/careers/missing-{number}/")
        client.get(f"/careers/?q={number}")
    after = scrape(client)
    assert series(after, f"{REQUESTS}_total") == series(before, f"{REQUESTS}_total")
    assert (
        request_count(after, "unmatched", 404) - request_count(before, "unmatched", 404)
        == 50
    )


def test_strangers_get_no_metrics(client, settings):
    """Only loopback addresses (by default) may read /metrics, including every
    address a proxy forwarded; other methods get 405."""
    public = "203.0.113.5"
    assert client.get("/metrics", REMOTE_ADDR=public).status_code == 403
    for header in [
        {"HTTP_X_FORWARDED_FOR": public},
        {"HTTP_X_FORWARDED_FOR": f"10.0.0.8, {public}"},
        {"HTTP_X_REAL_IP": public},
        {"HTTP_FORWARDED": f'for="{public}";proto=https'},
        {"HTTP_X_FORWARDED_FOR": "not-an-address"},
    ]:
        assert client.get("/metrics", **header).status_code == 403, header
    # Private addresses are visitors too, behind a TCP balancer or in containers.
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="::ffff:127.0.0.1").status_code == 200
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200

    response = client.post("/metrics")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"

    settings.METRICS_ALLOWED_IPS = ["198.51.100.0/24"]
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.7").status_code == 200
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404


def test_metrics_are_never_cached(client, settings):
    """/metrics is fresh on every scrape, even with page caching on, and asks
    caches not to store it."""
    settings.PAGE_CACHE = True
    first = client.get("/metrics")
    second = client.get("/metrics")
    assert first["Cache-Control"] == "no-store"
    assert first["Content-Type"].startswith("text/plain; version=")
    assert request_count(parse(second.text), "metrics", 200) == (
        request_count(parse(first.text), "metrics", 200) + 1
    )


@pytest.mark.django_db
def test_page_cache_hits_and_misses_are_counted(client, mlops, settings):
    """A cached page's first request is a miss, the next one a hit."""
    settings.PAGE_CACHE = True
    before = scrape(client)
    client.get("/careers/mlops-engineer/")
    client.get("/careers/mlops-engineer/")
    after = scrape(client)
    for name in ("portal_page_cache_misses_total", "portal_page_cache_hits_total"):
        assert value(after, name) == value(before, name) + 1, name
    # Answered from the cache, the second request still counts under its view.
    assert request_count(after, "careers:detail", 200) == (
        request_count(before, "careers:detail", 200) + 2
    )


@pytest.mark.django_db
def test_cache_errors_are_counted(client, mlops, settings):
    """A shared cache that cannot be reached shows in the cache-error count."""
    settings.PAGE_CACHE = True
    before = scrape(client)
    with override_settings(CACHES=CLOSED_PORT_CACHE):
        assert client.get("/careers/mlops-engineer/").status_code == 200
    after = scrape(client)
    name = "portal_cache_errors_total"
    # Once: the cache is not tried again for RETRY_SECONDS.
    assert value(after, name) == value(before, name) + 1


@pytest.mark.django_db
def test_a_failed_readiness_check_counts_as_a_cache_error(client):
    """/readyz finding the cache unreachable counts, as a page would."""
    before = scrape(client)
    with override_settings(CACHES=CLOSED_PORT_CACHE):
        assert client.get("/readyz").status_code == 503
    after = scrape(client)
    name = "portal_cache_errors_total"
    assert value(after, name) == value(before, name) + 1


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_database_errors_are_counted(client):
    """A request that finds the database unreachable counts as a database
    error and as a 503 of its view."""
    before = scrape(client)
    assert client.get("/down/").status_code == 503
    after = scrape(client)
    name = "portal_database_errors_total"
    assert value(after, name) == value(before, name) + 1
    assert request_count(after, "down", 503) == request_count(before, "down", 503) + 1


# The gunicorn test: seconds to start, for one request, and requests to send.
START_TIMEOUT = 60
REQUEST_TIMEOUT = 10
HEALTH_REQUESTS = 20
CLIENT_THREADS = 4


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with 2 workers and the production settings, on a free loopback
    port, with a migrated SQLite database of its own."""
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    # A previous run's file, which a fresh start must not add in.
    (metrics_dir / "counter_1.db").write_bytes(b"stale")
    env = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": os.devnull,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(django_settings.STATIC_ROOT),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    stdout, stderr = tmp_path / "stdout", tmp_path / "stderr"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
            + ["--no-control-socket", "portal.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, stderr.read_text()
            assert time.monotonic() < deadline, stderr.read_text()
            time.sleep(0.2)
        yield base, port, metrics_dir, stdout, stderr
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def test_gunicorn_workers_add_up(gunicorn):
    """Whichever of 2 workers answers /metrics, it counts every worker's
    requests; and gunicorn writes its logs to stderr, nothing to stdout."""
    base, port, metrics_dir, stdout, stderr = gunicorn
    assert not (metrics_dir / "counter_1.db").exists()
    with concurrent.futures.ThreadPoolExecutor(CLIENT_THREADS) as pool:
        statuses = list(
            pool.map(lambda _: get(f"{base}/healthz")[0], range(HEALTH_REQUESTS))
        )
    # A half-sent request holds one sync worker, so the next requests all go
    # to the other: each worker has then served some.
    with socket.create_connection(("127.0.0.1", port), REQUEST_TIMEOUT) as held:
        held.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.5)
        statuses += [get(f"{base}/healthz")[0] for _ in range(HEALTH_REQUESTS)]
        held.sendall(b"Connection: close\r\n\r\n")
        assert held.recv(100).startswith(b"HTTP/1.1 200")
    assert statuses == [200] * 2 * HEALTH_REQUESTS

    # Plus the held request and the probe that saw gunicorn start.
    expected = 2 * HEALTH_REQUESTS + 2
    for _ in range(6):
        status, text = get(f"{base}/metrics")
        assert status == 200
        assert request_count(parse(text), "healthz", 200) == expected

    assert stdout.read_text() == ""
    assert '"GET /healthz HTTP/1.1" 200' in stderr.read_text()
