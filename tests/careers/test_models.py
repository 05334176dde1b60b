"""The database itself refuses data that breaks the model's invariants."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from careers.models import (
    CareerPath,
    CareerSkill,
    EducationRequirement,
    Factor,
    FactorScore,
    Stage,
    Step,
)
from tests import factories

pytestmark = pytest.mark.django_db


def refused(create):
    """True when the database raises IntegrityError for `create()`."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("value", [0, 11, -3])
def test_score_outside_1_to_10_is_refused(value):
    """Scores must lie between 1 and 10."""
    career = factories.career()
    assert refused(lambda: factories.score(career, score=value))


@pytest.mark.parametrize("value", [1, 10])
def test_score_bounds_are_accepted(value):
    """1 and 10 are valid scores."""
    assert factories.score(factories.career(), score=value).pk


def test_one_score_per_factor_per_career():
    """A career cannot score the same factor twice."""
    career, factor = factories.career(), factories.factor()
    factories.score(career, factor=factor)
    assert refused(lambda: factories.score(career, factor=factor))
    # Another career may score it.
    assert factories.score(factories.career(), factor=factor).pk


def test_negative_salary_is_refused():
    """Salaries are never below zero."""
    career = factories.career()
    assert refused(lambda: factories.stage(career, 1, salary_min=-1, salary_max=10))
    assert refused(lambda: factories.stage(career, 2, salary_min=-5, salary_max=-1))


def test_minimum_above_maximum_is_refused():
    """A salary range cannot be upside down."""
    career = factories.career()
    assert refused(lambda: factories.stage(career, 1, salary_min=200, salary_max=100))


def test_open_ended_ranges_are_stored_and_a_median_needs_its_range():
    """ "From £95,000" and "up to $60,000" are honest cases; a median lies
    within both figures of a range, and has none without them."""
    career = factories.career()
    assert factories.stage(career, 1, salary_min=100).is_open_above
    assert factories.stage(career, 2, salary_max=100).is_open_below
    assert factories.stage(career, 3, salary_min=1, salary_max=9, salary_median=5)
    for position, figures in enumerate(
        [
            {"salary_min": 1, "salary_max": 9, "salary_median": 10},
            {"salary_min": 4, "salary_max": 9, "salary_median": 3},
            {"salary_min": 4, "salary_median": 5},
            {"salary_median": 5},
        ],
        start=4,
    ):
        assert refused(lambda f=figures, p=position: factories.stage(career, p, **f))


def test_step_estimates_are_ranges_and_a_cost_needs_its_currency():
    career = factories.career()
    factories.step(career, 1, duration_min_months=3, duration_max_months=6)
    factories.step(career, 2, cost_min=0, cost_max=500, cost_currency="GBP")
    bad = [
        {"duration_min_months": 3},
        {"duration_min_months": 6, "duration_max_months": 3},
        {"cost_min": 0, "cost_max": 500},
        {"cost_min": 9, "cost_max": 5, "cost_currency": "USD"},
        {"cost_currency": "USD"},
    ]
    for position, fields in enumerate(bad, start=3):
        assert refused(lambda f=fields, p=position: factories.step(career, p, **f))


def test_range_single_figure_and_no_data_are_accepted():
    """The three honest cases of salary data are all storable."""
    career = factories.career()
    rng = factories.stage(career, 1, salary_min=131158, salary_max=200000)
    single = factories.stage(career, 2, salary_min=137700, salary_max=137700)
    missing = factories.stage(career, 3)
    assert (rng.has_salary, rng.is_single_figure) == (True, False)
    assert (single.has_salary, single.is_single_figure) == (True, True)
    assert (missing.has_salary, missing.is_single_figure) == (False, False)


@pytest.mark.parametrize(
    "make",
    [
        factories.step,
        factories.stage,
        factories.career_skill,
        factories.education,
    ],
    ids=["step", "stage", "skill", "education"],
)
def test_positions_are_unique_per_career(make):
    """Two children of one career cannot share a position; other careers can."""
    career = factories.career()
    make(career, 1)
    assert refused(lambda: make(career, 1))
    assert make(factories.career(), 1).pk


def test_one_entry_per_skill_per_career():
    """A career lists a skill once."""
    career, skill = factories.career(), factories.skill()
    factories.career_skill(career, 1, skill=skill)
    assert refused(lambda: factories.career_skill(career, 2, skill=skill))


