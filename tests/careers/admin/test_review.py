"""The whole career on one page with its quick facts, its "last updated"
date kept by the admin, and marking careers as reviewed."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from reversion.models import Version

from careers.contentfiles import dump_career
from careers.models import CareerPath, Source
from tests import factories
from tests.careers.admin.test_career import (
    ADD_URL,
    CHANGELIST_URL,
    career_fields,
    change_url,
    form_data,
    inline_rows,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)
NOON = datetime.datetime(2026, 12, 4, 12, tzinfo=datetime.UTC)
EARLIER = datetime.date(2025, 1, 2)


def test_the_change_form_shows_every_fact(admin_client, db):
    """The guide with every optional field shows each on its change page: the
    dates, the quick facts, and its children's evidence and figures."""
    career = factories.every_field_career()

    response = admin_client.get(change_url(career))

    data = form_data(response)
    assert {name: data[name] for name in FACT_FIELDS} == {
        "updated_on": "2026-03-14",
        "last_reviewed": "2026-04-02",
        "alternative_titles": "Data Platform Engineer\nBig Data Engineer",
        "soc_code": "15-1243",
        "isco_code": "2521",
        "work_experience": "under-5-years",
        "on_the_job_training": "moderate-term",
        "employment": "48200",
        "employment_year": "2024",
        "employment_source": str(career.employment_source_id),
        "projected_change": "8.5",
        "projection_start": "2024",
        "projection_end": "2034",
        "projection_source": str(career.projection_source_id),
    }
    assert data["scores-1-evidence"].startswith("The median pay of the survey")
    assert (data["steps-0-duration_min_months"], data["steps-0-cost_max"]) == (
        "36",
        "27750",
    )
    assert (data["stages-0-salary_median"], data["stages-3-pay_period"]) == (
        "32500",
        "hour",
    )
    html = response.content.decode()
    assert 'class="fieldset-heading">Quick facts</h2>' in html
    assert "Example Labour Survey (2026-02-01)</option>" in html
    # The titles are a plain list: no Markdown reminder beside them.
    assert "Other names of the role, one per line; search finds them.</div>" in html


FACT_FIELDS = [
    "updated_on",
    "last_reviewed",
    "alternative_titles",
    "soc_code",
    "isco_code",
    "work_experience",
    "on_the_job_training",
    "employment",
    "employment_year",
    "employment_source",
    "projected_change",
    "projection_start",
    "projection_end",
    "projection_source",
]


def test_saving_every_fact_unchanged_keeps_them(admin_client, db):
    """Posting the every-field guide's form back as it is changes nothing,
    its "last updated" date included."""
    career = factories.every_field_career()
    before = dump_career(career)
    data = form_data(admin_client.get(change_url(career)))

    response = admin_client.post(change_url(career), data)

    assert response.status_code == 302
    after = dump_career(CareerPath.objects.for_detail().get(pk=career.pk))
    assert after == before


def test_adding_a_career_with_its_facts_and_figures(admin_client, client, db):
    """One POST of the add page saves the quick facts, a score's evidence and
    a step's and a stage's new figures; a new guide is dated today."""
    survey = Source.objects.create(name="Labour Survey")
    data = {
        **career_fields(
            factories.category(),
            alternative_titles="Pipeline Engineer\r\nETL Developer",
            soc_code="15-1243",
            isco_code="2521",
            work_experience="none",
            on_the_job_training="short-term",
            employment="1200",
            employment_year="2024",
            employment_source=str(survey.pk),
            projected_change="-2.5",
            projection_start="2024",
            projection_end="2034",
            projection_source=str(survey.pk),
        ),
        **inline_rows(
            "scores",
            [
                {
                    "factor": factories.factor(name="Pay").pk,
                    "score": 7,
                    "reason": "It pays.",
                    "evidence": "A survey.",
                }
            ],
        ),
        **inline_rows(
            "steps",
            [
                {
                    "position": 1,
                    "title": "Study",
                    "text": "Learn.",
                    "duration_min_months": 3,
                    "duration_max_months": 6,
                    "cost_min": 0,
                    "cost_max": 500,
                    "cost_currency": "EUR",
                }
            ],
        ),
        **inline_rows(
            "stages",
            [
                {
                    "position": 1,
                    "title": "Freelance",
                    "description": "Contracts.",
                    "salary_min": 40,
                    "salary_max": 80,
                    "salary_median": 60,
                    "currency": "USD",
                    "pay_period": "hour",
                    "source": "",
                }
            ],
        ),
        **inline_rows("skills", []),
        **inline_rows("education", []),
    }

    with time_machine.travel(NOON, tick=False):
        response = admin_client.post(ADD_URL, data)

    assert response.status_code == 302
    career = CareerPath.objects.get(slug="data-engineer")
    assert career.alternative_title_list == ["Pipeline Engineer", "ETL Developer"]
    assert (career.employment, career.employment_source) == (1200, survey)
    assert str(career.projected_change) == "-2.5"
    assert career.projection_source == survey
    assert career.updated_on == TODAY
    assert career.scores.get().evidence == "A survey."
    assert career.steps.values_list("duration_max_months", "cost_currency").get() == (
        6,
        "EUR",
    )
    assert career.stages.values_list("salary_median", "pay_period").get() == (
        60,
        "hour",
    )
    assert client.get(career.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("edits", "updated_on"),
    [
        ({"summary": "A new summary."}, TODAY),
        ({"steps-0-text": "Study harder."}, TODAY),
        ({"steps-0-DELETE": "on"}, TODAY),
        ({}, EARLIER),
        ({"revision_comment": "Only looked."}, EARLIER),
        ({"summary": "A new summary.", "updated_on": "2026-11-30"}, "2026-11-30"),
        ({"steps-0-text": "Study harder.", "updated_on": ""}, None),
    ],
    ids=[
        "own-field",
        "inline",
        "deleted-row",
        "unchanged",
        "comment-only",
        "editor-dated",
        "editor-cleared",
    ],
)
def test_a_change_dates_the_guide_today(client, admin_user, edits, updated_on):
    """Saving a change to the guide or its lists sets "last updated" to
    today, unless the editor changed that date in the same save; saving with
    nothing changed keeps it."""
    career = factories.career(updated_on=EARLIER)
    factories.step(career, 1)
    with time_machine.travel(NOON, tick=False):
        client.force_login(admin_user)
        data = form_data(client.get(change_url(career))) | edits
        response = client.post(change_url(career), data)

    assert response.status_code == 302
    career.refresh_from_db()
    if isinstance(updated_on, str):
        updated_on = datetime.date.fromisoformat(updated_on)
    assert career.updated_on == updated_on


