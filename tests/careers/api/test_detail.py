"""A career in full from the API: the guide with every optional field, each
new fact against the database, and every answer against the document."""

import datetime

import jsonschema_rs
import pytest

from careers.api.openapi import openapi_document
from careers.models import CareerPath, OnTheJobTraining, PayPeriod, WorkExperience
from tests import factories

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def validator(name):
    """A validator of a schema of the served OpenAPI document, formats
    (date, date-time, uri) included."""
    return jsonschema_rs.validator_for(
        {"$ref": f"#/components/schemas/{name}", **openapi_document()},
        validate_formats=True,
    )


def conforms(data, name):
    validator(name).validate(data)


def cited(source):
    """A source as the database has it, in the API's form."""
    return {
        key: value
        for key, value in (
            ("name", source.name),
            ("url", source.url),
            ("retrieved_on", source.retrieved_on and source.retrieved_on.isoformat()),
        )
        if value
    }


def present(**values):
    return {key: value for key, value in values.items() if value not in ("", None)}


@pytest.fixture
def career(db):
    return factories.every_field_career()


@pytest.fixture
def data(client, career):
    return get(client, f"/api/careers/{career.slug}/")


def test_updated_is_the_guides_date_and_modified_the_rows(data, career):
    """`updated` is the guide's own date; `modified` the moment it was saved."""
    assert data["updated"] == career.updated_on.isoformat()
    assert data["last_reviewed"] == career.last_reviewed.isoformat()
    saved = career.updated
    assert datetime.datetime.fromisoformat(data["modified"]) == saved.replace(
        microsecond=saved.microsecond // 1000 * 1000
    )


def test_no_updated_without_the_guides_date(client, db):
    """A guide without its own date has no `updated`, only `modified`."""
    plain = factories.full_career()
    data = get(client, f"/api/careers/{plain.slug}/")
    assert "updated" not in data
    assert data["modified"]
    conforms(data, "CareerDetail")


def test_facts(data, career):
    """Every quick fact, as the database holds it."""
    assert data["facts"] == {
        "alternative_titles": career.alternative_titles.split("\n"),
        "codes": {"soc_2018": career.soc_code, "isco_08": career.isco_code},
        "work_experience": career.work_experience,
        "on_the_job_training": career.on_the_job_training,
        "employment": {
            "jobs": career.employment,
            "year": career.employment_year,
            "source": cited(career.employment_source),
        },
        "projection": {
            "change_percent": float(career.projected_change),
            "from_year": career.projection_start,
            "to_year": career.projection_end,
            "source": cited(career.projection_source),
        },
    }
    assert len(data["facts"]["alternative_titles"]) == 2


def test_score_evidence_and_sources(data, career):
    """Each score's evidence and cited sources, in the guide's order."""
    scores = career.scores.order_by("position")
    assert data["good_career"]["scores"] == [
        present(
            factor=score.factor.name,
            score=score.score,
            reason=score.reason,
            evidence=score.evidence,
            sources=[
                cited(citation.source)
                for citation in score.citations.order_by("position")
            ]
            or None,
        )
        for score in scores
    ]
    assert sum("sources" in s for s in data["good_career"]["scores"]) == 2


def test_stages_and_their_source(data, career):
    """Medians, pay periods and open-ended ranges; the shared source with its
    country and region (and no pay period: per year is the default)."""
    stages = list(career.stages.order_by("position"))
    (source,) = {stage.source for stage in stages}
    assert data["progression"]["source"] == {
        **cited(source),
        "country": source.country,
        "region": source.region,
    }
    assert source.pay_period == PayPeriod.YEAR
    assert data["progression"]["stages"] == [
        present(
            title=stage.title,
            salary_min=stage.salary_min,
            salary_max=stage.salary_max,
            salary_median=stage.salary_median,
            currency=stage.currency if stage.has_salary else None,
            pay_period=stage.pay_period,
            description=stage.description,
        )
        for stage in stages
    ]
    by_title = {stage["title"]: stage for stage in data["progression"]["stages"]}
    assert "salary_max" not in by_title["Lead Data Engineer"]
    assert "salary_min" not in by_title["Graduate Data Engineer"]
    assert by_title["Freelance Data Engineer"]["pay_period"] == "hour"


