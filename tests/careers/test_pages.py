"""Site-wide promises: error pages, sample labels, page weight, query counts."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.test import override_settings
from django.urls import path
from django.utils.functional import empty

from tests import factories

CSS_FILE = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
# The salary source named in the shipped MLOps Engineer guide.
SALARY_SOURCE = "https://www.talent.com/salary?job=mlops+engineer"


@pytest.mark.django_db
def test_not_found_page_is_friendly(client):
    """Unknown addresses get the site's 404 page with a way onward."""
    response = client.get("/careers/no-such-career/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'action="/careers/"' in html
    assert 'href="/skills/"' in html
    assert '<input type="search" name="q" maxlength="100" id="id_q">' in html


@pytest.mark.django_db
def test_pages_with_no_search_form_never_build_one(client):
    """The site-wide search form is built only where a template shows it: the
    career page does not pay for its category choices on every render."""
    career = factories.career()
    response = client.get(career.get_absolute_url())
    assert response.status_code == 200
    assert response.context["search_form"]._wrapped is empty
    missing = client.get("/careers/no-such-career/")
    assert missing.context["search_form"]._wrapped is not empty


def test_server_error_page_needs_no_database():
    """The 500 page is a static template: it renders with no request and no database.

    This test has no database access at all: a query would fail it.
    """
    html = get_template("500.html").render({})
    assert "<h1>Something went wrong</h1>" in html
    assert re.search(r"/static/css/site\.[0-9a-f]{12}\.css", html)


def boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/", boom)]


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_server_errors_use_the_500_page(client):
    """An unhandled error is answered with the friendly 500 page."""
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()


@pytest.mark.django_db
def test_sample_careers_are_labelled(client):
    """A sample career says so plainly on its page and its card."""
    sample = factories.career(title="Demo Role", is_sample=True)
    page = client.get(sample.get_absolute_url()).content.decode()
    assert "<strong>Sample data.</strong>" in page
    assert (
        '<span class="tag-sample">Sample</span>'
        in client.get("/careers/").content.decode()
    )
    real = factories.career(title="Real Role")
    assert "Sample data." not in client.get(real.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_career_page_stays_under_80_kb(client, mlops):
    """The shipped career page, and a career much larger than it, stay light."""
    assert len(client.get(mlops.get_absolute_url()).content) < 80 * 1024
    large = factories.full_career(size=25)
    assert len(client.get(large.get_absolute_url()).content) < 80 * 1024


def test_stylesheet_stays_under_30_kb():
    """One hand-written stylesheet, under 30 KB."""
    assert CSS_FILE.stat().st_size < 30 * 1024


@pytest.mark.django_db
def test_pages_load_nothing_from_other_hosts(client, mlops):
    """No CDN, web font or analytics: every src and href is local."""
    career = mlops.get_absolute_url()
    for url in ["/", "/careers/", career, "/skills/", "/compare/"]:
        html = client.get(url).content.decode()
        absolute = [
            attr
            for attr in re.findall(r'(?:src|href)="([^"]+)"', html)
            if not attr.startswith(("/", "#", "?"))
        ]
        # Only the canonical link names a host (this one); no asset does. On
        # the career page, its content links to the salary data's source.
        expected = [f"http://testserver{url}"]
        if url == career:
            expected.append(SALARY_SOURCE)
        assert absolute == expected, url
        # No script at all, but for JSON-LD data, which is never run.
        scripts = re.findall(r"<script[^>]*>", html)
        assert set(scripts) <= {'<script type="application/ld+json">'}
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert len(stylesheets) == 1
        assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", stylesheets[0])
