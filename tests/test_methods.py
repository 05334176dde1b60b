"""Every URL answers only the methods it supports: 405 with Allow otherwise."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from portal.http import safe_only

SAFE = {"GET", "HEAD"}
URLS = {
    "/": SAFE | {"OPTIONS"},
    "/careers/": SAFE | {"OPTIONS"},
    "/careers/mlops-engineer/": SAFE | {"OPTIONS"},
    "/compare/": SAFE | {"OPTIONS"},
    "/skills/": SAFE | {"OPTIONS"},
    "/skills/programming-languages/": SAFE | {"OPTIONS"},
    "/sitemap.xml": SAFE,
    "/robots.txt": SAFE,
    "/feeds/careers/": SAFE,
    "/healthz": SAFE,
    "/readyz": SAFE,
    "/api/careers/": SAFE | {"OPTIONS"},
    "/api/openapi.json": SAFE | {"OPTIONS"},
}


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "POST"])
@pytest.mark.parametrize("url", URLS)
def test_unsupported_methods_are_405_with_allow(client, mlops, url, method):
    """Function views (sitemap, robots, feed, probes) included."""
    response = client.generic(method, url)
    assert response.status_code == 405, (url, method, response.status_code)
    assert set(response["Allow"].split(", ")) == URLS[url]


@pytest.mark.parametrize("method", ["TRACE", "CONNECT"])
@pytest.mark.parametrize(
    "name",
    [
        "admin:index",
        "admin:careers_careerpath_changelist",
        "admin:careers_careerpath_add",
        "admin:careers_careerpath_import",
    ],
)
def test_admin_pages_refuse_trace_even_for_staff(admin_client, name, method):
    """The admin's function views would answer TRACE as a GET."""
    response = admin_client.generic(method, reverse(name))
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_the_admin_login_refuses_trace(client, db):
    """Django's own views refuse TRACE the same way."""
    response = client.generic("TRACE", reverse("admin:login"))
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


@pytest.mark.parametrize("method", ["TRACE", "CONNECT"])
def test_trace_to_an_unknown_address_is_the_usual_404(client, db, method):
    """No view to ask which methods it answers: the site's own 404 page."""
    response = client.generic(method, "/no-such-page/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text


def test_safe_only_views_answer_get_and_head_alone():
    """A function view marked safe_only answers GET and HEAD, refuses the rest
    with 405, and tells MethodGuardMiddleware the same two methods."""
    view = safe_only(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    assert view(factory.get("/")).content == b"ok"
    assert view(factory.head("/")).status_code == 200
    for method in ("POST", "PUT", "DELETE", "TRACE"):
        refused = view(factory.generic(method, "/"))
        assert refused.status_code == 405, method
        assert refused["Allow"] == "GET, HEAD"
    assert view.allowed_methods == ("GET", "HEAD")
