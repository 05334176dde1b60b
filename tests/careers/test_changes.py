"""Content changes are recorded with the change itself, and name the version
the page cache stores pages under."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from careers.changes import stored_version
from careers.models import CareerPath, ContentChange
from tests import factories
from tests.conftest import MLOPS_FILE

pytestmark = pytest.mark.django_db(transaction=True)

NOON = datetime.datetime(2031, 5, 6, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def mlops(transactional_db):
    call_command("import_careers", str(MLOPS_FILE), stdout=StringIO())
    return CareerPath.objects.get(slug="mlops-engineer")


def test_a_change_is_recorded_in_its_own_transaction(mlops):
    """The record commits or rolls back with the change itself, so no change
    can commit unrecorded, whatever happens after the commit."""
    before = ContentChange.objects.count()
    with transaction.atomic():
        mlops.summary = "Inside."
        mlops.save()
        mlops.steps.first().save()
        assert ContentChange.objects.count() == before + 1
    assert ContentChange.objects.count() == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        mlops.save()
        raise RuntimeError("rolled back")
    assert ContentChange.objects.count() == before + 1


def test_the_version_names_the_changes_and_the_last_due_publication(transactional_db):
    """The version is how many changes committed, when the last did, and when
    the last scheduled publication came due, so every node derives the same
    one; with it comes the next scheduled publication, when it changes."""
    with time_machine.travel(NOON, tick=False):
        assert stored_version() == ("0-0-0", None)
        factories.career(publish_at=NOON - 2 * HOUR)
        factories.career(publish_at=NOON - HOUR)
        factories.career(publish_at=NOON + 2 * HOUR)
        factories.career(publish_at=NOON + HOUR)
        factories.career(publish_at=NOON + 3 * HOUR, status=CareerPath.Status.DRAFT)
        changes = ContentChange.objects.count()
        assert changes > 0
        assert stored_version() == (
            f"{changes}-{NOON.timestamp()}-{(NOON - HOUR).timestamp()}",
            NOON + HOUR,
        )
