"""Public pages are cached for visitors and invalidated the moment content changes."""

import concurrent.futures
import contextlib
import ctypes
import datetime
import fcntl
import functools
import hashlib
import logging
import os
import signal
import subprocess
import tempfile
import time
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
import redis
import time_machine
from django.contrib import messages
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.test import Client, override_settings
from django.urls import path
from prometheus_client import REGISTRY

from careers.models import CareerPath
from portal.pagecache import VERSION_KEY, breaker, cache_public_page
from tests import factories
from tests.conftest import MLOPS_FILE
from tests.processes import free_port, stop
from tests.services import claim, redis_url, release

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache(settings):
    """Whole-page caching on: these tests run in one process, where the
    local-memory cache is shared just as Redis is between nodes."""
    settings.PAGE_CACHE = True


PUBLIC_PAGES = [
    "/",
    "/careers/",
    "/careers/mlops-engineer/",
    "/compare/?careers=mlops-engineer",
    "/skills/",
    "/skills/programming-languages/",
]
CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "portal.cache_backend.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def mlops(transactional_db):
    call_command("import_careers", str(MLOPS_FILE), stdout=StringIO())
    return CareerPath.objects.get(slug="mlops-engineer")


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_repeat_visits_are_served_from_the_cache(
    client, mlops, django_assert_num_queries, url
):
    """The second anonymous request for a public page touches no database."""
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content


def test_a_save_from_a_shell_shows_at_once(client, mlops):
    """Saving a career anywhere (here: the ORM, as in a shell) invalidates pages."""
    client.get("/careers/mlops-engineer/")
    client.get("/careers/")
    mlops.summary = "A changed summary."
    mlops.save()
    assert "A changed summary." in client.get("/careers/mlops-engineer/").text
    assert "A changed summary." in client.get("/careers/").text


def test_a_change_to_a_child_or_shared_row_shows_at_once(client, mlops):
    """Stages, steps and shared skills invalidate too, saved or deleted."""
    client.get("/careers/mlops-engineer/")
    stage = mlops.stages.get(position=4)
    stage.salary_min = stage.salary_max = 140000
    stage.save()
    assert "$140,000" in client.get("/careers/mlops-engineer/").text

    mlops.steps.get(position=8).delete()
    assert "Seek Mentoring" not in client.get("/careers/mlops-engineer/").text

    skill = mlops.skills.get(position=1).skill
    client.get("/skills/")
    skill.name = "ML Theory"
    skill.save()
    assert ">ML Theory</a>" in client.get("/skills/").text


def test_a_delete_shows_at_once(client, mlops):
    """Deleting a career removes it from every cached page."""
    assert client.get("/careers/mlops-engineer/").status_code == 200
    client.get("/careers/")
    mlops.delete()
    assert client.get("/careers/mlops-engineer/").status_code == 404
    assert "MLOps Engineer" not in client.get("/careers/").text


def test_an_import_shows_at_once(client, mlops, tmp_path):
    """An import invalidates pages once it commits."""
    client.get("/careers/mlops-engineer/")
    changed = tmp_path / "mlops.yaml"
    changed.write_text(
        MLOPS_FILE.read_text().replace(
            "title: MLOps Engineer\n", "title: MLOps Engineer (2027)\n"
        )
    )
    call_command("import_careers", str(changed), stdout=StringIO())
    assert (
        "MLOps Engineer (2027) Career Path"
        in client.get("/careers/mlops-engineer/").text
    )


def test_a_failed_import_keeps_the_cache(client, mlops, tmp_path):
    """Nothing committed, nothing invalidated: the version stays."""
    client.get("/careers/mlops-engineer/")
    version = cache.get(VERSION_KEY)
    broken = tmp_path / "mlops.yaml"
    broken.write_text(MLOPS_FILE.read_text().replace("score: 9", "score: 11", 1))
    with pytest.raises(Exception, match="11 is not between 1 and 10"):
        call_command("import_careers", str(broken), stdout=StringIO())
    assert cache.get(VERSION_KEY) == version


def test_staff_never_see_cached_pages(client, admin_client, mlops):
    """Signed-in staff bypass the cache: they see drafts and fresh content."""
    client.get("/careers/mlops-engineer/")
    # A change that sends no signal, so only a bypass can show it.
    CareerPath.objects.filter(pk=mlops.pk).update(summary="Updated quietly.")
    assert "Updated quietly." not in client.get("/careers/mlops-engineer/").text
    assert "Updated quietly." in admin_client.get("/careers/mlops-engineer/").text


def test_not_found_and_drafts_are_not_cached(client, db):
    """Only successful pages are stored; a draft published later appears."""
    draft = factories.career(slug="soon", status=CareerPath.Status.DRAFT)
    assert client.get("/careers/soon/").status_code == 404
    CareerPath.objects.filter(pk=draft.pk).update(status="published")
    assert client.get("/careers/soon/").status_code == 200


