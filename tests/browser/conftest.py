"""Browser tests: Debian's Chromium driven by Playwright against the live server."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from careers.models import CareerPath
from tests import factories
from tests.conftest import MLOPS_FILE

# Playwright's sync API runs an event loop in the main thread, and Django refuses
# database access from a thread with a running loop unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = (
    f"Chromium not found at {CHROMIUM} (apt-get install -y chromium); "
    "browser tests run in CI"
)
BROWSER_TESTS = Path(__file__).resolve().parent
# Milliseconds a page action waits; everything here answers from localhost.
TIMEOUT = 10_000


def pytest_collection_modifyitems(config, items):
    # In CI a missing browser must fail loudly, never skip quietly.
    if CHROMIUM.exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def context(new_context):
    """pytest-playwright's context, failing in seconds rather than half a minute."""
    context = new_context()
    context.set_default_timeout(TIMEOUT)
    return context


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with static files served as in production.

    Its default static handler serves source files through the finders, which
    know nothing of the hashed names that the manifest storage puts in pages;
    here WhiteNoise serves the files that collectstatic built.
    """
    server = LiveServer(
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost",
        start=False,
    )
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in page.goto() go to the live server."""
    return live_server.url


@dataclass(frozen=True)
class Site:
    """The published content the browser tests visit."""

    career: str
    other: str
    category: str
    category_slug: str
    skill: str
    skill_slug: str
    skill_link: str


@pytest.fixture
def site(transactional_db, live_server):
    """The shipped MLOps Engineer guide plus a few factory-made careers.

    Data Scientist shares MLOps's category and its first skill, so the compare
    and skill pages have more than one career; two careers sit in a category
    of their own for the directory filter. The factory data goes in first: the
    importer numbers new factors after the highest existing position, while
    the factories number theirs from a counter of their own.
    """
    data_ai = factories.category(name="Data & AI", slug="data-ai")
    ml_theory = factories.skill(
        name="Machine Learning Theory", slug="machine-learning-theory"
    )
    data = factories.full_career(
        size=5,
        title="Data Scientist",
        slug="data-scientist",
        summary="Data Scientists turn raw data into models and decisions.",
        category=data_ai,
    )
    factories.career_skill(data, 6, skill=ml_theory)
    software = factories.category(name="Software Engineering", slug="software")
    for title, slug in [
        ("Site Reliability Engineer", "site-reliability-engineer"),
        ("Backend Developer", "backend-developer"),
    ]:
        factories.full_career(
            size=5,
            title=title,
            slug=slug,
            summary=f"What a {title} does, in one sentence.",
            category=software,
        )
    call_command("import_careers", str(MLOPS_FILE), verbosity=0)
    mlops = CareerPath.objects.get(slug="mlops-engineer")
    return Site(
        career=mlops.slug,
        other=data.slug,
        category=software.name,
        category_slug=software.slug,
        skill=ml_theory.name,
        skill_slug=ml_theory.slug,
        skill_link=mlops.skills.get(skill=ml_theory).heading,
    )
