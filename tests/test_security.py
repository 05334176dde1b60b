"""Secure by default: headers, CSP, deploy checks, lock-out, the admin's address."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from prometheus_client import REGISTRY

from portal.http import JSONEncoder, JsonResponse
from tests import factories
from tests.services import claim, redis_url, release

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "ENV_FILE": os.devnull,
    "SECRET_KEY": "x7Gq2-not-a-real-key-but-long-and-random-enough-for-the-check",
    "ALLOWED_HOSTS": "careers.example.org",
}


def run(args, **env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_only_the_required_settings():
    """`check --deploy --fail-level WARNING` finds nothing to fix out of the box."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_relaxing_security_is_explicit_and_reported():
    """Turning the SSL redirect off is possible, and the deploy check names it
    and the cookies that follow it off HTTPS (SECURE_COOKIES), and nothing else."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECURE_SSL_REDIRECT="false",
    )
    assert result.returncode == 1
    output = result.stderr + result.stdout
    assert re.findall(r"\?: \((security\.\w+)\)", output) == [
        "security.W008",
        "security.W012",
        "security.W016",
    ]
    assert "System check identified 3 issues (0 silenced)." in output


def settings_values(*names, **env):
    code = "from portal import settings as s; " + "; ".join(
        f"print(repr(getattr(s, {name!r}, None)))" for name in names
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return [eval(line) for line in result.stdout.splitlines()]  # noqa: S307


def test_production_defaults():
    """DEBUG off means HTTPS only, HSTS for a year, secure cookies, no proxy trust."""
    assert settings_values(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "ADMIN_URL",
    ) == [True, 31536000, True, True, None, "admin/"]


def test_proxy_header_and_admin_url_come_from_the_environment():
    """TRUST_X_FORWARDED_PROTO trusts the proxy header; ADMIN_URL moves the admin."""
    assert settings_values(
        "SECURE_PROXY_SSL_HEADER",
        "ADMIN_URL",
        TRUST_X_FORWARDED_PROTO="true",
        ADMIN_URL="backstage",
    ) == [("HTTP_X_FORWARDED_PROTO", "https"), "backstage/"]
    result = run(
        [
            "-c",
            "import django; django.setup(); from django.urls import reverse; "
            "print(reverse('admin:index'))",
        ],
        DJANGO_SETTINGS_MODULE="portal.settings",
        ADMIN_URL="backstage/",
    )
    assert result.stdout.splitlines()[-1] == "/backstage/"


# Every page type, and the status it must answer with.
PAGES = {
    "/": 200,
    "/careers/": 200,
    "/careers/mlops-engineer/": 200,
    "/compare/?careers=mlops-engineer": 200,
    "/skills/": 200,
    "/skills/programming-languages/": 200,
    "/careers/no-such-career/": 404,
    "/admin/login/": 200,
}
# What pages may load and where they may send things, directive by directive:
# only this site, images also as data: URLs, no plugins, no framing.
EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
EXPECTED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def parse_policy(header):
    """A Content-Security-Policy header as {directive: [sources]}, refusing a
    directive given twice (browsers would ignore the second)."""
    policy = {}
    for directive in header.split(";"):
        name, *sources = directive.split() or [None]
        if name is None:
            continue
        assert name.lower() not in policy, f"{name} given twice in {header!r}"
        policy[name.lower()] = sources
    return policy


def assert_security_headers(response):
    assert parse_policy(response["Content-Security-Policy"]) == EXPECTED_POLICY
    assert {name: response.get(name) for name in EXPECTED_HEADERS} == EXPECTED_HEADERS


def test_parse_policy_reads_directives_and_sources():
    """The parser the header tests rely on: names lowered, empty parts skipped."""
    header = "Default-Src 'self'  data: ; ;img-src *;upgrade-insecure-requests"
    assert parse_policy(header) == {
        "default-src": ["'self'", "data:"],
        "img-src": ["*"],
        "upgrade-insecure-requests": [],
    }
    with pytest.raises(AssertionError, match="default-src given twice"):
        parse_policy("default-src 'self'; default-src *")


@pytest.mark.parametrize(("url", "status"), PAGES.items())
def test_security_headers_on_every_page_type(client, mlops, url, status):
    """Every response carries the security headers and exactly the strict CSP."""
    response = client.get(url)
    assert response.status_code == status
    assert_security_headers(response)


PUBLIC_PAGES = [
    url for url, status in PAGES.items() if status == 200 and "admin" not in url
]


def page_cache_hits():
    return REGISTRY.get_sample_value("portal_page_cache_hits_total")


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_cached_pages_keep_every_security_header(
    client, mlops, settings, django_assert_num_queries, url
):
    """A public page answered from the page cache carries exactly the headers
    and the policy of the fresh page it was stored from."""
    settings.PAGE_CACHE = True
    fresh = client.get(url)
    assert fresh.status_code == 200
    assert_security_headers(fresh)
    hits = page_cache_hits()
    with django_assert_num_queries(0):
        cached = client.get(url)
    assert page_cache_hits() == hits + 1
    assert cached.status_code == 200
    assert cached.content == fresh.content
    assert_security_headers(cached)


@pytest.fixture
def spare_redis():
    """The real Redis (the tests' spare database) as the cache, emptied before
    and after."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        # mutmut runs mutants' tests in parallel processes, where one's claim()
        # would empty the database under another; the local-memory tests
        # above cover the same code.
        pytest.skip("one Redis database cannot serve parallel mutation runs")
    url = redis_url("spare")
    claim(url)
    caches = {
        "default": {
            "BACKEND": "portal.cache_backend.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        with override_settings(CACHES=caches):
            yield
    finally:
        release(url)


def test_pages_cached_in_redis_keep_every_security_header(
    client, mlops, settings, spare_redis, django_assert_num_queries
):
    """The headers survive the trip through Redis, and through the process's
    own copy of the page."""
    from django.core.cache import cache

    from portal.pagecache import local_pages

    settings.PAGE_CACHE = True
    url = "/careers/mlops-engineer/"
    fresh = client.get(url)
    assert fresh.status_code == 200
    assert_security_headers(fresh)
    assert len(cache._cache.get_client().keys(b"*pages:v2:page:*")) == 1
    hits = page_cache_hits()
    with django_assert_num_queries(0):
        from_memory = client.get(url)
    local_pages.clear()  # the next answer comes from Redis itself
    with django_assert_num_queries(0):
        from_redis = client.get(url)
    assert page_cache_hits() == hits + 2
    for cached in (from_memory, from_redis):
        assert cached.status_code == 200
        assert cached.content == fresh.content
        assert_security_headers(cached)


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["careers.example.org"])
def test_probes_answer_plain_http_on_any_host(client, db):
    """Load balancers probe nodes by address over HTTP: no redirect, no 400."""
    for url in ("/healthz", "/readyz"):
        for method in ("GET", "HEAD"):
            response = client.generic(method, url, headers={"host": "10.0.0.7:8000"})
            assert response.status_code == 200, (method, url)
    assert client.get("/careers/", headers={"host": "10.0.0.7"}).status_code == 400


@override_settings(BEHIND_PROXY=True)
def test_lockout_counts_the_visitor_behind_a_proxy(client, staff):
    """Behind the proxy, failures are counted per visitor, not per proxy."""
    for _ in range(5):
        login(client, "wrong", forwarded_for="203.0.113.9")
    assert login(client, "wrong", forwarded_for="203.0.113.9").status_code == 429
    # Another visitor through the same proxy is not locked out.
    assert login(client, "wrong", forwarded_for="198.51.100.4").status_code == 200
    # A forged first hop does not escape: the proxy appends the real address.
    forged = "1.2.3.4, 203.0.113.9"
    assert login(client, "wrong", forwarded_for=forged).status_code == 429


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_and_https_gets_hsts(client, db):
    """With the production defaults, HTTP redirects and HTTPS answers with HSTS."""
    response = client.get("/careers/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/careers/"
    secure = client.get("/careers/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_pages_have_no_inline_script_or_style(client, mlops):
    """Nothing the CSP would block: no inline scripts, styles or handlers."""
    for url in [*PUBLIC_PAGES, "/careers/no-such-career/"]:
        html = client.get(url).content.decode()
        # JSON-LD is data for search engines, never executed, so CSP allows it.
        assert not re.search(
            r'<script(?![^>]*\bsrc=)(?! type="application/ld\+json")[^>]*>', html
        ), url
        assert "<style" not in html, url
        assert not re.search(r'\sstyle="', html), url
        assert not re.search(r"\son[a-z]+=", html), url


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "editor", password="a-long-correct-password", is_staff=True
    )


def login(client, password, forwarded_for=None):
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": password},
        headers=headers,
    )


def test_admin_login_locks_out_after_five_failures(client, staff):
    """Five wrong passwords lock the login, even the right one, with a clear page."""
    for _ in range(4):
        response = login(client, "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    locked = login(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    assert "is locked for 15 minutes." in locked.text
    assert login(client, "a-long-correct-password").status_code == 429


def test_a_good_login_before_the_limit_resets_the_count(client, staff):
    """Failures are forgotten after a successful login."""
    for _ in range(4):
        login(client, "wrong")
    assert login(client, "a-long-correct-password").status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "wrong").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_failure_limit_is_configurable(client, staff):
    """AXES_FAILURE_LIMIT (from the environment) sets the limit."""
    assert login(client, "wrong").status_code == 200
    assert login(client, "wrong").status_code == 429


def test_no_default_accounts(db):
    """A fresh database has no users at all: nobody can sign in until one is made."""
    assert get_user_model().objects.count() == 0


def test_no_secrets_in_error_pages(client, db):
    """A 404 with DEBUG off shows the friendly page, not settings."""
    factories.career()
    html = client.get("/no/such/page/").text
    assert "Page not found" in html
    assert "SECRET_KEY" not in html
    assert "Traceback" not in html


MARKUP = {"message": "</script><b>&amp;", "list": ["<i>", 1, None]}
ESCAPED = (
    '{"message": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026amp;", '
    '"list": ["\\u003ci\\u003e", 1, null]}'
)


def test_json_answers_carry_no_raw_markup():
    """<, > and & in strings are written as \\u escapes however the encoder is
    used (whole, streamed, or a bare string), and every parser reads them
    back as they were."""
    streamed = io.StringIO()
    json.dump(MARKUP, streamed, cls=JSONEncoder)
    assert json.dumps(MARKUP, cls=JSONEncoder) == ESCAPED
    assert streamed.getvalue() == ESCAPED
    assert json.dumps("<&>", cls=JSONEncoder) == '"\\u003c\\u0026\\u003e"'
    assert json.loads(ESCAPED) == MARKUP
    assert JsonResponse(MARKUP).content == ESCAPED.encode()


def test_streamed_json_starts_before_the_whole_answer_is_encoded():
    """iterencode yields pieces as it goes, escaped, so a streamed answer
    never waits for (or holds) the whole document."""

    class Unencodable:
        pass

    pieces = JSONEncoder().iterencode(["<b>", Unencodable()])
    assert next(pieces) == '["\\u003cb\\u003e"'
    with pytest.raises(TypeError, match="Unencodable is not JSON serializable"):
        list(pieces)
