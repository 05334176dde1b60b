import os
from pathlib import Path

import pytest
from django.core.management import call_command

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
MLOPS_FILE = CONTENT_DIR / "mlops-engineer.yaml"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@pytest.fixture(scope="session", autouse=True)
def static_files(tmp_path_factory):
    """Build the static files as a deployment does, so pages render as in production.

    The manifest storage needs collectstatic's output; tests get a private copy.
    TESTS_STATIC_ROOT names a directory to build it in once and reuse while
    static/ is unchanged: mutation testing starts a test session per mutant,
    and collectstatic (compressing every file) would be most of its time.
    """
    from django.conf import settings

    reused = os.environ.get("TESTS_STATIC_ROOT")
    if not reused:
        settings.STATIC_ROOT = tmp_path_factory.mktemp("staticfiles")
        call_command("collectstatic", interactive=False, verbosity=0)
        return
    settings.STATIC_ROOT = Path(reused)
    stamp = settings.STATIC_ROOT / ".built-from"
    sources = sorted(p for p in STATIC_DIR.rglob("*") if p.is_file())
    built_from = "\n".join(
        f"{p} {p.stat().st_size} {p.stat().st_mtime_ns}" for p in sources
    )
    if not stamp.exists() or stamp.read_text() != built_from:
        call_command("collectstatic", interactive=False, verbosity=0, clear=True)
        stamp.write_text(built_from)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache, as a page cached by one test
    must not answer another."""
    from django.core.cache import cache

    from portal.pagecache import breaker, local_pages

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