def test_repeated_request_gets_304(client, mlops):
    """A request with the ETag it was given gets 304 Not Modified, no body."""
    first = client.get("/careers/mlops-engineer/")
    etag = first["ETag"]
    again = client.get("/careers/mlops-engineer/", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    mlops.summary = "Changed."
    mlops.save()
    changed = client.get("/careers/mlops-engineer/", headers={"if-none-match": etag})
    assert changed.status_code == 200


def counted_errors():
    """How many shared-cache and database errors the metrics have counted."""
    return (
        REGISTRY.get_sample_value("portal_cache_errors_total"),
        REGISTRY.get_sample_value("portal_database_errors_total"),
    )


def caching_logs(caplog):
    return [
        (record.levelname, record.getMessage())
        for record in caplog.records
        if record.name == "portal.pagecache.version"
    ]


def test_pages_are_served_while_the_cache_is_down(client, mlops, caplog):
    """Redis at a closed port: pages still answer 200, uncached; the cache is
    tried once per RETRY_SECONDS (10 s), and the outage logged once."""
    cache_errors, database_errors = counted_errors()
    with (
        override_settings(CACHES=CLOSED_PORT_CACHE),
        caplog.at_level(logging.INFO, logger="portal.pagecache.version"),
    ):
        failed_after = time.monotonic()
        for _ in range(3):
            for url in PUBLIC_PAGES:
                response = client.get(url)
                assert response.status_code == 200, url
        failed_before = time.monotonic()
    assert caching_logs(caplog) == [
        ("ERROR", "Cache unavailable; serving pages uncached, retrying every 10s")
    ]
    assert counted_errors() == (cache_errors + 1, database_errors)
    assert failed_after <= breaker.down_since <= failed_before
    assert failed_after + 10 <= breaker.retry_at <= failed_before + 10


@contextlib.contextmanager
def used_alone(url, wait=300):
    """Hold the Redis database at `url` alone among this machine's test runs
    (a lock file): two runs of these tests at once would empty each other's
    pages."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"career-portal-tests-redis-{digest}.lock"
    with open(path, "a") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another test run kept {url} for {wait} s")
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def redis_cache():
    """The real Redis: the tests' own database for the page cache
    (tests.services), emptied before and after."""
    url = redis_url("cache")
    with used_alone(url):
        claim(url)
        try:
            with override_settings(CACHES=redis_settings(url)):
                yield
        finally:
            release(url)


def test_caching_resumes_when_redis_returns(client, mlops, redis_cache, caplog):
    """After an outage the cache is used again, with the version read from the
    database afresh: a change made meanwhile could not reach Redis, which
    still holds the version from before."""
    from portal.pagecache import local_pages, stored_version

    url = "/careers/mlops-engineer/"
    client.get(url)  # stored under the version before the outage
    before = cache.get(VERSION_KEY)
    with override_settings(CACHES=CLOSED_PORT_CACHE):
        mlops.summary = "Changed during the outage."
        mlops.save()  # its version could not be shared
        assert "Changed during the outage." in client.get(url).text
    assert breaker.down_since is not None
    assert cache.get(VERSION_KEY) == before != stored_version()
    breaker.retry_at = time.monotonic()  # the retry interval has passed
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="portal.pagecache.version"):
        assert "Changed during the outage." in client.get(url).text
    assert caching_logs(caplog) == [
        ("WARNING", "Cache available again; page caching resumes")
    ]
    assert breaker.down_since is None
    assert cache.get(VERSION_KEY) == stored_version()
    assert page_entries() == 2
    assert len(local_pages.pages) == 2


def test_redis_shares_invalidation_between_processes(client, mlops, redis_cache):
    """The version lives in Redis: a bump written elsewhere invalidates here."""
    client.get("/careers/mlops-engineer/")
    # Another node changed content: it wrote a new version to the shared cache.
    CareerPath.objects.filter(pk=mlops.pk).update(summary="From another node.")
    cache.set(VERSION_KEY, ("another-node", None), timeout=None)
    assert "From another node." in client.get("/careers/mlops-engineer/").text


@override_settings(ALLOWED_HOSTS=["a.example", "b.example"])
def test_pages_are_cached_per_host(client, mlops):
    """Pages carry absolute links (canonical, JSON-LD): one host's copy never
    answers another host."""
    first = client.get("/careers/mlops-engineer/", headers={"host": "a.example"})
    second = client.get("/careers/mlops-engineer/", headers={"host": "b.example"})
    assert 'href="http://a.example/careers/mlops-engineer/"' in first.text
    assert 'href="http://b.example/careers/mlops-engineer/"' in second.text


def test_cached_api_answers_keep_cors_and_preconditions(client, mlops):
    """Served from the cache, the API still sends CORS headers with 304s, and
    If-Match still reaches the view."""
    url = "/api/careers/mlops-engineer/"
    etag = client.get(url)["ETag"]
    cached = client.get(url, headers={"if-none-match": etag})
    assert cached.status_code == 304
    assert cached["Access-Control-Allow-Origin"] == "*"
    assert cached["ETag"] == etag
    assert client.get(url, headers={"if-match": '"other"'}).status_code == 412


def test_a_session_cookie_skips_the_cache(client, mlops):
    """Only a request without a session cookie can be anonymous for sure."""
    client.get("/careers/mlops-engineer/")
    CareerPath.objects.filter(pk=mlops.pk).update(title="Quietly Renamed")
    assert "Quietly Renamed" not in client.get("/careers/mlops-engineer/").text
    client.cookies["sessionid"] = "not-a-session"
    assert "Quietly Renamed" in client.get("/careers/mlops-engineer/").text


def test_one_redis_client_is_reused(redis_cache):
    """Django's backend builds a client per operation; ours keeps one."""
    assert cache._cache.get_client() is cache._cache.get_client()
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)


