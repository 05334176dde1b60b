"""Two app nodes sharing one PostgreSQL and one Redis, as in a scale-out deployment.

Two gunicorn servers run the production settings (DEBUG off) against a database
of their own, never pytest-django's test database, and the Redis database
tests.services sets aside for the cluster. An
edit saved through the admin of one node shows on the other node's very next
request: every node keys its cached pages by the content version, which each
save records and shares through the cache, so one save invalidates them all.

A second pair of nodes uses a redis-server of the test's own, and reaches
PostgreSQL through a TCP proxy of the test's own (tests.processes). Redis is
paused while an import runs, so the import's invalidation never reaches the
cache: the change must still show on both nodes within
PAGE_CACHE_VERSION_SECONDS of Redis answering again. Then Redis is killed and
restarted, and PostgreSQL dropped and restored, under both nodes.

Runs only when DATABASE_URL points to PostgreSQL and PostgreSQL, Redis (and
redis-server) and gunicorn are there. Under CI=true with PostgreSQL, a missing
one fails the test rather than skipping it.
"""

import concurrent.futures
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
import redis
import yaml

from portal.pagecache import RETRY_SECONDS
from tests.processes import (
    IS_POSTGRES,
    REQUEST_TIMEOUT,
    Node,
    TcpProxy,
    http_get,
    manage,
    run_manage,
    running_proxy,
    running_redis,
    scratch_database,
    start_node,
    stop,
    through,
    wait_until_healthy,
)
from tests.services import claim, redis_url, release

ROOT = Path(__file__).resolve().parents[2]
SLUG = "mlops-engineer"
CONTENT_FILE = ROOT / "content" / f"{SLUG}.yaml"
ADMIN = "/admin/"
CAREER_ADMIN = f"{ADMIN}careers/careerpath/"
WORKERS = 2
# The paused-Redis test: its nodes' PAGE_CACHE_VERSION_SECONDS (the bound under
# test), the margin a slow machine gets on top, and the pause between polls.
VERSION_SECONDS = 3
VERSION_MARGIN = 15
POLL_SECONDS = 0.25
LOAD_REQUESTS = 2000
LOAD_THREADS = 8
LOAD_SECONDS = 120
PUBLIC_PATHS = [
    "/",
    "/careers/",
    f"/careers/{SLUG}/",
    "/skills/",
    f"/compare/?careers={SLUG}",
    "/healthz",
]


pytestmark = pytest.mark.skipif(
    not IS_POSTGRES,
    reason=(
        "two-node test needs DATABASE_URL=postgres://... (and Redis at "
        "127.0.0.1:6379): the nodes share one PostgreSQL and one Redis"
    ),
)


