"""Content files: each kind of mistake is one exact line, at its place in the
file, and what a file leaves out takes its documented default."""

import datetime

import pytest
import yaml

from careers import contentfiles
from careers.models import CareerPath
from tests.conftest import MLOPS_FILE

pytestmark = pytest.mark.django_db

CAREER_KEYS = (
    "slug, title, article, category, status, publish_at, updated, last_reviewed, "
    "sample, summary, facts, intro, why_choose, good_career, steps, progression, "
    "skills, education, outlook"
)


def mlops_data():
    return yaml.safe_load(MLOPS_FILE.read_text())


def problems(data):
    with pytest.raises(contentfiles.ContentError) as error:
        contentfiles.parse_data(data, "c.yaml")
    assert str(error.value) == "\n".join(error.value.problems)
    return error.value.problems


def without(key):
    def change(data):
        del data[key]

    return change


def setting(*path, value):
    def change(data):
        *parents, last = path
        for part in parents:
            data = data[part]
        data[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            without("good_career"),
            [
                "c.yaml: good_career: is required",
                "c.yaml: good_career.summary: is required",
                "c.yaml: good_career.scores: is required",
            ],
        ),
        (
            setting("good_career", value=[1]),
            [
                "c.yaml: good_career: must be a mapping of keys to values, not [1]",
                "c.yaml: good_career.summary: is required",
                "c.yaml: good_career.scores: is required",
            ],
        ),
        (
            setting("steps", value={"intro": "x", "colour": 1}),
            [
                "c.yaml: steps.colour: unknown field; expected one of intro, items, "
                "outro",
                "c.yaml: steps.items: is required",
            ],
        ),
        (
            setting("steps", "items", value="Learn things"),
            ["c.yaml: steps.items: must be a list, not 'Learn things'"],
        ),
        (
            setting("steps", "items", 0, value="Learn"),
            [
                "c.yaml: steps.items[0]: must be a mapping of keys to values, "
                "not 'Learn'"
            ],
        ),
        (
            setting("steps", "items", 0, "link", value="https://a.example/"),
            [
                "c.yaml: steps.items[0].link: unknown field; expected one of title, "
                "text, duration_min_months, duration_max_months, cost_min, cost_max, "
                "cost_currency"
            ],
        ),
        (
            setting("steps", "items", 0, value={"text": ["a"]}),
            [
                "c.yaml: steps.items[0].title: is required",
                "c.yaml: steps.items[0].text: must be text, not ['a']",
            ],
        ),
        (
            setting(42, value=1),
            [f"c.yaml: 42: unknown field; expected one of {CAREER_KEYS}"],
        ),
        (
            setting("k" * 80, value=1),
            [f"c.yaml: {'k' * 80}: unknown field; expected one of {CAREER_KEYS}"],
        ),
        (
            setting("k" * 200, value=1),
            [f"c.yaml: {'k' * 79}…: unknown field; expected one of {CAREER_KEYS}"],
        ),
        (
            setting("education", value=None),
            ["c.yaml: education: is required", "c.yaml: education.items: is required"],
        ),
        (setting("title", value=5), ["c.yaml: title: must be text, not 5"]),
        (setting("summary", value=""), ["c.yaml: summary: is required"]),
        (
            setting("sample", value="yes"),
            ["c.yaml: sample: must be true or false, not 'yes'"],
        ),
        (
            setting("publish_at", value="soon"),
            [
                "c.yaml: publish_at: must be a date and time written as "
                "YYYY-MM-DD HH:MM:SS+00:00, not 'soon'"
            ],
        ),
        (
            setting("last_reviewed", value=datetime.datetime(2024, 1, 2, 3, 4)),
            [
                "c.yaml: last_reviewed: must be a date written as YYYY-MM-DD, not "
                "datetime.datetime(2024, 1, 2, 3, 4)"
            ],
        ),
        (
            setting("good_career", "scores", 0, "score", value=True),
            ["c.yaml: good_career.scores[0].score: must be a whole number, not True"],
        ),
        (
            setting("good_career", "scores", 1, value={"factor": "Commute"}),
            [
                "c.yaml: good_career.scores[1].score: is required",
                "c.yaml: good_career.scores[1].reason: is required",
            ],
        ),
        (
            setting("progression", "stages", 0, "salary_min", value=1.5),
            [
                "c.yaml: progression.stages[0].salary_min: must be a whole number, "
                "not 1.5"
            ],
        ),
        (
            setting("progression", "source", value="Talent"),
            [
                "c.yaml: progression.source: must be a mapping of keys to values, "
                "not 'Talent'"
            ],
        ),
        (
            setting("progression", "source", value={"url": "x", "by": "me"}),
            [
                "c.yaml: progression.source.by: unknown field; expected one of "
                "name, url, retrieved_on, country, region, pay_period",
                "c.yaml: progression.source.name: is required",
                "c.yaml: progression.source.url: Enter a valid URL.",
            ],
        ),
        (
            setting("skills", "items", 1, "skill", value="Machine Learning Theory"),
            [
                "c.yaml: skills.items[1].skill: 'Machine Learning Theory' is already "
                "listed at skills.items[0]"
            ],
        ),
        (
            lambda data: [
                item.update(skill=number)
                for number, item in enumerate(data["skills"]["items"][:2], start=5)
            ],
            [
                "c.yaml: skills.items[0].skill: must be text, not 5",
                "c.yaml: skills.items[1].skill: must be text, not 6",
            ],
        ),
        (
            lambda data: [
                item.pop("factor") for item in data["good_career"]["scores"][:2]
            ],
            [
                "c.yaml: good_career.scores[0].factor: is required",
                "c.yaml: good_career.scores[1].factor: is required",
            ],
        ),
    ],
    ids=[
        "missing-section",
        "section-not-a-mapping",
        "unknown-field-in-a-section",
        "list-not-a-list",
        "entry-not-a-mapping",
        "unknown-field-in-an-entry",
        "entry-fields",
        "key-not-text",
        "key-of-80-whole",
        "long-key-cut",
        "empty-section",
        "text-not-text",
        "empty-text",
        "not-a-boolean",
        "not-a-moment",
        "moment-for-a-date",
        "boolean-for-a-number",
        "missing-number",
        "fraction-for-a-number",
        "source-not-a-mapping",
        "source-fields",
        "skill-twice",
        "mistyped-skills-are-not-duplicates",
        "missing-factors-are-not-duplicates",
    ],
)
def test_each_mistake_is_one_exact_line(change, expected):
    """Every problem is reported once, at the path a person reads in the file
    (good_career.summary, never the model's good_career_summary)."""
    data = mlops_data()
    change(data)
    assert problems(data) == expected