def test_the_leader_is_written_and_a_replica_read(tmp_path):
    """With two servers, writes go to the first and reads to the other (as
    Django's backend does), each through one client kept for it."""
    with (
        redis_server(tmp_path / "leader") as (_leader, leader_url),
        redis_server(tmp_path / "replica") as (_replica, replica_url),
        override_settings(CACHES=redis_settings(f"{leader_url},{replica_url}")),
        redis.Redis.from_url(leader_url) as leader,
        redis.Redis.from_url(replica_url) as replica,
    ):
        reads = cache._cache.get_client()
        writes = cache._cache.get_client(write=True)
        assert reads is not writes
        assert cache._cache.get_client() is reads
        assert cache._cache.get_client(write=True) is writes
        cache.set("written", "to the leader")
        assert cache.get("written") is None  # this replica does not replicate
        replica.set(cache.make_key("written"), leader.get(cache.make_key("written")))
        assert cache.get("written") == "to the leader"
        assert leader.keys() == [cache.make_key("written").encode()]


def redis_settings(url):
    return {
        "default": {
            "BACKEND": "portal.cache_backend.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def forget_everything():
    """Lose every key the cache wrote, as a Redis that restarts empty does
    (the marker tests.services keeps in the database stays)."""
    client = cache._cache.get_client()
    client.delete(*client.keys(cache.make_key("*")))


def page_entries():
    return len(cache._cache.get_client().keys(b"*pages:v2:page:*"))


JUNK_PAGES = [
    "/careers/mlops-engineer/",
    "/careers/",
    "/compare/?careers=mlops-engineer",
    "/skills/programming-languages/",
    "/api/careers/",
    "/api/careers/mlops-engineer/",
]


@pytest.mark.parametrize("url", JUNK_PAGES)
def test_junk_parameters_cannot_fill_the_cache(client, mlops, redis_cache, url):
    """100 query strings a view does not read add one entry, not 100."""
    joiner = "&" if "?" in url else "?"
    first = client.get(url)
    assert first.status_code == 200
    for number in range(100):
        junk = client.get(f"{url}{joiner}x={number}&utm_source={number}")
        assert junk.status_code == 200
    assert page_entries() == 1
    assert junk.content == first.content


JUNK_VALUES = {
    "/careers/": [
        "sort=junk{n}",
        "page={zeros}1",
        "category=junk-{n}",
        "q=a&q=b{n}",
        "q=a{n}&q=a{n}",
    ],
    "/skills/programming-languages/": ["page={zeros}1"],
    "/api/careers/": ["page={zeros}1"],
}


@pytest.mark.parametrize("url", JUNK_VALUES)
def test_junk_values_of_read_parameters_cannot_fill_the_cache(
    client, mlops, redis_cache, url
):
    """A value the view does not apply as sent (an unknown sort or category,
    page=01, a repeated parameter) is answered but not stored."""
    first = client.get(url)
    assert first.status_code == 200
    for number in range(50):
        for pattern in JUNK_VALUES[url]:
            query = pattern.format(n=number, zeros="0" * (number + 1))
            junk = client.get(f"{url}?{query}")
            assert junk.status_code == 200
    assert page_entries() == 1
    client.get(f"{url}?page=1")  # as applied: stored
    assert page_entries() == 2


def test_the_parameters_a_view_reads_key_its_pages(
    client, mlops, redis_cache, django_assert_num_queries
):
    """?q=engineer is cached, apart from other searches, whatever the order of
    the parameters."""
    first = client.get("/careers/?q=engineer&sort=title")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get("/careers/?sort=title&utm=1&q=engineer")
    assert again.content == first.content
    assert page_entries() == 1
    other = client.get("/careers/?q=nothing-matches-this")
    assert "MLOps Engineer" not in other.text
    assert page_entries() == 2


def test_an_empty_parameter_is_the_page_without_it(
    client, mlops, redis_cache, django_assert_num_queries
):
    """?page=&sort= is stored as, and answered from the same entry as, the
    page without them."""
    first = client.get("/careers/?page=&sort=")
    assert page_entries() == 1
    with django_assert_num_queries(0):
        assert client.get("/careers/").content == first.content


def test_only_views_marked_public_are_cached(redis_cache):
    """cache_public_page marks a view whose pages may be stored, and a
    function view's params key them; unmarked views are never stored, even
    at a path that is public in another URLconf."""

    def page(request):
        renderings["page"] += 1
        return HttpResponse("Marked.")

    def found(request):
        renderings["found"] += 1
        return HttpResponse(f"Found {request.GET.get('q')}.")

    def unmarked(request):
        renderings["unmarked"] += 1
        return HttpResponse("Not marked.")

    class urls:  # made here, so the marks are made while this test runs
        urlpatterns = [
            path("page/", cache_public_page(page)),
            path("found/", cache_public_page(params=["q"])(found)),
            path("plain/", unmarked),
        ]

    renderings.clear()
    with override_settings(ROOT_URLCONF=__name__):
        assert Client().get("/plain/").status_code == 200  # public here
    with override_settings(ROOT_URLCONF=urls):
        for url in ("/page/", "/found/?q=a", "/found/?q=a&x=1", "/plain/") * 2:
            assert Client().get(url).status_code == 200
        assert Client().get("/found/?q=b").content == b"Found b."
        assert Client().get("/plain/").content == b"Not marked."
    assert renderings == {"plain": 1, "page": 1, "found": 2, "unmarked": 3}
    assert page_entries() == 4


class ThisModulesUrls:
    """A middleware that resolves every request with this module's URLconf."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.urlconf = __name__
        return self.get_response(request)


def test_a_urlconf_set_by_a_middleware_decides_what_is_public(redis_cache, settings):
    """A page is public by the URLconf Django resolves it with: one a
    middleware set on the request, not ROOT_URLCONF."""
    position = settings.MIDDLEWARE.index("portal.pagecache.PageCacheMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:position],
        f"{__name__}.ThisModulesUrls",
        *settings.MIDDLEWARE[position:],
    ]
    renderings.clear()
    assert [r.content for r in visits("/plain/")] == [b"Nothing to remember."] * 3
    assert renderings == {"plain": 1}


def die_with_parent():
    """In the child: SIGKILL when the test process ends, even if it is killed."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def redis_server(directory):
    """A redis-server of the test's own on a free port: its URL."""
    directory.mkdir(exist_ok=True)
    port = free_port()
    try:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(directory)],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    except FileNotFoundError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("redis-server is not installed")
    try:
        client = redis.Redis(port=port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        yield server, f"redis://127.0.0.1:{port}/0"
    finally:
        server.send_signal(signal.SIGCONT)
        stop(server)


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own, which it may pause, and whose
    command counts are this test's alone."""
    with redis_server(tmp_path / "redis") as (server, url):
        yield server, url


def test_a_change_the_cache_missed_shows_within_the_bound(
    client, mlops, own_redis, settings, tmp_path, caplog
):
    """An import while Redis is paused reaches the database but not the cache;
    once Redis answers again, the change shows within
    PAGE_CACHE_VERSION_SECONDS, on a node that never saw the outage."""
    server, url = own_redis
    settings.PAGE_CACHE_VERSION_SECONDS = BOUND = 2
    page = "/careers/mlops-engineer/"
    changed = tmp_path / "mlops.yaml"
    changed.write_text(
        MLOPS_FILE.read_text().replace("summary: ", "summary: Paused Redis. ", 1)
    )
    with override_settings(CACHES=redis_settings(url)):
        assert "Paused Redis." not in client.get(page).text
        assert "Paused Redis." not in client.get(page).text  # from the cache
        # The import runs in a process of its own: no connection to reuse.
        cache._cache.get_client().connection_pool.disconnect()
        server.send_signal(signal.SIGSTOP)
        try:
            with caplog.at_level(logging.ERROR, logger="portal.pagecache.version"):
                call_command("import_careers", str(changed), stdout=StringIO())
        finally:
            server.send_signal(signal.SIGCONT)
        assert "Cache unavailable" in caplog.text
        breaker.__init__()  # another node, which saw no outage
        resumed = time.monotonic()
        while time.monotonic() - resumed < BOUND + 10:
            if "Paused Redis." in client.get(page).text:
                break
            time.sleep(0.1)
        seen_after = time.monotonic() - resumed
    assert seen_after <= BOUND + 1, f"the change showed after {seen_after:.1f} s"


def test_a_redis_that_restarts_empty_keeps_pages_valid(client, mlops, redis_cache):
    """The version comes back from the database unchanged: nothing committed,
    nothing invalidated; a later change still shows at once."""
    client.get("/careers/mlops-engineer/")
    version = cache.get(VERSION_KEY)
    assert version is not None
    forget_everything()
    client.get("/careers/mlops-engineer/")
    assert cache.get(VERSION_KEY) == version
    mlops.summary = "After the restart."
    mlops.save()
    assert "After the restart." in client.get("/careers/mlops-engineer/").text


def test_a_weak_etag_from_a_compressing_proxy_gets_304(client, mlops):
    """nginx gzips a page and turns its ETag weak; the browser sends that back,
    and a cached page still answers 304."""
    etag = client.get("/careers/mlops-engineer/")["ETag"]
    assert not etag.startswith("W/")
    client.get("/careers/mlops-engineer/")  # now from the cache
    again = client.get(
        "/careers/mlops-engineer/", headers={"if-none-match": f"W/{etag}"}
    )
    assert again.status_code == 304
    other = client.get("/careers/mlops-engineer/", headers={"if-none-match": 'W/"x"'})
    assert other.status_code == 200


def test_a_reader_cannot_put_back_a_replaced_version(
    client, mlops, redis_cache, monkeypatch
):
    """A node that read the database just before a change committed stores
    what it read only if the cache has no version yet: the change's own
    version, shared on commit, stays."""
    from portal.pagecache import version as caching

    read_before_the_change = caching.stored_version()
    cache.delete(VERSION_KEY)

    def stale_read():
        monkeypatch.undo()  # the change below reads the database for real
        mlops.summary = "Committed meanwhile."
        mlops.save()  # commits, and shares its version
        return read_before_the_change

    monkeypatch.setattr(caching, "stored_version", stale_read)
    assert caching.content_version() == read_before_the_change[0]
    assert cache.get(VERSION_KEY) == caching.stored_version()
    assert "Committed meanwhile." in client.get("/careers/mlops-engineer/").text


def redis_calls(server):
    """The commands a Redis server has run so far, by name (INFO, which
    reads them, aside)."""
    stats = server.info("commandstats")
    return Counter(
        {
            name.removeprefix("cmdstat_"): stat["calls"]
            for name, stat in stats.items()
            if name != "cmdstat_info"
        }
    )


def test_pages_are_served_from_process_memory_once_fetched(
    client, mlops, own_redis, settings
):
    """Each process keeps the pages it served: a repeat visit costs one Redis
    round trip, for the version (read on every request, so a change on any
    node shows at once), never a second one for the page. A process that has
    not served the page yet fetches it from Redis once."""
    from portal.pagecache import local_pages

    _server, url = own_redis
    settings.PAGE_CACHE_VERSION_SECONDS = 300  # no version expires meanwhile
    page = "/careers/mlops-engineer/"
    with (
        override_settings(CACHES=redis_settings(url)),
        redis.Redis.from_url(url) as server,
    ):
        cache._cache.get_client().ping()  # connected before counting
        before = redis_calls(server)
        first = client.get(page)
        assert first.status_code == 200
        # The version and the page missed; each was stored.
        assert redis_calls(server) - before == Counter(get=2, set=2)

        before = redis_calls(server)
        for _ in range(10):
            assert client.get(page).content == first.content
        assert redis_calls(server) - before == Counter(get=10)

        local_pages.clear()  # another process, which has not served it yet
        before = redis_calls(server)
        for _ in range(10):
            assert client.get(page).content == first.content
        assert redis_calls(server) - before == Counter(get=11)


def visit_from_another_thread(url):
    """What another visitor gets: a request from another thread, with its own
    database connection, so it cannot see what this one has not committed."""

    def visit():
        try:
            response = Client().get(url)
            return response.status_code, response.content.decode()
        finally:
            connections.close_all()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(visit).result(timeout=60)


def test_the_version_changes_only_once_the_change_commits(client, mlops, redis_cache):
    """While a change is uncommitted, every reader keeps the old version and
    gets the old page; the commit shares the new version; a rollback changes
    nothing."""
    from portal.pagecache import stored_version

    page = "/careers/mlops-engineer/"
    old_page = client.get(page).content.decode()
    old_version = cache.get(VERSION_KEY)
    assert old_version == stored_version()

    with transaction.atomic():
        mlops.summary = "Committed at last."
        mlops.save()
        assert cache.get(VERSION_KEY) == old_version
        assert visit_from_another_thread(page) == (200, old_page)
    new_version = cache.get(VERSION_KEY)
    assert new_version == stored_version()
    assert new_version[0] != old_version[0]
    status, text = visit_from_another_thread(page)
    assert status == 200
    assert "Committed at last." in text

    with pytest.raises(RuntimeError), transaction.atomic():
        mlops.summary = "Rolled back."
        mlops.save()
        assert visit_from_another_thread(page) == (200, text)
        raise RuntimeError("rolled back")
    assert cache.get(VERSION_KEY) == new_version == stored_version()
    assert client.get(page).content.decode() == text


renderings = Counter()


def counted(view=None, *, params=()):
    """A public page of the URLconf below that counts its renderings."""

    def mark(view):
        @functools.wraps(view)
        def wrapper(request):
            renderings[view.__name__] += 1
            return view(request)

        return cache_public_page(wrapper, params=params)

    return mark if view is None else mark(view)


@counted
def csrf_form(request):
    token = get_token(request)
    return HttpResponse(f'<form method="post"><input value="{token}"></form>')


@counted
def session(request):
    request.session["visited"] = True
    return HttpResponse("Welcome.")


@counted
def message(request):
    messages.info(request, "Noted.")
    return HttpResponse("Noted.")


@counted
def cookie(request):
    response = HttpResponse("A cookie.")
    response.set_cookie("seen", "yes")
    return response


@counted
def cookie_header(request):
    response = HttpResponse("A header.")
    response["Set-Cookie"] = "seen=yes; Path=/"
    return response


@counted
def plain(request):
    return HttpResponse("Nothing to remember.")


@counted(params=("q", "page"))
def search(request):
    return HttpResponse(f"Results for {request.GET.get('q', '')}.")


@counted
def weak_etag(request):
    response = HttpResponse("Weakly tagged.")
    response["ETag"] = 'W/"v1"'
    return response


@counted
def streaming(request):
    return StreamingHttpResponse(iter([b"Streamed."]))


@counted
def no_store(request):
    response = HttpResponse("Not to be stored.")
    response["Cache-Control"] = "no-store"
    return response


@counted
def private(request):
    response = HttpResponse("For one visitor.")
    response["Cache-Control"] = "private, max-age=60"
    return response


@counted
def redirect(request):
    return HttpResponseRedirect("/plain/")


@counted
def created(request):
    return HttpResponse("Made.", status=201)


def not_public(request):
    renderings["not_public"] += 1
    return HttpResponse("Never cached.")


# Public pages of every kind (the tests that set ROOT_URLCONF point here).
urlpatterns = [
    path(f"{view.__name__}/", view)
    for view in (
        csrf_form,
        session,
        message,
        cookie,
        cookie_header,
        plain,
        search,
        weak_etag,
        streaming,
        no_store,
        private,
        redirect,
        created,
        not_public,
    )
]


def set_cookies(response):
    """The Set-Cookie headers a response sends, as the WSGI handler makes them."""
    sent = [value for name, value in response.items() if name == "Set-Cookie"]
    return sent + [morsel.output(header="") for morsel in response.cookies.values()]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    "view, cookie_name",
    [
        ("csrf_form", "csrftoken"),
        ("session", "sessionid"),
        ("message", "messages"),
        ("cookie", "seen"),
        ("cookie_header", "seen"),
    ],
)
def test_a_page_that_sets_a_cookie_is_never_stored(
    mlops, redis_cache, view, cookie_name
):
    """A response that sets a cookie (a form's CSRF token, a new session, a
    message, the view's own) is rendered afresh for every visitor, each
    getting a cookie of their own; nothing is stored, in Redis or in memory."""
    from portal.pagecache import local_pages

    renderings.clear()
    for _ in range(3):
        response = Client().get(f"/{view}/")  # a new visitor each time
        assert response.status_code == 200
        [sent] = set_cookies(response)
        assert sent.strip().startswith(f"{cookie_name}=")
    assert renderings == {view: 3}
    assert page_entries() == 0
    assert local_pages.pages == {}


@override_settings(ROOT_URLCONF=__name__)
def test_no_page_served_from_the_cache_sets_a_cookie(redis_cache):
    """A page without cookies is stored, and served from the cache without
    Set-Cookie to every visitor."""
    renderings.clear()
    responses = [Client().get("/plain/") for _ in range(3)]
    assert renderings == {"plain": 1}
    assert page_entries() == 1
    assert [(r.status_code, set_cookies(r)) for r in responses] == [(200, [])] * 3


def visits(url, times=3, **headers):
    """The answers `times` new visitors (no cookies) get for `url`."""
    return [Client().get(url, headers=headers) for _ in range(times)]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    "view, status",
    [
        ("streaming", 200),
        ("no_store", 200),
        ("private", 200),
        ("redirect", 302),
        ("created", 201),
        ("not_public", 200),
    ],
)
def test_only_whole_public_200s_for_everyone_are_stored(redis_cache, view, status):
    """A streamed answer, one marked no-store or private, any status but 200,
    and a view not marked public are rendered for every visitor, never stored."""
    from portal.pagecache import local_pages

    renderings.clear()
    assert [r.status_code for r in visits(f"/{view}/")] == [status] * 3
    assert renderings == {view: 3}
    assert page_entries() == 0
    assert local_pages.pages == {}


