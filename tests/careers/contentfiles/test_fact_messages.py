"""The new optional fields are checked like every other: each problem once,
at its path in the file, and a file without them is unchanged."""

import pytest
import yaml

from tests import factories

from .test_messages import problems, setting

pytestmark = pytest.mark.django_db


def every_field_data():
    return yaml.safe_load(factories.EVERY_FIELD_FILE.read_text())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            setting("updated", value="March"),
            "updated: must be a date written as YYYY-MM-DD, not 'March'",
        ),
        (
            setting("facts", "codes", "isco_08", value=2521),
            'facts.codes.isco_08: must be text in quotes, such as "2521"',
        ),
        (
            setting("facts", "codes", "soc_2018", value="151243"),
            "facts.codes.soc_2018: Enter a SOC 2018 code such as 15-1252.",
        ),
        (
            setting("facts", "work_experience", value="lots"),
            "facts.work_experience: Value 'lots' is not a valid choice.",
        ),
        (
            setting("facts", "alternative_titles", value=["Fine", ""]),
            "facts.alternative_titles[1]: must be text, not ''",
        ),
        (
            setting("facts", "employment", "year", value=None),
            "facts.employment.year: is required",
        ),
        (
            setting("facts", "projection", "to_year", value=2020),
            "facts.projection.to_year: A projection ends after the year it starts.",
        ),
        (
            setting("facts", "projection", "change_percent", value="lots"),
            "facts.projection.change_percent: must be a number, not 'lots'",
        ),
        (
            setting("facts", "employment", "source", "when", value=1),
            "facts.employment.source.when: unknown field; expected one of name, "
            "url, retrieved_on",
        ),
        (
            setting("good_career", "scores", 1, "sources", 0, "url", value="nope"),
            "good_career.scores[1].sources[0].url: Enter a valid URL.",
        ),
        (
            setting("progression", "source", "country", value="UK"),
            "progression.source.country: Enter a two-letter ISO 3166-1 country "
            "code in capitals, such as US or GB.",
        ),
        (
            setting("progression", "stages", 3, "pay_period", value="week"),
            "progression.stages[3].pay_period: Value 'week' is not a valid choice.",
        ),
        (
            setting("progression", "stages", 0, "salary_median", value=50000),
            "progression.stages[0].salary_median: A median needs both figures and "
            "must lie between them.",
        ),
        (
            setting("progression", "stages", 0, "currency", value="ABC"),
            "progression.stages[0].currency: ABC is not an ISO 4217 currency code.",
        ),
        (
            setting("steps", "items", 0, "cost_currency", value=None),
            "steps.items[0].cost_currency: Give the currency of the cost.",
        ),
        (
            setting("steps", "items", 1, "duration_max_months", value=None),
            "steps.items[1].duration_max_months: Give both times (equal for a "
            "single figure), or neither.",
        ),
    ],
)
def test_each_mistake_in_a_new_field_is_one_exact_line(change, expected):
    data = every_field_data()
    change(data)
    assert problems(data) == [f"c.yaml: {expected}"]


def test_the_fixture_is_valid_and_fills_every_new_field():
    career = factories.every_field_career()
    assert career.updated_on.isoformat() == "2026-03-14"
    assert career.alternative_title_list == [
        "Data Platform Engineer",
        "Big Data Engineer",
    ]
    assert (career.soc_code, career.isco_code) == ("15-1243", "2521")
    assert str(career.projected_change) == "8.5"
    assert career.employment_source.retrieved_on.isoformat() == "2026-02-01"
    cited = [c.source.name for s in career.scores.all() for c in s.citations.all()]
    assert cited == [
        "Example Pay Survey",
        "Example Labour Survey",
        "Example Job Board Report",
    ]
    periods = [stage.period for stage in career.stages.all()]
    assert periods == ["year", "year", "year", "hour", "year", "year"]
    assert career.salary_span() == {"min": 28000, "max": 95000, "currency": "GBP"}
    assert (career.low_salary, career.top_salary, career.salary_currency) == (
        28000,
        95000,
        "GBP",
    )