def test_a_section_field_is_reported_at_its_place_in_the_file():
    """The model's own checks on a field held in a section name the section."""
    data = mlops_data()
    data["steps"]["outro"] = "Bell\x07"
    data["good_career"]["intro"] = "Tab\tok, escape\x1b not"
    assert problems(data) == [
        "c.yaml: good_career.intro: contains a control character (U+001B) at "
        "position 15",
        "c.yaml: steps.outro: contains a control character (U+0007) at position 5",
    ]


def test_what_a_file_leaves_out_takes_its_default():
    """No article, status, currency or sample: "a", draft, USD, a real guide;
    text is stripped; a stage without a source takes the section's."""
    data = mlops_data()
    for key in ("article", "status", "sample"):
        data.pop(key, None)
    data["title"] = "  Padded Title \n"
    del data["progression"]["stages"][1]["currency"]
    data["progression"]["stages"][2]["source"] = {"name": "Survey"}
    parsed = contentfiles.parse_data(data, "c.yaml")
    career = parsed.career
    assert (career.article, career.status, career.is_sample) == ("a", "draft", False)
    assert career.title == "Padded Title"
    assert career.pk is None and career._state.adding
    stages = [(source, stage.currency) for source, stage in parsed.stages]
    # A source without a place or pay period is for figures per year.
    unplaced = {"retrieved_on": None, "country": "", "region": "", "pay_period": "year"}
    shared = {
        "name": "Talent.com",
        "url": "https://www.talent.com/salary?job=mlops+engineer",
        **unplaced,
    }
    assert stages[1] == (shared, "USD")
    assert stages[2][0] == {"name": "Survey", "url": "", **unplaced}


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (
            datetime.datetime(2026, 3, 1, 9, 30),
            datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC),
        ),
        (
            datetime.datetime(
                2026, 3, 1, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
            datetime.datetime(2026, 3, 1, 7, 30, tzinfo=datetime.UTC),
        ),
    ],
    ids=["no-offset-is-utc", "offset-converted"],
)
def test_publish_at_is_read_in_utc(written, read):
    """A time without an offset is UTC; one with an offset is converted."""
    data = mlops_data() | {"publish_at": written}
    publish_at = contentfiles.parse_data(data, "c.yaml").career.publish_at
    assert publish_at == read
    assert publish_at.tzinfo is datetime.UTC


def test_a_file_for_an_existing_slug_updates_that_career(mlops):
    """Validation knows the file replaces the stored career: same row, same
    creation date, and its own title is not "taken"."""
    parsed = contentfiles.parse_data(mlops_data(), "mlops.yaml")
    assert parsed.career.pk == mlops.pk
    assert parsed.career.created == mlops.created
    assert not parsed.career._state.adding
    assert CareerPath.objects.count() == 1