def test_slugs_are_unique():
    """Career, category, factor and skill slugs are unique."""
    factories.career(slug="same")
    assert refused(lambda: factories.career(slug="same"))
    factories.category(slug="same")
    assert refused(lambda: factories.category(slug="same"))
    factories.factor(slug="same")
    assert refused(lambda: factories.factor(slug="same"))
    factories.skill(slug="same")
    assert refused(lambda: factories.skill(slug="same"))


def test_unknown_status_and_education_kind_are_refused():
    """Enumerations are enforced by the database too."""
    assert refused(lambda: factories.career(status="secret"))
    career = factories.career()
    assert refused(lambda: factories.education(career, 1, kind="apprenticeship"))


def test_bulk_update_cannot_bypass_constraints():
    """A queryset update from a shell is refused as well."""
    career = factories.career()
    factories.score(career, score=5)
    factories.stage(career, 1, salary_min=10, salary_max=20)
    assert refused(lambda: FactorScore.objects.update(score=11))
    assert refused(lambda: Stage.objects.update(salary_min=30))
    assert FactorScore.objects.get().score == 5


def test_names_and_factor_positions_are_unique():
    """Categories, factors and skills are found by name; factors list in one
    order."""
    for make in (factories.category, factories.factor, factories.skill):
        make(name="Same")
        assert refused(lambda make=make: make(name="Same"))
    factories.factor(position=90)
    assert refused(lambda: factories.factor(position=90))


def test_bulk_create_cannot_bypass_constraints():
    """Rows written in bulk, with no validation at all, are refused as well."""
    career = factories.career()
    factories.step(career, 1)
    texts = {"summary": "s", "intro": "i", "why_choose": "w", "outlook": "o"}
    bad_rows = [
        CareerPath(
            title="T", slug="t", category=career.category, status="live", **texts
        ),
        CareerPath(
            title=career.title.upper(), slug="t", category=career.category, **texts
        ),
        FactorScore(
            career=career, position=1, factor=factories.factor(), score=0, reason="r"
        ),
        Stage(
            career=career,
            position=1,
            title="S",
            description="d",
            salary_min=9,
            salary_max=8,
        ),
        Stage(career=career, position=1, title="S", description="d", salary_median=8),
        Step(career=career, position=1, title="Again", text="t"),
        EducationRequirement(
            career=career, position=1, title="E", text="t", kind="gap-year"
        ),
    ]
    for row in bad_rows:
        assert refused(lambda row=row: type(row).objects.bulk_create([row]))
    assert (CareerPath.objects.count(), Step.objects.count()) == (1, 1)
    assert FactorScore.objects.count() + Stage.objects.count() == 0
    assert EducationRequirement.objects.count() == 0


def test_constraints_explain_themselves_to_validation():
    """Validation (the admin, content files) reports each broken constraint
    with its own message before the database would refuse it."""
    career = factories.career(title="Data Engineer")
    factor, skill = factories.factor(), factories.skill()
    factories.step(career, 1)
    factories.score(career, factor=factor)
    factories.career_skill(career, 1, skill=skill)
    cases = [
        (Step(career=career, position=1), "Each position may be used only once."),
        (
            FactorScore(career=career, position=2, factor=factor),
            "This factor is already scored.",
        ),
        (
            CareerSkill(career=career, position=2, skill=skill),
            "This skill is already listed.",
        ),
        (
            Stage(career=career, position=1, salary_min=5, salary_max=4),
            "The salary minimum may not be above the maximum.",
        ),
        (
            Stage(career=career, position=1, salary_median=5),
            "A median needs both figures and must lie between them.",
        ),
        (
            Step(
                career=career,
                position=2,
                duration_min_months=6,
                duration_max_months=3,
            ),
            "Give both times, the shortest not above the longest, or neither.",
        ),
        (
            Step(career=career, position=2, cost_min=1, cost_max=2),
            "A cost needs its currency, and only a cost.",
        ),
        (CareerPath(title="DATA ENGINEER"), "Another guide already has this title."),
    ]
    for row, message in cases:
        with pytest.raises(ValidationError) as error:
            row.validate_constraints()
        assert error.value.messages == [message]
    assert error.value.error_dict["__all__"][0].code == "title_taken"
    CareerPath(title="DATA ENGINEER", is_sample=True).validate_constraints()