@dataclass
class Response:
    status: int
    headers: object
    text: str


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor of one node: its own cookies; redirects returned, not followed."""

    def __init__(self, base_url, cookies=True):
        self.base_url = base_url
        # No proxy: every request stays on the loopback interface.
        handlers = [urllib.request.ProxyHandler({}), NoRedirect()]
        if cookies:
            handlers.append(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
            )
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path, data=None):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base_url + path, data=body)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, headers, body = (
                    response.status,
                    response.headers,
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            with error:
                status, headers, body = error.code, error.headers, error.read()
        return Response(status, headers, body.decode())

    def get(self, path):
        return self.request(path)

    def post(self, path, fields):
        return self.request(path, fields)


class FormParser(HTMLParser):
    """What a browser submits from one form: (name, value) pairs in page order."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.found = self.in_form = False
        self.fields = []
        self.options = {}  # select name -> [(value, label)]
        self.textarea = self.select = self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            self.found = self.found or self.in_form
            return
        name = attrs.get("name") or ""
        # Disabled fields and the inline formsets' templates are never submitted.
        if not self.in_form or "disabled" in attrs or "__prefix__" in name:
            return
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "all": []}
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.select["all"].append(self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # Browsers drop the newline that starts a textarea's content.
            self.fields.append((name, text.removeprefix("\r").removeprefix("\n")))
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = [
                (label.strip() if value is None else value, selected, label.strip())
                for value, selected, label in self.select["all"]
            ]
            chosen = [option for option in options if option[1]]
            if not chosen and options and not self.select["multiple"]:
                chosen = options[:1]  # what a browser does
            name = self.select["name"]
            self.fields.extend((name, value) for value, _, _ in chosen)
            self.options[name] = [(value, label) for value, _, label in options]
            self.select = self.option = None


def parse_form(page, form_id):
    parser = FormParser(form_id)
    parser.feed(page)
    parser.close()
    assert parser.found, f"no form #{form_id} on the page:\n{page[:2000]}"
    return parser


def replace(fields, **values):
    """The fields with these names set to these values (added when missing)."""
    kept = [(name, value) for name, value in fields if name not in values]
    return kept + list(values.items())


def admin_errors(page):
    """The admin's error messages, for a readable failure."""
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    note = re.findall(r'<p class="errornote">(.*?)</p>', page, re.S)
    return [re.sub(r"<[^>]+>", " ", text).strip() for text in note + found]


def save_change_form(staff, path, button="_save", **values):
    """Submit the admin form at `path` whole, as a browser does, with `values` set."""
    page = staff.get(path)
    assert page.status == 200, page.status
    form = parse_form(page.text, "careerpath_form")
    response = staff.post(path, replace(form.fields, **values, **{button: "Save"}))
    assert response.status == 302, admin_errors(response.text) or response.text[:3000]
    return response, form


@dataclass
class Cluster:
    a: Node
    b: Node
    env: dict
    database_url: str  # direct, for the test's own connections
    username: str
    password: str
    proxy: TcpProxy = None  # between the nodes and PostgreSQL, if asked for


@contextlib.contextmanager
def running_cluster(tmp, cache_url, proxy=False, **extra_env):
    """Two gunicorn nodes on a fresh database (through a TcpProxy if `proxy`)
    and the Redis database at `cache_url`, with `extra_env` set; removed
    afterwards. The caller owns `cache_url` (claim, or a server of its own)."""
    from django.conf import settings

    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(scratch_database("career_portal_nodes", tmp))
        nodes_database_url, cut = database_url, None
        if proxy:
            server = urllib.parse.urlsplit(database_url)
            cut = stack.enter_context(
                running_proxy(server.hostname, server.port or 5432)
            )
            nodes_database_url = through(database_url, cut)
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "PYTHONUNBUFFERED": "1",
            "ENV_FILE": os.devnull,
            "DEBUG": "false",
            "SECRET_KEY": "two-nodes-test-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": nodes_database_url,
            "CACHE_URL": cache_url,
            # Built once for the session (tests/conftest.py).
            "STATIC_ROOT": str(settings.STATIC_ROOT),
            "WEB_CONCURRENCY": str(WORKERS),
            **extra_env,
        }
        username, password = "operator", secrets.token_urlsafe(16)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "import_careers", str(CONTENT_FILE))
        manage(
            {
                **env,
                "DJANGO_SUPERUSER_USERNAME": username,
                "DJANGO_SUPERUSER_EMAIL": "operator@example.org",
                "DJANGO_SUPERUSER_PASSWORD": password,
            },
            "createsuperuser",
            "--no-input",
        )
        nodes = []
        for name in ("a", "b"):
            node = start_node(name, env, tmp / f"{name}.log")
            stack.callback(stop, node.process)
            nodes.append(node)
        for node in nodes:
            wait_until_healthy(node, workers=WORKERS)
            ready = Browser(node.url, cookies=False).get("/readyz")
            assert ready.status == 200, ready.text
        yield Cluster(nodes[0], nodes[1], env, database_url, username, password, cut)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two gunicorn nodes on a fresh database and the tests' "cluster" Redis
    database, removed and emptied afterwards."""
    cache_url = redis_url("cluster")
    claim(cache_url)
    try:
        with running_cluster(tmp_path_factory.mktemp("two-nodes"), cache_url) as nodes:
            yield nodes
    finally:
        release(cache_url)


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory):
    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="module")
def faulty_cluster(tmp_path_factory, private_redis):
    """Two nodes on the test's own Redis, and on PostgreSQL through the
    test's own proxy, with a short version bound."""
    with running_cluster(
        tmp_path_factory.mktemp("faulty"),
        private_redis.url,
        proxy=True,
        PAGE_CACHE_VERSION_SECONDS=str(VERSION_SECONDS),
    ) as nodes:
        yield nodes


@pytest.fixture(scope="module")
def staff(cluster):
    """A staff member signed in on node A through the admin's login form."""
    browser = Browser(cluster.a.url)
    login = f"{ADMIN}login/?next={ADMIN}"
    page = browser.get(login)
    assert page.status == 200
    form = parse_form(page.text, "login-form")
    response = browser.post(
        login,
        replace(form.fields, username=cluster.username, password=cluster.password),
    )
    assert response.status == 302, admin_errors(response.text) or response.text[:2000]
    assert response.headers["Location"] == ADMIN
    assert browser.get(ADMIN).status == 200
    return browser


