"""The shipped nginx configuration, run by Debian's nginx in front of gunicorn.

deploy/nginx/portal.conf is rendered with only its EDIT lines replaced (ports,
host name, certificate, app address, error-page directory) and included in a
main configuration like Debian's own. nginx serves it over TLS on loopback
ports, in front of one gunicorn with the production settings (DEBUG off, the
HTTPS redirect on, TRUST_X_FORWARDED_PROTO) on a SQLite database of its own.

Visitors at different addresses are different loopback source addresses
(127.0.0.x), so nginx's rate limits and allow list, and django-axes, tell
them apart; 127.0.0.1 plays the monitoring server.

Needs no PostgreSQL or Redis, so it runs on both CI passes. Under CI=true a
missing nginx, Brotli module or openssl fails the test; elsewhere it skips.
"""

import concurrent.futures
import getpass
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import brotli
import pytest

from tests.processes import free_port, manage, stop

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx" / "portal.conf"
CI = os.environ.get("CI") == "true"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI_MODULE = Path("/etc/nginx/modules-enabled/50-mod-http-brotli-filter.conf")
SLUG = "mlops-engineer"
ADMIN_LOGIN = "/admin/login/"
# Seconds: starting a server, one request, one manage.py command.
START_TIMEOUT = 30
REQUEST_TIMEOUT = 10
COMMAND_TIMEOUT = 120
# nginx takes this much beyond the admin's upload limit (multipart overhead).
MULTIPART_ALLOWANCE = 64 * 1024
IDLE_CONNECTIONS = 64
AXES_FAILURE_LIMIT = 3


def unavailable(reason):
    """Skip locally; under CI=true the nginx tests must run."""
    if CI:
        pytest.fail(f"{reason}; CI=true requires the nginx tests")
    pytest.skip(reason)


def tail(path, lines=40):
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


# The configuration


def edited(text, old, new, count):
    """`text` with an operator's edit made: `old` must occur exactly `count` times."""
    assert text.count(old) == count, f"{CONF.name}: expected {count}x {old!r}"
    return text.replace(old, new)


def render_site_conf(*, http_port, https_port, app, cert, key, error_pages, acme):
    """portal.conf with the lines an operator edits set for this test."""
    text = CONF.read_text()
    for old, new, count in [
        ("listen 80;", f"listen 127.0.0.1:{http_port};", 1),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", 1),
        # Loopback only: the test does not listen on IPv6.
        ("listen [::]:80;", "", 1),
        ("listen [::]:443 ssl http2;", "", 1),
        ("/etc/letsencrypt/live/careers.example.org/fullchain.pem", str(cert), 1),
        ("/etc/letsencrypt/live/careers.example.org/privkey.pem", str(key), 1),
        ("server_name careers.example.org;", "server_name localhost;", 2),
        ("server 127.0.0.1:8000;", f"server {app};", 1),
        ("/srv/career-portal/error-pages/", f"{error_pages}/", 1),
        ("root /var/www/letsencrypt;", f"root {acme};", 1),
    ]:
        text = edited(text, old, new, count)
    # Nothing an operator must edit is left at its example value.
    for example in ("example.org", "/srv/", "/etc/letsencrypt", "/var/www", ":8000"):
        assert example not in text, f"{CONF.name}: {example!r} left unreplaced"
    return text