def test_validation_errors_name_the_field():
    """Model validation attaches each problem to the field that is wrong."""
    career = factories.career()
    bad_score = FactorScore(
        career=career, position=1, factor=factories.factor(), score=11, reason="x"
    )
    with pytest.raises(ValidationError) as error:
        bad_score.full_clean()
    assert error.value.message_dict == {"score": ["11 is not between 1 and 10"]}

    bad_stage = Stage(
        career=career,
        position=1,
        title="t",
        description="d",
        salary_min=300,
        salary_max=200,
    )
    with pytest.raises(ValidationError) as error:
        bad_stage.full_clean()
    assert error.value.message_dict == {
        "salary_min": ["The minimum (300) is above the maximum (200)."]
    }

    with pytest.raises(ValidationError) as error:
        Stage(
            career=career,
            position=2,
            title="t",
            description="d",
            salary_min=1,
            salary_max=2,
            currency="usd",
        ).full_clean()
    assert list(error.value.message_dict) == ["currency"]


@pytest.mark.parametrize(
    ("value", "errors"),
    [
        (0, ["0 is not between 1 and 10"]),
        (1, []),
        (10, []),
        (11, ["11 is not between 1 and 10"]),
    ],
)
def test_score_validation_accepts_1_to_10(value, errors):
    """Validation accepts the bounds and reports what lies outside them, with
    the code callers can tell it by."""
    score = FactorScore(
        career=factories.career(), factor=factories.factor(), score=value, reason="r"
    )
    try:
        score.full_clean()
        found = {}
    except ValidationError as error:
        found = error.error_dict
    assert [e.messages[0] for e in found.get("score", [])] == errors
    assert [e.code for e in found.get("score", [])] == ["score_range"] * len(errors)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"salary_min": 5, "salary_max": 9, "salary_median": 10},
            "salary_median",
            "A median needs both figures and must lie between them.",
        ),
        (
            {"salary_min": 5, "salary_median": 6},
            "salary_median",
            "A median needs both figures and must lie between them.",
        ),
        (
            {"duration_min_months": 3},
            "duration_max_months",
            "Give both times (equal for a single figure), or neither.",
        ),
        (
            {"duration_max_months": 3},
            "duration_min_months",
            "Give both times (equal for a single figure), or neither.",
        ),
        (
            {"cost_min": 9, "cost_max": 5, "cost_currency": "USD"},
            "cost_min",
            "The lower figure (9) is above the higher (5).",
        ),
        (
            {"cost_min": 1, "cost_max": 5},
            "cost_currency",
            "Give the currency of the cost.",
        ),
        ({"cost_currency": "USD"}, "cost_currency", "A currency needs a cost."),
        (
            {"cost_currency": "XYZ"},
            "cost_currency",
            "XYZ is not an ISO 4217 currency code.",
        ),
    ],
)
def test_each_figure_problem_is_reported_on_its_field(fields, field, message):
    """The error names the figure that is wrong, whichever it is."""
    model = Stage if any(name.startswith("salary") for name in fields) else Step
    texts = {"description": "d"} if model is Stage else {"text": "t"}
    row = model(career=factories.career(), position=1, title="t", **texts, **fields)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert message in error.value.message_dict[field]


def test_overall_score_is_the_mean_of_factor_scores():
    """overall_score is kept as the mean; careers without scores have None."""
    career = factories.career()
    for value in (9, 8, 7):
        factories.score(career, score=value)
    unscored = factories.career()
    scores = dict(CareerPath.objects.values_list("pk", "overall_score"))
    assert float(scores[career.pk]) == pytest.approx(8.0)
    assert scores[unscored.pk] is None


def test_salary_span_and_sources_read_the_stages():
    """The span runs from the lowest minimum to the highest maximum."""
    career = factories.career()
    talent = factories.source()
    factories.stage(career, 1)
    factories.stage(career, 2, salary_min=131158, salary_max=200000, source=talent)
    factories.stage(career, 3, salary_min=198125, salary_max=237500, source=talent)
    career = CareerPath.objects.for_detail().get(pk=career.pk)
    assert career.salary_span() == {"min": 131158, "max": 237500, "currency": "USD"}
    assert career.salary_sources() == [talent]