def test_a_source_paid_by_the_month(client, db):
    """A source's own pay period is given when it is not per year."""
    path = factories.career()
    monthly = factories.source(pay_period=PayPeriod.MONTH, country="DE")
    factories.stage(path, 1, salary_min=3000, salary_max=4000, source=monthly)
    data = get(client, f"/api/careers/{path.slug}/")
    assert data["progression"]["source"] == {
        "name": monthly.name,
        "country": "DE",
        "pay_period": "month",
    }
    conforms(data, "CareerDetail")


def test_step_times_and_costs(data, career):
    """Each step's time and cost, when the guide gives them."""
    assert data["steps"]["items"] == [
        present(
            title=step.title,
            duration_min_months=step.duration_min_months,
            duration_max_months=step.duration_max_months,
            cost_min=step.cost_min,
            cost_max=step.cost_max,
            cost_currency=step.cost_currency,
            text=step.text,
        )
        for step in career.steps.order_by("position")
    ]
    assert data["steps"]["items"][0]["cost_min"] == 0  # free is not "unknown"


def test_every_field_detail_and_list_conform(client, data, career):
    """The guide with every optional field matches the document, in full and
    in the list, whose span is of its yearly figures only."""
    conforms(data, "CareerDetail")
    page = get(client, "/api/careers/")
    conforms(page, "CareerPage")
    (result,) = page["results"]
    assert result["salary_span"] == {
        "min": career.low_salary,
        "max": career.top_salary,
        "currency": career.salary_currency,
    }
    assert (
        result["salary_span"]
        == CareerPath.objects.for_detail().get(pk=career.pk).salary_span()
    )
    hourly = career.stages.get(pay_period="hour")
    assert hourly.salary_min < career.low_salary  # left out, not the lowest


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("facts", "work_experience"), "a while"),
        (("facts", "on_the_job_training"), "some"),
        (("facts", "codes", "soc_2018"), "151243"),
        (("facts", "codes", "isco_08"), "25210"),
        (("facts", "employment"), {"jobs": 5}),
        (("facts", "projection"), {"change_percent": 3.0, "from_year": 2024}),
        (("facts", "alternative_titles"), []),
        (("facts",), {}),
        (("progression", "source", "country"), "gb"),
        (("progression", "source", "country"), "GBR"),
        (("progression", "source", "pay_period"), "week"),
        (("progression", "stages", 0, "pay_period"), "week"),
        (("progression", "stages", 0, "currency"), "pounds"),
        (("progression", "stages", 5, "currency"), "GBP"),
        (("progression", "stages", 5, "pay_period"), "year"),
        (("progression", "stages", 2, "salary_median"), 95000),
        (("steps", "items", 0, "cost_currency"), None),
        (("steps", "items", 0, "duration_max_months"), None),
        (("good_career", "scores", 1, "sources"), []),
        (("updated",), "2026-03-14T00:00:00Z"),
        (("modified",), None),
    ],
)
def test_the_document_refuses_what_the_api_never_says(data, path, value):
    """The new keys' enums, codes and pairs are in the schema: a body that
    breaks one does not validate."""
    conforms(data, "CareerDetail")
    *parents, key = path
    target = data
    for parent in parents:
        target = target[parent]
    if value is None:
        del target[key]
    else:
        target[key] = value
    assert not validator("CareerDetail").is_valid(data)


def test_enums_are_the_models_choices():
    """pay_period, work_experience and on_the_job_training list the models'
    choices, so a new choice is documented with no change to the schemas."""
    schemas = openapi_document()["components"]["schemas"]
    facts = schemas["Facts"]["properties"]
    assert facts["work_experience"]["enum"] == WorkExperience.values
    assert facts["on_the_job_training"]["enum"] == OnTheJobTraining.values
    assert schemas["Stage"]["properties"]["pay_period"]["enum"] == PayPeriod.values
    assert schemas["SalarySource"]["properties"]["pay_period"]["enum"] == (
        PayPeriod.values
    )