@override_settings(ROOT_URLCONF=__name__)
def test_a_function_view_names_the_parameters_that_key_its_pages(redis_cache):
    """cache_public_page(params=...) keys a view's pages by those parameters
    alone, in any order; an empty value counts as none."""
    renderings.clear()
    first = visits("/search/?q=a&page=2", times=1)[0]
    again = visits("/search/?utm=1&page=2&q=a", times=1)[0]
    assert again.content == first.content == b"Results for a."
    assert renderings == {"search": 1}
    visits("/search/?q=b&page=2", times=1)
    visits("/search/", times=1)
    visits("/search/?q=&page=", times=1)
    assert renderings == {"search": 3}
    assert page_entries() == 3


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    "if_none_match, status",
    [
        ('"v1"', 304),
        ('W/"v1"', 304),
        ('"v0", W/"v1"', 304),
        ("*", 304),
        (" * ", 304),
        ('"v2"', 200),
        ('W/"v2", "w/v1"', 200),
    ],
)
def test_a_cached_page_with_a_weak_etag_compares_weakly(
    redis_cache, if_none_match, status
):
    """If-None-Match matches a cached page's weak ETag with or without W/,
    as RFC 9110 asks; * matches any page."""
    renderings.clear()
    visits("/weak_etag/", times=1)
    [answer] = visits("/weak_etag/", times=1, if_none_match=if_none_match)
    assert renderings == {"weak_etag": 1}  # answered from the cache
    assert answer.status_code == status
    assert answer["ETag"] == 'W/"v1"'