def test_salary_span_refuses_to_mix_currencies():
    """Stages in different currencies have no single span."""
    career = factories.career()
    factories.stage(career, 1, salary_min=1, salary_max=2, currency="USD")
    factories.stage(career, 2, salary_min=1, salary_max=2, currency="EUR")
    career = CareerPath.objects.for_detail().get(pk=career.pk)
    assert career.salary_span() is None


def test_factors_are_ordered_by_position():
    """Factors list in their shared order."""
    later = factories.factor(position=50)
    earlier = factories.factor(position=40)
    assert list(Factor.objects.filter(pk__in=[later.pk, earlier.pk])) == [
        earlier,
        later,
    ]


def test_a_career_goes_live_at_its_publishing_time_exactly():
    """At its publish_at a published career is live and no longer scheduled; a
    second before, it is scheduled and hidden. Drafts and unpublished careers
    are neither, whatever their publish_at."""
    moment = datetime.datetime(2028, 2, 29, 9, 0, tzinfo=datetime.UTC)
    second = datetime.timedelta(seconds=1)
    scheduled = factories.career(title="Scheduled", publish_at=moment)
    live = factories.career(title="Live")
    factories.career(status="draft", publish_at=moment - second)
    factories.career(status="unpublished", publish_at=moment + second)
    for now, visible, waiting in [
        (moment - second, ["Live"], ["Scheduled"]),
        (moment, ["Live", "Scheduled"], []),
    ]:
        with time_machine.travel(now, tick=False):
            assert [c.title for c in CareerPath.objects.published()] == visible
            assert [c.title for c in CareerPath.objects.scheduled()] == waiting
            assert (live.is_live, scheduled.is_live) == (True, not waiting)


def test_sort_orders_put_careers_without_a_figure_last():
    """Careers sort by title, best score or highest salary first (those
    without one last, then by title); "relevance" with nothing searched for
    is by title. matching() with no filters is every career by title."""
    careers = {
        "Beta": factories.career(title="Beta"),
        "Alpha": factories.career(title="Alpha"),
        "Gamma": factories.career(title="Gamma"),
        "Delta": factories.career(title="Delta"),
    }
    factories.score(careers["Beta"], score=9)
    factories.score(careers["Alpha"], score=5)
    factories.stage(careers["Alpha"], 1, salary_min=10, salary_max=100)
    factories.stage(careers["Gamma"], 1, salary_min=10, salary_max=200)

    def titles(queryset):
        return [career.title for career in queryset]

    everything = CareerPath.objects.all()
    assert titles(everything.sorted_by("title")) == [
        "Alpha",
        "Beta",
        "Delta",
        "Gamma",
    ]
    assert titles(everything.sorted_by("score")) == ["Beta", "Alpha", "Delta", "Gamma"]
    assert titles(everything.sorted_by("salary")) == ["Gamma", "Alpha", "Beta", "Delta"]
    assert titles(everything.sorted_by("relevance")) == titles(everything)
    assert titles(CareerPath.objects.matching()) == titles(everything)
    assert titles(CareerPath.objects.matching(sort="salary"))[0] == "Gamma"


@pytest.mark.parametrize("sort", ["title", "score", "salary", "relevance"])
def test_careers_that_tie_keep_a_fixed_order(sort):
    """Samples may share a title (and score and salary): they come in id order
    whatever the order they were written in, so pages never repeat or skip
    one. (SQLite reads ties in id order anyway; PostgreSQL need not.)"""
    category = factories.category()
    for pk in (20, 10, 15):
        factories.career(
            pk=pk, title="Same", slug=f"same-{pk}", is_sample=True, category=category
        )
    sorted_pks = CareerPath.objects.sorted_by(sort).values_list("pk", flat=True)
    assert list(sorted_pks) == [10, 15, 20]


def test_real_guides_titles_are_unique_in_any_case():
    """Two real guides cannot share a title, even in another case: visitors
    and Compare find a guide by its title."""
    factories.career(title="Data Engineer")
    assert refused(lambda: factories.career(title="data ENGINEER"))
    other = factories.career(title="Other")
    assert refused(
        lambda: CareerPath.objects.filter(pk=other.pk).update(title="DATA engineer")
    )


