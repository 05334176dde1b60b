"""A career's scores: dragged into the guide's order on the career's page,
and their sources edited on each score's own page, kept in the history."""

import datetime
import re

import pytest
import reversion
from reversion.models import Version

from careers.models import CareerPath, ScoreCitation, Source
from careers.revisions import describe_child
from tests import factories
from tests.careers.admin.test_career import change_url, form_data

pytestmark = pytest.mark.django_db

FACTOR_NAME_RE = re.compile(r'<span class="factor-name">([^<]*)</span>')


def score_url(score):
    return f"/admin/careers/factorscore/{score.pk}/change/"


def cited(score):
    return list(score.citations.values_list("source__name", "position"))


def record_revision(career):
    with reversion.create_revision():
        reversion.add_to_revision(CareerPath.objects.get(pk=career.pk))


@pytest.fixture
def scored(db):
    """A career scored on Pay, Growth and Balance, in that order."""
    career = factories.career(title="Scored")
    for name in ("Pay", "Growth", "Balance"):
        factories.score(career, factor=factories.factor(name=name))
    return career


def test_dragging_scores_saves_their_order(admin_client, client, scored):
    """The positions the drag-and-drop posts are saved, and the page lists
    the scores in the new order."""
    data = form_data(admin_client.get(change_url(scored)))
    assert [data[f"scores-{i}-position"] for i in range(3)] == ["1", "2", "3"]
    data |= {
        "scores-0-position": "3",
        "scores-1-position": "1",
        "scores-2-position": "2",
    }

    response = admin_client.post(change_url(scored), data)

    assert response.status_code == 302
    assert list(
        scored.scores.order_by("position").values_list("factor__name", "position")
    ) == [("Growth", 1), ("Balance", 2), ("Pay", 3)]
    page = client.get(scored.get_absolute_url()).text
    assert FACTOR_NAME_RE.findall(page) == ["Growth", "Balance", "Pay"]


def test_a_score_row_links_to_the_scores_own_page(admin_client, scored):
    """Each score row of the career's page links to the score's page, which
    is not listed on the admin's index."""
    score = scored.scores.get(factor__name="Pay")

    career_page = admin_client.get(change_url(scored)).text
    index = admin_client.get("/admin/").text

    assert f'<a href="{score_url(score)}" class="inlinechangelink">' in career_page
    assert "/admin/careers/factorscore/" not in index
    assert "/admin/careers/source/" in index


def test_a_scores_sources_are_saved_in_order_and_return_to_the_career(
    admin_client, client, scored
):
    """The score's page saves its evidence and its sources in the order given,
    reorders and removes them, then goes back to the career's page; the
    career's page shows the change."""
    score = scored.scores.get(factor__name="Pay")
    survey, report = (
        Source.objects.create(name="Survey"),
        Source.objects.create(name="Report"),
    )
    page = admin_client.get(score_url(score))
    assert page.status_code == 200
    data = form_data_of_score(page) | {
        "reason": "Pay rises with experience.",
        "evidence": "The survey's medians.",
        "citations-TOTAL_FORMS": "2",
        "citations-0-position": "2",
        "citations-0-source": str(survey.pk),
        "citations-1-position": "1",
        "citations-1-source": str(report.pk),
    }

    response = admin_client.post(score_url(score), data)

    assert response.status_code == 302
    assert response["Location"] == change_url(scored)
    score.refresh_from_db()
    assert score.evidence == "The survey's medians."
    assert cited(score) == [("Report", 1), ("Survey", 2)]
    assert "Pay rises with experience." in client.get(scored.get_absolute_url()).text

    data = form_data_of_score(admin_client.get(score_url(score)))
    assert data["citations-0-source"] == str(report.pk)
    data |= {"citations-0-DELETE": "on"}
    assert admin_client.post(score_url(score), data).status_code == 302
    assert cited(score) == [("Survey", 1)]


def form_data_of_score(response):
    return form_data(response, "factorscore_form")


def test_the_history_keeps_and_reverts_a_scores_sources(admin_client, admin_user):
    """Saving a score's page records a revision of its career, by the editor,
    with the sources; compare shows the evidence and sources, and reverting
    the career brings its old sources back."""
    career = factories.career(title="Cited")
    score = factories.score(career, factor=factories.factor(name="Pay"), reason="Fair.")
    survey = Source.objects.create(
        name="Survey", retrieved_on=datetime.date(2026, 3, 1)
    )
    report = Source.objects.create(name="Report")
    ScoreCitation.objects.create(score=score, position=1, source=survey)
    record_revision(career)
    data = form_data_of_score(admin_client.get(score_url(score))) | {
        "evidence": "Medians.",
        "citations-0-source": str(report.pk),
    }

    assert admin_client.post(score_url(score), data).status_code == 302

    new, old = Version.objects.get_for_object(career)
    assert new.revision.user == admin_user
    assert new.revision.get_comment() == (
        "Pay score: Changed Evidence. Changed Source for score source “Report”."
    )
    compare = admin_client.get(
        f"/admin/careers/careerpath/{career.pk}/history/compare/",
        {"old": old.pk, "new": new.pk},
    ).text
    assert "- Pay: 8/10 — Fair. Sources: Survey (2026-03-01)" in compare
    assert "+ Pay: 8/10 — Fair. Evidence: Medians. Sources: Report" in compare

    revision_url = f"/admin/careers/careerpath/{career.pk}/history/{old.pk}/"
    rollback = form_data(admin_client.get(revision_url))
    assert admin_client.post(revision_url, rollback).status_code == 302
    score.refresh_from_db()
    assert (score.evidence, cited(score)) == ("", [("Survey", 1)])


def test_history_lines_name_every_figure_of_a_stage_and_a_step():
    """A stage's line names its median, pay period and source, a step's its
    time and cost; without them the lines are as short as before."""
    talent = factories.source(name="Talent.com")
    stage = {
        "position": 1,
        "title": "Junior",
        "salary_min": 100,
        "salary_max": 200,
        "salary_median": 150,
        "currency": "GBP",
        "pay_period": "hour",
        "source_id": talent.pk,
        "description": "A rung.",
    }
    step = {
        "position": 2,
        "title": "Study",
        "duration_min_months": 36,
        "duration_max_months": 48,
        "cost_min": 0,
        "cost_max": 27750,
        "cost_currency": "GBP",
        "text": "Learn.",
    }
    single = step | {"duration_max_months": 36, "cost_max": 0}
    plain = {"position": 3, "title": "Ship", "duration_min_months": None, "text": "Go."}

    assert describe_child(stage) == (
        "1. Junior 100 200 GBP median 150 per hour (source: Talent.com) — A rung."
    )
    assert describe_child(step) == "2. Study 36–48 months cost 0–27750 GBP — Learn."
    assert describe_child(single) == "2. Study 36 months cost 0 GBP — Learn."
    assert describe_child(plain) == "3. Ship — Go."