def test_a_cached_304_sends_the_headers_of_the_200_without_a_body(client, mlops):
    """From the cache, a 304 carries every header the 200 does (ETag,
    Cache-Control, CSP, Vary...) but Content-Type and Content-Length."""
    url = "/careers/mlops-engineer/"
    client.get(url)
    cached = client.get(url)
    not_modified = client.get(url, headers={"if-none-match": cached["ETag"]})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    expected = dict(cached.items())
    assert expected.pop("Content-Type") == "text/html; charset=utf-8"
    assert expected.pop("Content-Length") == str(len(cached.content))
    assert dict(not_modified.items()) == expected


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    "method, headers, cookies, status",
    [
        ("post", {}, {}, 200),
        ("get", {"if-match": '"x"'}, {}, 412),
        ("get", {"if-unmodified-since": "Sat, 01 Jan 2000 00:00:00 GMT"}, {}, 412),
        ("get", {}, {"sessionid": "any"}, 200),
    ],
)
def test_what_the_cache_never_answers(redis_cache, method, headers, cookies, status):
    """POSTs, requests with preconditions other than If-None-Match (left to
    the view, which refuses these) and visitors with a session are never
    answered from the cache, nor stored."""
    renderings.clear()
    Client().get("/plain/")  # stored
    for _ in range(2):
        visitor = Client()
        visitor.cookies.load(cookies)
        answer = getattr(visitor, method)("/plain/", headers=headers)
        assert answer.status_code == status
    assert renderings == {"plain": 3}
    assert page_entries() == 1