def test_samples_may_share_any_title():
    """A sample never blocks a real guide, nor another sample."""
    factories.career(title="Data Engineer", is_sample=True)
    factories.career(title="Data Engineer", is_sample=True)
    real = factories.career(title="Data Engineer")
    real.full_clean()
    sample = CareerPath(title="data engineer", is_sample=True)
    sample.clean()
    assert CareerPath.objects.filter(title="Data Engineer").count() == 3


def test_validation_names_the_guide_that_has_the_title():
    """full_clean() (the admin, content files) says which guide has the title."""
    factories.career(title="Data Engineer", slug="data-engineer")
    other = CareerPath(
        title="DATA Engineer",
        slug="copy",
        summary="s",
        intro="i",
        why_choose="w",
        good_career_summary="g",
        outlook="o",
        category=factories.category(),
    )
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert error.value.message_dict == {
        "title": [
            "The guide “Data Engineer” (slug data-engineer) already has this "
            "title; each real guide needs its own."
        ]
    }
    # The same code as the database constraint's, for callers telling them apart.
    assert [e.code for e in error.value.error_dict["title"]] == ["title_taken"]


def test_the_holder_of_a_title_is_read_in_one_query(django_assert_num_queries):
    """title_holder() reads just what its message names, in one query."""
    factories.career(title="Data Engineer", slug="data-engineer")
    with django_assert_num_queries(1):
        holder = CareerPath(title="data engineer").title_holder()
        assert (holder.title, holder.slug) == ("Data Engineer", "data-engineer")


def test_a_title_with_a_nul_is_reported_not_compared(django_assert_num_queries):
    """A title holding NUL fails validation on the character; it is never
    compared in the database (PostgreSQL would refuse the query), nor is an
    empty one."""
    career = factories.career(title="Data Engineer")
    career.title = "Data\x00Engineer"
    with pytest.raises(ValidationError) as error:
        career.full_clean()
    assert error.value.message_dict == {
        "title": ["contains a control character (U+0000) at position 5"]
    }
    for title in ("Data\x00Engineer", ""):
        career.title = title
        with django_assert_num_queries(0):
            assert career.title_holder() is None


def test_a_guide_keeps_its_own_title():
    """Validating a saved guide finds neither itself nor guides with other
    titles."""
    factories.career(title="Data Analyst")
    factories.career(title="Data Engineer").full_clean()


def test_control_characters_fail_validation_with_their_place():
    """Each text field refuses control characters, saying which and where."""
    career = factories.career()
    career.summary = "abc\x0bdef"
    career.intro = "Line\r\nbreak\x00"
    with pytest.raises(ValidationError) as error:
        career.full_clean()
    assert error.value.message_dict == {
        "summary": ["contains a control character (U+000B) at position 4"],
        "intro": ["contains a control character (U+0000) at position 11"],
    }


def test_existing_duplicate_titles_are_retitled_by_the_migration():
    """Migration 0010 keeps a shared title on the oldest real guide and adds
    the slug to the others', so its constraint can be made on any database."""
    migration = importlib.import_module("careers.migrations.0010_plain_text_fields")
    with connection.cursor() as cursor:  # as before the migration
        cursor.execute("DROP INDEX careerpath_unique_real_title")
    first = factories.career(title="Data Engineer")
    second = factories.career(title="data engineer", slug="de-2")
    sample = factories.career(title="Data Engineer", is_sample=True)

    migration.retitle_duplicates(apps, None)

    titles = dict(CareerPath.objects.values_list("pk", "title"))
    assert titles[first.pk] == "Data Engineer"
    assert titles[second.pk] == "data engineer (de-2)"
    assert titles[sample.pk] == "Data Engineer"
    assert set(CareerPath.objects.values_list("rendered_version", flat=True)) != {""}


def test_quick_fact_choices_are_checked_by_the_database():
    """Work experience and on-the-job training hold one of their choices or
    nothing, however they are written."""
    career = factories.career()
    for field in ("work_experience", "on_the_job_training"):
        assert refused(
            lambda f=field: CareerPath.objects.filter(pk=career.pk).update(
                **{f: "lots"}
            )
        )
    CareerPath.objects.filter(pk=career.pk).update(
        work_experience="none", on_the_job_training="internship"
    )