def change_path(staff, slug):
    """The admin change page of a career, found through the admin's search."""
    page = staff.get(f"{CAREER_ADMIN}?q={slug}")
    assert page.status == 200
    ids = set(re.findall(rf'href="{CAREER_ADMIN}(\d+)/change/', page.text))
    assert len(ids) == 1, ids
    return f"{CAREER_ADMIN}{ids.pop()}/change/"


def test_an_admin_edit_on_one_node_shows_on_the_other_at_once(cluster, staff):
    """Node B's cached page is replaced on its very next request after A saves."""
    visitor = Browser(cluster.b.url, cookies=False)
    original = visitor.get(f"/careers/{SLUG}/")
    assert original.status == 200
    assert visitor.get(f"/careers/{SLUG}/").text == original.text

    # Changed behind the site's back (no signal, no version bump): B keeps
    # answering from the shared cache, so the page cache really is in use.
    behind = f"Changed in the database only {secrets.token_hex(4)}."
    with psycopg.connect(cluster.database_url, autocommit=True) as connection:
        connection.execute(
            "UPDATE careers_careerpath SET summary = %s WHERE slug = %s",
            (behind, SLUG),
        )
    assert behind not in visitor.get(f"/careers/{SLUG}/").text

    edited = f"Edited in the admin of node A {secrets.token_hex(4)}."
    path = change_path(staff, SLUG)
    response, form = save_change_form(staff, path, summary=edited)
    assert response.headers["Location"] == CAREER_ADMIN
    assert dict(form.fields)["summary"] == behind  # the form showed the database

    # The very next request, and every one after it, whichever worker answers.
    for _ in range(4):
        page = visitor.get(f"/careers/{SLUG}/")
        assert page.status == 200
        assert edited in page.text, "node B served a page from before the edit"
        assert behind not in page.text
    assert edited in Browser(cluster.a.url, cookies=False).get(f"/careers/{SLUG}/").text


def test_publishing_on_one_node_shows_the_career_on_the_other(cluster, staff):
    """A draft added on A is hidden on B; once published on A, B shows it."""
    token = secrets.token_hex(3)
    title, slug = f"Data Platform Engineer {token}", f"data-platform-engineer-{token}"
    visitor = Browser(cluster.b.url, cookies=False)

    add = f"{CAREER_ADMIN}add/"
    page = staff.get(add)
    assert page.status == 200
    form = parse_form(page.text, "careerpath_form")
    category = {label: value for value, label in form.options["category"]}
    fields = replace(
        form.fields,
        title=title,
        slug=slug,
        category=category["Data & AI"],
        status="draft",
        summary=f"Data Platform Engineers build the pipelines models feed on {token}.",
        intro="What the role is.",
        why_choose="Why choose it.",
        good_career_summary="In summary, a good career.",
        outlook="A steady outlook.",
        _continue="Save and continue editing",
    )
    response = staff.post(add, fields)
    assert response.status == 302, admin_errors(response.text) or response.text[:3000]
    change = response.headers["Location"]
    assert re.fullmatch(rf"{CAREER_ADMIN}\d+/change/", change), change

    # B caches its directory, which lists published careers only.
    for _ in range(2):
        directory = visitor.get("/careers/")
        assert directory.status == 200
        assert title not in directory.text
    assert visitor.get(f"/careers/{slug}/").status == 404
    assert staff.get(f"/careers/{slug}/").status == 200  # staff review drafts

    save_change_form(staff, change, status="published")

    directory = visitor.get("/careers/")
    assert directory.status == 200
    assert title in directory.text, "node B served its directory from before"
    detail = visitor.get(f"/careers/{slug}/")
    assert detail.status == 200
    assert title in detail.text


def test_a_content_import_from_a_shell_shows_on_every_node(cluster, tmp_path):
    """An operator's `import_careers`, run with the nodes' settings, invalidates all."""
    visitor = Browser(cluster.b.url, cookies=False)
    assert visitor.get(f"/careers/{SLUG}/").status == 200  # cached on B

    manage(cluster.env, "export_careers", "--slug", SLUG, "--output", str(tmp_path))
    content_file = tmp_path / f"{SLUG}.yaml"
    content = yaml.safe_load(content_file.read_text())
    imported = f"Imported from a content file {secrets.token_hex(4)}."
    content["summary"] = imported
    content_file.write_text(yaml.safe_dump(content, allow_unicode=True))
    manage(cluster.env, "import_careers", str(content_file))

    page = visitor.get(f"/careers/{SLUG}/")
    assert page.status == 200
    assert imported in page.text, "node B served a page from before the import"


