"""What is computed from a career's children is kept current (careers.changes)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers import changes
from careers.article import rendering
from careers.models import CareerPath, FactorScore, Stage, Step
from tests import factories

pytestmark = pytest.mark.django_db
ON_POSTGRES = connection.vendor == "postgresql"


def refreshes(queries):
    update = 'UPDATE "careers_careerpath" SET "overall_score" ='
    return [query for query in queries if query["sql"].startswith(update)]


def figures(career):
    return CareerPath.objects.values_list("overall_score", "top_salary").get(
        pk=career.pk
    )


def test_score_and_salary_follow_every_edit():
    career = factories.career()
    assert figures(career) == (None, None)
    first = factories.score(career, score=9)
    factories.score(career, score=6)
    stage = factories.stage(career, 1, salary_min=50000, salary_max=70000)
    assert figures(career) == (pytest.approx(7.5), 70000)

    first.score = 3
    first.save()
    stage.salary_max = 90000
    stage.save()
    assert figures(career) == (pytest.approx(4.5), 90000)

    first.delete()
    stage.delete()
    assert figures(career) == (pytest.approx(6.0), None)


def test_lists_sort_by_the_stored_figures(client):
    low = factories.career(title="Low")
    high = factories.career(title="High")
    factories.career(title="Unscored")
    factories.score(low, score=2)
    factories.score(high, score=9)
    order = CareerPath.objects.sorted_by("score").values_list("title", flat=True)
    assert list(order) == ["High", "Low", "Unscored"]


def test_deferred_refreshes_each_career_once_at_the_end():
    """Bulk-created rows count; many saves cost one refresh."""
    career = factories.career(title="Brewer")
    with CaptureQueriesContext(connection) as queries, changes.deferred():
        career.save()
        factories.step(career, 1)
        Step.objects.bulk_create([Step(career=career, position=2, text="Zymurgy.")])
        FactorScore.objects.bulk_create(
            [FactorScore(career=career, position=1, factor=factories.factor(), score=7)]
        )
        Stage.objects.bulk_create(
            [Stage(career=career, position=1, salary_min=1, salary_max=2)]
        )
    assert len(refreshes(queries)) == 1
    assert figures(career) == (pytest.approx(7.0), 2)
    assert CareerPath.objects.published().search("zymurgy").get() == career


def test_nothing_is_refreshed_when_a_deferred_block_fails():
    """An error inside deferred() propagates, with no refresh on the way out."""
    career = factories.career(title="Brewer")
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(ZeroDivisionError),
        changes.deferred(),
    ):
        career.save()
        1 / 0  # noqa: B018
    assert refreshes(queries) == []


def test_refresh_accepts_careers_and_keys():
    """refresh() takes instances or primary keys; the search document is
    computed on PostgreSQL only."""
    career = factories.career(title="Brewer")
    CareerPath.objects.filter(pk=career.pk).update(
        search_document=None, rendered_version=rendering.VERSION
    )
    changes.refresh(career.pk)
    career.refresh_from_db()
    assert (career.search_document is not None) == ON_POSTGRES
    assert career.rendered_version.startswith("stale-")
    changes.refresh(career)


def test_a_bulk_load_updates_the_planner_statistics(django_assert_num_queries):
    with django_assert_num_queries(0):
        changes.analyze(changes.BULK_LOAD - 1)
    with django_assert_num_queries(1):
        changes.analyze(changes.BULK_LOAD)