def test_a_change_on_a_scores_page_dates_its_guide(client, admin_user):
    """A score's evidence or sources are the guide's content too."""
    career = factories.career(updated_on=EARLIER)
    score = factories.score(career)
    url = f"/admin/careers/factorscore/{score.pk}/change/"
    with time_machine.travel(NOON, tick=False):
        client.force_login(admin_user)
        unchanged = form_data(client.get(url), "factorscore_form")
        assert client.post(url, unchanged).status_code == 302
        career.refresh_from_db()
        assert career.updated_on == EARLIER
        assert client.post(url, unchanged | {"evidence": "New."}).status_code == 302

    career.refresh_from_db()
    assert career.updated_on == TODAY


def test_marking_careers_as_reviewed(client, admin_user):
    """The action dates each selected career's review today, records who did
    it in its history, and its page shows the new date at once."""
    careers = [
        factories.career(title=title, last_reviewed=EARLIER, updated_on=EARLIER)
        for title in ("A", "B", "C")
    ]
    untouched = factories.career(title="D", last_reviewed=EARLIER)
    page = careers[0].get_absolute_url()
    assert f'Last reviewed <time datetime="{EARLIER}">' in client.get(page).text

    with time_machine.travel(NOON, tick=False):
        client.force_login(admin_user)
        response = client.post(
            CHANGELIST_URL,
            {
                "action": "mark_as_reviewed",
                "_selected_action": [career.pk for career in careers],
            },
            follow=True,
        )
        history = client.get(f"{CHANGELIST_URL}{careers[0].pk}/history/").text
        shown = client.get(page).text

    assert [str(m) for m in response.context["messages"]] == [
        "3 career paths marked as reviewed."
    ]
    for career in careers:
        career.refresh_from_db()
        assert (career.last_reviewed, career.updated_on) == (TODAY, EARLIER)
        revision = Version.objects.get_for_object(career).get().revision
        assert (revision.user, revision.get_comment()) == (
            admin_user,
            "Marked as reviewed",
        )
    untouched.refresh_from_db()
    assert untouched.last_reviewed == EARLIER
    assert "Marked as reviewed" in history
    assert admin_user.get_username() in history
    assert 'Last reviewed <time datetime="2026-12-04">4 December 2026</time>' in shown


def test_only_those_who_may_change_careers_mark_them_reviewed(client, db):
    """A user who may only view careers is not offered the action, and
    posting it anyway changes nothing."""
    career = factories.career(last_reviewed=EARLIER)
    viewer = get_user_model().objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_careerpath"))
    client.force_login(viewer)

    changelist = client.get(CHANGELIST_URL)
    client.post(
        CHANGELIST_URL,
        {"action": "mark_as_reviewed", "_selected_action": [career.pk]},
    )

    assert changelist.status_code == 200
    assert 'value="mark_as_reviewed"' not in changelist.text
    career.refresh_from_db()
    assert career.last_reviewed == EARLIER