def test_both_nodes_serve_a_bounded_load_without_errors(cluster):
    """2,000 requests over both nodes and the public pages: every one a 200."""
    targets = [
        f"{(cluster.a, cluster.b)[i % 2].url}{PUBLIC_PATHS[i // 2 % len(PUBLIC_PATHS)]}"
        for i in range(LOAD_REQUESTS)
    ]
    deadline = time.monotonic() + LOAD_SECONDS

    def fetch_all(urls):
        # A redirect counts as an error: every public page answers 200 itself.
        opener = Browser("", cookies=False).opener
        results = []
        for url in urls:
            if time.monotonic() > deadline:
                break
            try:
                with opener.open(url, timeout=REQUEST_TIMEOUT) as response:
                    response.read()
                    results.append((url, response.status))
            except urllib.error.HTTPError as error:
                error.close()
                results.append((url, error.code))
            except OSError as error:
                results.append((url, repr(error)))
        return results

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(LOAD_THREADS) as pool:
        chunks = [targets[i::LOAD_THREADS] for i in range(LOAD_THREADS)]
        results = [r for chunk in pool.map(fetch_all, chunks) for r in chunk]
    elapsed = time.monotonic() - started

    print(
        f"\ntwo nodes x {WORKERS} sync workers: {len(results)} requests "
        f"in {elapsed:.1f}s = {len(results) / elapsed:.0f} req/s "
        f"({LOAD_THREADS} client threads)"
    )
    errors = [(url, status) for url, status in results if status != 200]
    assert not errors, errors[:10]
    assert len(results) == LOAD_REQUESTS, f"stopped at the {LOAD_SECONDS}s limit"


def ttl_left(ttls):
    """Redis's PTTL answers, in words."""
    if not ttls:
        return "had expired"
    return "had " + ", ".join(
        "no expiry" if ms == -1 else f"{ms / 1000:.2f}s left" for ms in ttls
    )


def test_an_import_while_redis_is_paused_shows_on_every_node_within_the_bound(
    faulty_cluster, private_redis, tmp_path
):
    """A change whose cache bump was lost shows on both nodes, page and API,
    within PAGE_CACHE_VERSION_SECONDS of Redis answering again."""
    cluster = faulty_cluster
    nodes = (cluster.a, cluster.b)
    paths = (f"/careers/{SLUG}/", f"/api/careers/{SLUG}/")
    visitors = {node.name: Browser(node.url, cookies=False) for node in nodes}

    def fetch_everywhere(rounds):
        return [
            (node.name, path, visitors[node.name].get(path))
            for _ in range(rounds)
            for node in nodes
            for path in paths
        ]

    # Several requests per node, so every worker holds both pages in memory.
    for name, path, response in fetch_everywhere(3 * WORKERS):
        assert response.status == 200, (name, path, response.status)
    with redis.Redis.from_url(private_redis.url, socket_timeout=5) as client:
        assert client.keys("*pages:v2:page:*"), "the nodes cached no pages"

    manage(cluster.env, "export_careers", "--slug", SLUG, "--output", str(tmp_path))
    content_file = tmp_path / f"{SLUG}.yaml"
    content = yaml.safe_load(content_file.read_text())
    imported = f"Imported while Redis was paused {secrets.token_hex(4)}."
    content["summary"] = imported
    content_file.write_text(yaml.safe_dump(content, allow_unicode=True))

    private_redis.pause()
    try:
        paused = time.monotonic()
        result = run_manage(cluster.env, "import_careers", str(content_file))
    finally:
        private_redis.resume()
    resumed = time.monotonic()
    with redis.Redis.from_url(private_redis.url, socket_timeout=5) as client:
        # For the report: how long the old version's copy still had to live.
        ttls = [client.pttl(key) for key in client.keys("*pages:v2:content-version")]
    assert result.returncode == 0, f"import failed:\n{result.stdout}\n{result.stderr}"
    assert "Imported" in result.stdout, result.stdout
    assert "ERROR" in result.stderr, "the lost bump was not logged"

    # Each node and path: seconds after Redis answered again until it showed.
    shown = {}
    deadline = resumed + VERSION_SECONDS + VERSION_MARGIN
    polls = 0
    while len(shown) < len(nodes) * len(paths) and time.monotonic() < deadline:
        polls += 1
        for name, visitor in visitors.items():
            for path in paths:
                if (name, path) not in shown and imported in visitor.get(path).text:
                    shown[name, path] = time.monotonic() - resumed
        time.sleep(POLL_SECONDS)
    polled = time.monotonic() - resumed

    def seconds(name, path):
        return "never" if (name, path) not in shown else f"{shown[name, path]:.2f}s"

    report = (
        f"import with Redis paused took {resumed - paused:.1f}s; the old "
        f"version's copy in Redis then {ttl_left(ttls)}; after Redis "
        f"answered again the new summary showed on "
        + ", ".join(
            f"node {name} {path} {seconds(name, path)}"
            for name in visitors
            for path in paths
        )
        + f" (bound {VERSION_SECONDS}s + {VERSION_MARGIN}s margin; "
        f"{polls} polls over {polled:.1f}s)"
    )
    print(f"\n{report}", file=sys.stderr)
    assert len(shown) == len(nodes) * len(paths), report

    # And on every worker: no node still answers the old page or API.
    for name, path, response in fetch_everywhere(2 * WORKERS):
        assert response.status == 200, (name, path, response.status)
        assert imported in response.text, f"node {name} {path} stale again; {report}"


