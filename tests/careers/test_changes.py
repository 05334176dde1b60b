"""Content changes are recorded with the change itself, and name the version
the page cache stores pages under."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from careers.changes import stored_version
from careers.models import CareerPath, ContentChange, FactorScore
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


def test_refresh_careers_brings_back_what_a_change_outside_django_left_stale(
    mlops, client
):
    """After a fix made straight in the database (psql: no signals), the
    command recomputes the score, the stored article and search, and the next
    visit sees the fix rather than a cached page."""
    page = client.get(mlops.get_absolute_url())
    assert "Rebuilt by hand" not in page.content.decode()
    score = mlops.scores.first()
    FactorScore.objects.filter(career=mlops).update(score=1)
    CareerPath.objects.filter(pk=mlops.pk).update(intro="Rebuilt by hand zyxwv.")
    before = ContentChange.objects.count()

    out = StringIO()
    call_command("refresh_careers", stdout=out)

    assert out.getvalue() == (
        "Refreshed 1 career path(s); cached pages will be rendered again.\n"
    )
    assert ContentChange.objects.count() == before + 1
    mlops.refresh_from_db()
    assert mlops.overall_score == 1.0
    assert score.pk  # the rows themselves were left as psql wrote them
    page = client.get(mlops.get_absolute_url())
    assert "Rebuilt by hand zyxwv." in page.content.decode()
    found = client.get("/careers/", {"q": "zyxwv"})
    assert mlops.title in found.content.decode()