@override_settings(ROOT_URLCONF=__name__)
def test_head_requests_are_cached_apart_from_gets(redis_cache):
    """A HEAD is answered from the cache like a GET, each under its own key."""
    renderings.clear()
    for _ in range(3):
        assert Client().head("/plain/").status_code == 200
    assert renderings == {"plain": 1}
    assert Client().get("/plain/").content == b"Nothing to remember."
    assert renderings == {"plain": 2}
    assert page_entries() == 2


@override_settings(ROOT_URLCONF=__name__)
def test_the_page_cache_can_be_turned_off(redis_cache, settings):
    """PAGE_CACHE = False: every request is rendered, nothing is stored."""
    settings.PAGE_CACHE = False
    renderings.clear()
    visits("/plain/")
    assert renderings == {"plain": 3}
    assert page_entries() == 0
    assert cache.get(VERSION_KEY) is None


def test_too_many_parameters_are_refused_by_the_view(client, mlops):
    """More query parameters than Django parses are the view's to refuse
    (400), whether the page is stored or not."""
    junk = "&".join(f"x{n}=1" for n in range(1001))
    client.get("/careers/")
    assert client.get(f"/careers/?{junk}").status_code == 400
    assert client.get(f"/careers/mlops-engineer/?{junk}").status_code == 200