# A session cookie keeps a request away from the page cache: it reaches the
# view, and so the database.
UNCACHED = {"Cookie": "sessionid=fault-test"}


def ready(checks, failed):
    """The /readyz body for these checks."""
    return {
        "status": "unavailable" if failed else "ok",
        "checks": checks,
        "failed": failed,
    }


def test_both_nodes_ride_out_a_killed_redis_and_a_dropped_postgres(
    faulty_cluster, private_redis
):
    """Redis killed: both nodes answer 200, uncached, and /readyz names the
    cache. Restarted on its port, empty: both store their pages there again
    within RETRY_SECONDS. PostgreSQL dropped: both answer the 503 page where
    it is needed, and /readyz names it. Restored, and even restarted between
    two requests: every answer is a 200 at once, each worker's dead
    connection replaced by the health check."""
    cluster = faulty_cluster
    nodes = (cluster.a, cluster.b)

    def get(node, path, headers=()):
        return http_get(f"{node.url}{path}", headers)

    def everywhere(path, headers=(), rounds=1):
        """(node, status) of `rounds` requests per worker of each node."""
        return [
            (node.name, get(node, path, headers).status)
            for _ in range(rounds * WORKERS)
            for node in nodes
        ]

    private_redis.kill()
    try:
        assert everywhere("/careers/") == [("a", 200), ("b", 200)] * WORKERS
        for node in nodes:
            probe = get(node, "/readyz")
            assert (probe.status, json.loads(probe.text)) == (
                503,
                ready(
                    {"database": "ok", "cache": "failed: ConnectionError"}, ["cache"]
                ),
            ), node.name
    finally:
        private_redis.restart()

    # Each node keys its pages by its own address: one directory page each.
    deadline = time.monotonic() + RETRY_SECONDS + VERSION_MARGIN
    with private_redis.client() as client:
        while len(client.keys("*pages:v2:page:*")) < 2:
            assert time.monotonic() < deadline, "a node never used Redis again"
            assert everywhere("/careers/") == [("a", 200), ("b", 200)] * WORKERS
            time.sleep(POLL_SECONDS)
        assert len(client.keys("*pages:v2:page:*")) == 2
    for node in nodes:
        assert get(node, "/readyz").status == 200, node.name

    # Every worker holds a connection before the database goes.
    assert set(everywhere("/careers/", UNCACHED, rounds=2)) == {("a", 200), ("b", 200)}
    cluster.proxy.drop()
    try:
        for node in nodes:
            page = get(node, "/careers/", UNCACHED)
            assert page.status == 503, node.name
            assert page.headers["retry-after"] == "30"
            assert "<title>Temporarily unavailable" in page.text
            probe = get(node, "/readyz")
            assert (probe.status, json.loads(probe.text)) == (
                503,
                ready(
                    {"database": "failed: OperationalError", "cache": "ok"},
                    ["database"],
                ),
            ), node.name
    finally:
        cluster.proxy.restore()
    assert set(everywhere("/careers/", UNCACHED, rounds=2)) == {("a", 200), ("b", 200)}

    cluster.proxy.drop()
    cluster.proxy.restore()
    assert set(everywhere("/careers/", UNCACHED, rounds=2)) == {("a", 200), ("b", 200)}
