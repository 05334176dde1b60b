from pathlib import Path

import pytest
from django.core.management import call_command

CONTENT_DIR = Path(__file__).resolve().parent.parent / "careers" / "content"
MLOPS_FILE = CONTENT_DIR / "mlops-engineer.yaml"


@pytest.fixture
def mlops(db):
    """The shipped MLOps Engineer career path, imported from its content file."""
    from careers.models import CareerPath

    call_command("import_careers", str(MLOPS_FILE), verbosity=0)
    return CareerPath.objects.get(slug="mlops-engineer")