def main_conf(prefix, site_conf):
    """Debian's /etc/nginx/nginx.conf, with paths in `prefix` instead of /var."""
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log stderr warn;
include /etc/nginx/modules-enabled/*.conf;
events {{
    worker_connections 512;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log {prefix / "access.log"};
    gzip on;
{temp}
    include {site_conf};
}}
"""


def conf_size(value):
    """An nginx size (`5184k`, `5m`, `4096`) in bytes."""
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def django_upload_limit():
    """The admin import's per-upload limit, as Django has it by default."""
    from django.conf import settings

    return settings.CONTENT_UPLOAD_MAX_BYTES


# Visitors


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self):
        return self.body.decode()

    def header_list(self, name):
        """Every value of a header, comma-separated lists split."""
        values = self.headers.get_all(name) or []
        return [part.strip() for value in values for part in value.split(",")]


@dataclass
class Visitor:
    """One client at one loopback address, with its own cookies."""

    stack: object
    address: str = "127.0.0.1"
    cookies: dict = field(default_factory=dict)

    def connection(self, port=None, https=True, timeout=REQUEST_TIMEOUT):
        port = port or (self.stack.https_port if https else self.stack.http_port)
        source = (self.address, 0)
        if https:
            return http.client.HTTPSConnection(
                "127.0.0.1",
                port,
                context=self.stack.tls,
                source_address=source,
                timeout=timeout,
            )
        return http.client.HTTPConnection(
            "127.0.0.1", port, source_address=source, timeout=timeout
        )

    def request(self, method, path, headers=(), body=None, **connection):
        headers = dict(headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        conn = self.connection(**connection)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return Answer(
            response.status, response.headers, body, time.monotonic() - started
        )

    def get(self, path, headers=(), **connection):
        return self.request("GET", path, headers, **connection)


# The servers


@dataclass
class Server:
    name: str
    command: list
    env: dict
    log: Path
    process: subprocess.Popen = None

    def start(self):
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self):
        stop(self.process)


@dataclass
class Stack:
    tmp: Path
    http_port: int
    https_port: int
    app_port: int
    tls: ssl.SSLContext
    database: Path
    static_root: Path
    gunicorn: Server = None
    nginx: Server = None

    def wait_until_healthy(self, port, https):
        """Until /healthz answers 200 on `port`, within START_TIMEOUT."""
        server = self.nginx if https else self.gunicorn
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                pytest.fail(f"{server.name} exited early:\n{tail(server.log)}")
            try:
                visitor = Visitor(self)
                answer = visitor.get("/healthz", port=port, https=https, timeout=2)
                if answer.status == 200:
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)
        pytest.fail(
            f"{server.name} not healthy in {START_TIMEOUT}s:\n{tail(server.log)}"
        )


def self_signed_certificate(directory):
    """A certificate for 127.0.0.1 and localhost, valid for a day."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    result = subprocess.run(
        ["openssl", "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return cert, key


@pytest.fixture(scope="module")
def stack(tmp_path_factory, static_files):
    """nginx with the shipped configuration in front of one gunicorn.

    The static files are the suite's own collectstatic output (conftest).
    """
    from django.conf import settings

    if not Path(NGINX).exists():
        unavailable("nginx is not installed (apt-get install nginx)")
    if not BROTLI_MODULE.exists():
        unavailable(
            "nginx's Brotli module is not installed "
            "(apt-get install libnginx-mod-http-brotli-filter)"
        )
    if shutil.which("openssl") is None:
        unavailable("openssl is not installed, to make a test certificate")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        unavailable("gunicorn is not installed in this environment")

    tmp = tmp_path_factory.mktemp("nginx")
    stack = Stack(
        tmp=tmp,
        http_port=free_port(),
        https_port=free_port(),
        app_port=free_port(),
        tls=None,
        database=tmp / "db.sqlite3",
        static_root=Path(settings.STATIC_ROOT),
    )
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONUNBUFFERED": "1",
        "ENV_FILE": os.devnull,
        "DEBUG": "false",
        "SECRET_KEY": "nginx-test-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The production defaults: HTTPS redirect on, trusting nginx's headers.
        "SECURE_SSL_REDIRECT": "true",
        "TRUST_X_FORWARDED_PROTO": "true",
        "DATABASE_URL": f"sqlite:///{stack.database}",
        "CACHE_URL": "locmemcache://",
        "STATIC_ROOT": str(stack.static_root),
        "AXES_FAILURE_LIMIT": str(AXES_FAILURE_LIMIT),
        "HOST": "127.0.0.1",
        "PORT": str(stack.app_port),
        "WEB_CONCURRENCY": "2",
    }
    # The release step's error pages, as an operator renders them, while
    # the database is made.
    pages = subprocess.Popen(
        [sys.executable, "manage.py", "render_error_pages", str(tmp / "error-pages")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "import_careers", *map(str, ROOT.glob("content/*.yaml")))
        cert, key = self_signed_certificate(tmp)
    finally:
        try:
            output, _ = pages.communicate(timeout=COMMAND_TIMEOUT)
        finally:
            pages.kill()  # a no-op once it has exited
    assert pages.returncode == 0, output.decode(errors="replace")
    stack.tls = ssl.create_default_context(cafile=cert)

    site_conf = tmp / "portal.conf"
    site_conf.write_text(
        render_site_conf(
            http_port=stack.http_port,
            https_port=stack.https_port,
            app=f"127.0.0.1:{stack.app_port}",
            cert=cert,
            key=key,
            error_pages=tmp / "error-pages",
            acme=tmp / "acme",
        )
    )
    (tmp / "nginx.conf").write_text(main_conf(tmp, site_conf))
    # Debian's module snippets name their modules relative to the prefix.
    (tmp / "modules").symlink_to("/usr/lib/nginx/modules")

    stack.gunicorn = Server(
        "gunicorn",
        [str(gunicorn), "--config", "gunicorn.conf.py", "portal.wsgi"],
        env,
        tmp / "gunicorn.log",
    )
    stack.nginx = Server(
        "nginx",
        # In the foreground, stopped with the test; its errors go to its log.
        [NGINX, "-p", f"{tmp}/", "-c", str(tmp / "nginx.conf"), "-e", "stderr"]
        + ["-g", "daemon off;"],
        {"PATH": env["PATH"]},
        tmp / "nginx.log",
    )
    try:
        stack.gunicorn.start()
        stack.nginx.start()
        stack.wait_until_healthy(stack.app_port, https=False)
        stack.wait_until_healthy(stack.https_port, https=True)
        yield stack
    finally:
        stack.nginx.stop()
        stack.gunicorn.stop()


# The tests


def test_the_body_limit_follows_the_admin_import_limit(stack):
    """nginx takes the admin's largest upload and a little; more gets a friendly 413."""
    sizes = re.findall(r"^\s*client_max_body_size\s+(\S+);", CONF.read_text(), re.M)
    assert len(sizes) == 1, sizes
    limit = conf_size(sizes[0])
    assert limit == django_upload_limit() + MULTIPART_ALLOWANCE

    visitor = Visitor(stack, "127.0.0.10")
    import_url = "/admin/careers/careerpath/import/"
    # Announcing one byte too many is enough: nginx answers before the body.
    conn = visitor.connection()
    try:
        conn.putrequest("POST", import_url)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(limit + 1))
        conn.endheaders()
        response = conn.getresponse()
        too_large = Answer(response.status, response.headers, response.read(), 0)
    finally:
        conn.close()
    assert too_large.status == 413
    assert too_large.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Upload too large</h1>" in too_large.text
    assert "<style>" in too_large.text  # its stylesheet travels with it

    # The largest upload the admin takes reaches Django (which refuses it
    # here for its missing CSRF token: Django answered, not nginx).
    body = b"x" * django_upload_limit()
    answer = visitor.request(
        "POST", import_url, {"Content-Type": "application/octet-stream"}, body
    )
    assert answer.status == 403, answer.text[:500]
    assert "CSRF" in answer.text


@pytest.mark.parametrize(
    "path",
    [f"/careers/{SLUG}/", "/api/careers/", "/sitemap.xml", "/feeds/careers/"],
)
def test_pages_json_xml_and_the_feed_arrive_compressed_once(stack, path):
    """gzip or Brotli as the visitor asks; one decompression gives the plain bytes."""
    visitor = Visitor(stack, "127.0.0.11")
    plain = visitor.get(path, {"Accept-Encoding": "identity"})
    assert plain.status == 200
    assert plain.headers["Content-Encoding"] is None
    content_type = plain.headers["Content-Type"]
    if path.startswith("/api/"):
        json.loads(plain.body)
    elif path.endswith((".xml", "/feeds/careers/")):
        ET.fromstring(plain.body)
    else:
        assert plain.text.rstrip().endswith("</html>")

    sizes = {"identity": len(plain.body)}
    for encoding, decompress in [("gzip", gzip.decompress), ("br", brotli.decompress)]:
        answer = visitor.get(path, {"Accept-Encoding": f"{encoding}, deflate"})
        assert answer.status == 200
        assert answer.header_list("Content-Encoding") == [encoding]
        assert "Accept-Encoding" in answer.header_list("Vary")
        assert answer.headers["Content-Type"] == content_type
        assert decompress(answer.body) == plain.body
        assert len(answer.body) < len(plain.body)
        sizes[encoding] = len(answer.body)
    # Brotli where both are offered, as browsers do.
    both = visitor.get(path, {"Accept-Encoding": "gzip, deflate, br"})
    assert both.header_list("Content-Encoding") == ["br"]
    assert brotli.decompress(both.body) == plain.body
    print(
        f"\n{path} through nginx: "
        + ", ".join(f"{k} {v:,} B" for k, v in sizes.items())
    )


def test_static_files_keep_their_immutable_headers_and_one_encoding(stack):
    """WhiteNoise's pre-compressed files pass through nginx as they are."""
    visitor = Visitor(stack, "127.0.0.12")
    page = visitor.get("/")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, page.text[:1000]
    path = stylesheet[1]
    on_disk = (stack.static_root / path.removeprefix("/static/")).read_bytes()

    plain = visitor.get(path, {"Accept-Encoding": "identity"})
    assert plain.status == 200
    assert plain.body == on_disk
    for encoding, decompress in [("gzip", gzip.decompress), ("br", brotli.decompress)]:
        answer = visitor.get(path, {"Accept-Encoding": encoding})
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/css")
        cache_control = answer.header_list("Cache-Control")
        assert "immutable" in cache_control
        assert "max-age=315360000" in cache_control
        assert answer.header_list("Content-Encoding") == [encoding]
        assert decompress(answer.body) == on_disk


def test_idle_half_open_connections_do_not_stop_healthz(stack):
    """64 clients that never finish their request leave /healthz answering in 1 s.

    Half stop inside their headers, half inside the body of a form that
    Django reads (it has the CSRF cookie and origin it checks first).
    """
    visitor = Visitor(stack, "127.0.0.13")
    login_form(visitor)
    origin = f"https://127.0.0.1:{stack.https_port}"
    partials = [
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow",
        f"POST /admin/ HTTP/1.1\r\nHost: 127.0.0.1:{stack.https_port}\r\n"
        f"Origin: {origin}\r\nCookie: csrftoken={visitor.cookies['csrftoken']}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 1000\r\n\r\ncsrfmiddlewaretoken=".encode(),
    ]

    def hold(count, port, tls):
        sockets = []
        for number in range(count):
            sock = socket.create_connection(
                ("127.0.0.1", port), timeout=5, source_address=("127.0.0.13", 0)
            )
            if tls:
                sock = stack.tls.wrap_socket(sock, server_hostname="127.0.0.1")
            sock.sendall(partials[number % 2])
            sockets.append(sock)
        return sockets

    def still_open(sock):
        sock.setblocking(False)
        try:
            return sock.recv(1) != b""
        except (BlockingIOError, ssl.SSLWantReadError):
            return True
        except OSError:
            return False

    def probe(port, https):
        try:
            answer = Visitor(stack).get("/healthz", port=port, https=https, timeout=1)
        except TimeoutError:
            return None
        return answer

    idle = hold(IDLE_CONNECTIONS, stack.https_port, tls=True)
    try:
        through_nginx = probe(stack.https_port, https=True)
        assert through_nginx is not None, "/healthz did not answer within 1 s"
        assert through_nginx.status == 200
        assert through_nginx.seconds < 1
        # Held, not dropped: the probe really ran beside 64 idle clients.
        assert all(still_open(sock) for sock in idle)
    finally:
        for sock in idle:
            sock.close()

    # For comparison, the same against gunicorn alone (reported, not asserted).
    idle = hold(IDLE_CONNECTIONS, stack.app_port, tls=False)
    try:
        direct = probe(stack.app_port, https=False)
    finally:
        for sock in idle:
            sock.close()
    stack.wait_until_healthy(stack.app_port, https=False)
    print(
        f"\n/healthz beside {IDLE_CONNECTIONS} idle connections: through nginx "
        f"{through_nginx.seconds * 1000:.0f} ms; gunicorn alone "
        + ("no answer within 1 s" if direct is None else f"{direct.seconds:.2f} s")
    )


def test_django_sees_https_from_nginx(stack):
    """Pages answer over HTTPS with no redirect loop; plain HTTP is redirected."""
    visitor = Visitor(stack, "127.0.0.14")
    page = visitor.get(f"/careers/{SLUG}/", {"X-Forwarded-Proto": "http"})
    # SECURE_SSL_REDIRECT is on: had Django seen plain HTTP, it would redirect.
    assert page.status == 200
    canonical = f'<link rel="canonical" href="https://127.0.0.1:{stack.https_port}/'
    assert canonical in page.text

    redirect = visitor.get(f"/careers/{SLUG}/?x=1", https=False)
    assert redirect.status == 301
    assert redirect.headers["Location"] == f"https://127.0.0.1/careers/{SLUG}/?x=1"


def test_certificate_challenges_are_served_over_plain_http(stack):
    """certbot's webroot challenge answers on port 80 instead of redirecting."""
    challenges = stack.tmp / "acme" / ".well-known" / "acme-challenge"
    challenges.mkdir(parents=True, exist_ok=True)
    (challenges / "token-123").write_text("token-123.key")
    answer = Visitor(stack).get("/.well-known/acme-challenge/token-123", https=False)
    assert answer.status == 200
    assert answer.body == b"token-123.key"


def login_form(visitor):
    page = visitor.get(ADMIN_LOGIN)
    assert page.status == 200, page.status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return token[1]


def sign_in(visitor, token, forged):
    origin = f"https://127.0.0.1:{visitor.stack.https_port}"
    return visitor.request(
        "POST",
        ADMIN_LOGIN,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "X-Forwarded-For": forged,
        },
        f"csrfmiddlewaretoken={token}&username=operator&password=wrong".encode(),
    )


def test_axes_counts_the_visitor_address_not_a_forged_one(stack):
    """Failed sign-ins count against the address nginx saw, whatever the client says."""
    visitor = Visitor(stack, "127.0.0.15")
    token = login_form(visitor)
    for attempt in range(AXES_FAILURE_LIMIT - 1):
        answer = sign_in(visitor, token, forged=f"203.0.113.{attempt + 1}")
        assert answer.status == 200, answer.text[:500]
        assert "Please enter the correct username and password" in answer.text
    with sqlite3.connect(stack.database) as db:
        counted = db.execute(
            "SELECT ip_address, failures_since_start FROM axes_accessattempt"
        ).fetchall()
    assert counted == [("127.0.0.15", AXES_FAILURE_LIMIT - 1)]

    # The next failure locks this address out, forged header or not ...
    locked = sign_in(visitor, token, forged="198.51.100.7")
    assert locked.status == 429
    assert "Too many failed sign-in attempts" in locked.text
    # ... and no one else: another visitor still gets the form's own answer.
    other = Visitor(stack, "127.0.0.16")
    answer = sign_in(other, login_form(other), forged="127.0.0.15")
    assert answer.status == 200
    assert "Please enter the correct username and password" in answer.text


def test_the_admin_login_is_rate_limited_with_a_friendly_page(stack):
    """One address gets 6 quick sign-in requests (10 a minute, burst 5), then 429."""
    visitor = Visitor(stack, "127.0.0.17")
    answers = [visitor.get(ADMIN_LOGIN) for _ in range(8)]
    assert [a.status for a in answers[:6]] == [200] * 6
    limited = answers[6]
    assert limited.status == 429
    assert limited.headers["Retry-After"] == "60"
    assert limited.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Too many requests</h1>" in limited.text
    # Other pages and other visitors are not held back.
    assert visitor.get("/").status == 200
    assert Visitor(stack, "127.0.0.18").get(ADMIN_LOGIN).status == 200


def burst(stack, address, path, count=60):
    """`count` requests at once from one address: (status, answer) pairs."""

    def one(_):
        answer = Visitor(stack, address).get(path)
        return answer.status, answer

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return list(pool.map(one, range(count)))


def test_search_and_the_api_are_rate_limited(stack):
    """A burst of searches or API calls from one address gets 429s, friendly ones."""
    searches = burst(stack, "127.0.0.19", "/careers/?q=engineer")
    statuses = [status for status, _ in searches]
    assert set(statuses) == {200, 429}
    assert statuses.count(200) >= 21  # 5 a second, burst 20
    page = next(answer for status, answer in searches if status == 429)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Too many requests</h1>" in page.text
    # The plain directory is not counted.
    visitor = Visitor(stack, "127.0.0.19")
    assert [visitor.get("/careers/").status for _ in range(25)] == [200] * 25

    calls = burst(stack, "127.0.0.20", "/api/careers/")
    statuses = [status for status, _ in calls]
    assert set(statuses) == {200, 429}
    assert statuses.count(200) >= 21
    answer = next(answer for status, answer in calls if status == 429)
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Retry-After"] == "60"
    assert json.loads(answer.body) == {"error": "Too many requests; retry in a minute."}


@pytest.mark.parametrize(
    "path", ["/metrics", "/metrics/", "/metrics?format=text", "//metrics", "/%6detrics"]
)
def test_metrics_are_private(stack, path):
    """Only the monitoring server's address gets past nginx to /metrics."""
    public = Visitor(stack, "127.0.0.21").get(path)
    assert public.status == 403
    assert public.headers["Server"] == "nginx"  # refused before Django
    monitoring = Visitor(stack, "127.0.0.1").get(path)
    if path.partition("?")[0] == "/metrics":
        assert monitoring.status == 200
        assert b"portal_http_requests_total" in monitoring.body
    else:
        assert monitoring.status != 403


def test_error_pages_are_not_served_directly(stack):
    """The error pages' location is internal: a visitor asking for one gets 404."""
    assert Visitor(stack).get("/_errors/503.html").status == 404


def test_a_stopped_gunicorn_shows_the_friendly_503_page(stack):
    """With gunicorn down, pages get the portal's 503 page and the API its JSON."""
    visitor = Visitor(stack, "127.0.0.22")
    stack.gunicorn.stop()
    try:
        page = visitor.get(f"/careers/{SLUG}/")
        assert page.status == 503
        assert page.headers["Retry-After"] == "30"
        assert page.headers["Cache-Control"] == "no-store"
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert page.body == (stack.tmp / "error-pages" / "503.html").read_bytes()
        assert "<h1>Temporarily unavailable</h1>" in page.text
        # Styled with nothing more from the server: its stylesheet is inline.
        assert "<style>" in page.text and '<link rel="stylesheet"' not in page.text
        # A form sent meanwhile gets the same page.
        sent = visitor.request("POST", ADMIN_LOGIN, body=b"username=x")
        assert sent.status == 503
        assert "<h1>Temporarily unavailable</h1>" in sent.text

        api = visitor.get("/api/careers/")
        assert api.status == 503
        assert api.headers["Content-Type"] == "application/json"
        assert json.loads(api.body) == {
            "error": "The service is temporarily unavailable; retry shortly."
        }
    finally:
        stack.gunicorn.start()
        stack.wait_until_healthy(stack.app_port, https=False)
    assert visitor.get(f"/careers/{SLUG}/").status == 200
