"""Secure by default: headers, CSP, deploy checks, lock-out, the admin's address."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from tests import factories

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
    """Turning the SSL redirect off is possible, and the deploy check says so."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECURE_SSL_REDIRECT="false",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


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


PAGES = [
    "/",
    "/careers/",
    "/careers/mlops-engineer/",
    "/compare/?careers=mlops-engineer",
    "/skills/",
    "/skills/programming-languages/",
    "/careers/no-such-career/",
    "/admin/login/",
]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_every_page_type(client, mlops, url):
    """Every response carries the security headers and a strict CSP."""
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["careers.example.org"])
def test_probes_answer_plain_http_on_any_host(client, db):
    """Load balancers probe nodes by address over HTTP: no redirect, no 400."""
    for url in ("/healthz", "/readyz"):
        response = client.get(url, headers={"host": "10.0.0.7:8000"})
        assert response.status_code == 200, url
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
    for url in PAGES[:7]:
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