NOON = datetime.datetime(2031, 5, 6, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def test_the_shared_cache_keeps_the_version_only_briefly(client, mlops, redis_cache):
    """Redis keeps the version for PAGE_CACHE_VERSION_SECONDS, whether a
    reader stored it or a change shared it, and pages for PAGE_CACHE_SECONDS;
    so does each process's memory."""
    from portal.pagecache import local_pages

    redis_client = cache._cache.get_client()
    with override_settings(PAGE_CACHE_VERSION_SECONDS=100, PAGE_CACHE_SECONDS=500):
        client.get("/careers/mlops-engineer/")
        assert 95 <= redis_client.ttl(cache.make_key(VERSION_KEY)) <= 100
        [key] = redis_client.keys(cache.make_key("pages:v2:page:*"))
        assert 495 <= redis_client.ttl(key) <= 500
        [(expires, _page)] = local_pages.pages.values()
        assert 495 <= expires - time.monotonic() <= 500
        redis_client.persist(cache.make_key(VERSION_KEY))
        mlops.save()
        assert 95 <= redis_client.ttl(cache.make_key(VERSION_KEY)) <= 100


def test_a_scheduled_career_shows_the_moment_it_comes_due(
    client, transactional_db, redis_cache, django_assert_num_queries
):
    """Pages stored before a scheduled publication are not served once it has
    come due; the new version is then stored for every node at once."""
    with time_machine.travel(NOON - HOUR, tick=False) as traveller:
        factories.career(title="Due at Noon", slug="noon", publish_at=NOON)
        assert "Due at Noon" not in client.get("/careers/").text
        with django_assert_num_queries(0):
            assert "Due at Noon" not in client.get("/careers/").text
        traveller.move_to(NOON)
        assert "Due at Noon" in client.get("/careers/").text
        with django_assert_num_queries(0):
            assert "Due at Noon" in client.get("/careers/").text


@contextlib.contextmanager
def table_gone(model):
    """The database refuses every query of `model` (its table renamed away)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_gone")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table}_gone RENAME TO {table}")


def test_pages_are_rendered_uncached_while_the_version_cannot_be_read(
    client, mlops, redis_cache
):
    """If the database refuses to say the version, the page is still answered,
    uncached; that counts as a database error, not a cache error."""
    from careers.models import ContentChange

    cache_errors, database_errors = counted_errors()
    with table_gone(ContentChange):
        for _ in range(2):
            response = client.get("/careers/mlops-engineer/")
            assert response.status_code == 200
            assert "MLOps Engineer" in response.text
    assert counted_errors() == (cache_errors, database_errors + 2)
    assert cache.get(VERSION_KEY) is None
    assert page_entries() == 0
    assert breaker.down_since is None


def test_a_change_whose_version_cannot_be_read_shows_within_the_bound(
    client, mlops, redis_cache, caplog
):
    """If the database refuses to say the new version just after a change
    commits, that is logged and counted; the cache keeps the old version,
    which it lets go within PAGE_CACHE_VERSION_SECONDS."""
    from careers.models import ContentChange

    client.get("/careers/mlops-engineer/")
    before = cache.get(VERSION_KEY)
    cache_errors, database_errors = counted_errors()
    with (
        caplog.at_level(logging.INFO, logger="portal.pagecache.version"),
        contextlib.ExitStack() as restore,
        transaction.atomic(),
    ):
        mlops.summary = "Changed."
        mlops.save()
        restore.enter_context(table_gone(ContentChange))  # gone as it commits
    assert caching_logs(caplog) == [("ERROR", "Could not read the new content version")]
    assert counted_errors() == (cache_errors, database_errors + 1)
    assert breaker.down_since is None
    assert cache.get(VERSION_KEY) == before
    assert cache._cache.get_client().ttl(cache.make_key(VERSION_KEY)) > 0


def test_a_redis_that_stops_answering_holds_a_request_its_socket_timeout(
    client, mlops, own_redis
):
    """The OPTIONS reach the client that is reused: a paused Redis holds a
    request for the socket timeout set there (0.3 s), not redis-py's own
    default (5 s), and the page is served uncached."""
    server, url = own_redis
    caches = redis_settings(url)
    caches["default"]["OPTIONS"] = {
        "socket_connect_timeout": 0.3,
        "socket_timeout": 0.3,
    }
    page = "/careers/mlops-engineer/"
    with override_settings(CACHES=caches):
        client.get(page)  # connected, and stored
        server.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            response = client.get(page)
            held = time.monotonic() - started
        finally:
            server.send_signal(signal.SIGCONT)
    assert response.status_code == 200
    assert breaker.down_since is not None
    assert held < 3, f"the request took {held:.1f} s"


def test_a_new_process_trusts_the_shared_cache(transactional_db, redis_cache, caplog):
    """A process starts with the cache up: its first request takes the version
    other nodes shared, and logs nothing, as there was no outage."""
    from portal.pagecache import content_version

    cache.set(VERSION_KEY, ("shared by another node", None))
    breaker.__init__()  # as in a process just started
    with caplog.at_level(logging.INFO, logger="portal.pagecache.version"):
        assert content_version() == "shared by another node"
    assert caching_logs(caplog) == []
