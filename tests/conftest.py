from pathlib import Path

import pytest
from django.core.management import call_command

CONTENT_DIR = Path(__file__).resolve().parent.parent / "careers" / "content"
MLOPS_FILE = CONTENT_DIR / "mlops-engineer.yaml"


@pytest.fixture(scope="session", autouse=True)
def static_files(tmp_path_factory):
    """Build the static files as a deployment does, so pages render as in production.

    The manifest storage needs collectstatic's output; tests get a private copy.
    """
    from django.conf import settings

    settings.STATIC_ROOT = tmp_path_factory.mktemp("staticfiles")
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache, as a page cached by one test
    must not answer another."""
    from django.core.cache import cache

    from careers.caching import breaker, local_pages

    breaker.__init__()
    cache.clear()
    local_pages.clear()
    yield
    cache.clear()
    local_pages.clear()


@pytest.fixture
def mlops(db):
    """The shipped MLOps Engineer career path, imported from its content file."""
    from careers.models import CareerPath

    call_command("import_careers", str(MLOPS_FILE), verbosity=0)
    return CareerPath.objects.get(slug="mlops-engineer")
