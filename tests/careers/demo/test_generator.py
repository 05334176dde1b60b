"""seed_synthetic: deterministic, idempotent sample careers, validated like files."""

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from careers import contentfiles
from careers.demo import generator, vocabulary
from careers.models import (
    CareerPath,
    CareerSkill,
    Category,
    EducationRequirement,
    Factor,
    Skill,
    Stage,
)
from tests import factories
from tests.conftest import MLOPS_FILE

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_synthetic", *args, stdout=out)
    return out.getvalue()


def seed_error(*args):
    with pytest.raises(CommandError) as error:
        seed(*args)
    return str(error.value)


def dumps():
    """Every sample career as its content file, by slug."""
    careers = CareerPath.objects.filter(is_sample=True).for_detail().order_by("slug")
    return {career.slug: contentfiles.dump_career(career) for career in careers}


def rows():
    """Every row id of every careers table, to prove nothing was added or lost."""
    return {
        name: [row["id"] for row in table]
        for name, table in factories.snapshot().items()
    }


def test_each_career_is_as_full_as_the_mlops_guide():
    """Each sample has 8 scores, 8 steps, 5 stages (6 on every sixth, with an
    hourly one), 6 skills and 4 education entries."""
    seed("--careers", "12")
    careers = CareerPath.objects.for_detail()
    sizes = {
        career.slug: [
            len(career.scores.all()),
            len(career.steps.all()),
            len(career.stages.all()),
            len(career.skills.all()),
            len(career.education.all()),
        ]
        for career in careers
    }
    assert len(sizes) == 12
    assert set(map(tuple, sizes.values())) == {(8, 8, 5, 6, 4), (8, 8, 6, 6, 4)}


def test_samples_are_scored_on_the_mlops_factors_in_its_order():
    """Every sample is scored on the MLOps guide's eight factors, in the same order."""
    mlops = yaml.safe_load(MLOPS_FILE.read_text())
    expected = [score["factor"] for score in mlops["good_career"]["scores"]]
    seed("--careers", "12")
    for career in CareerPath.objects.for_detail():
        assert [score.factor.name for score in career.scores.all()] == expected
    assert list(Factor.objects.values_list("name", flat=True)) == expected


def test_content_is_about_as_large_as_the_mlops_guide():
    """Each sample's content file is within a quarter of the MLOps file's size."""
    size = len(MLOPS_FILE.read_text())
    seed("--careers", "24")
    sizes = [len(text) for text in dumps().values()]
    assert len(sizes) == 24
    assert all(0.75 * size < sample < 1.25 * size for sample in sizes), sizes


def test_samples_are_published_marked_and_prefixed():
    """Samples are published, flagged is_sample, say so first, and use sample- slugs."""
    seed("--careers", "12")
    careers = CareerPath.objects.order_by("slug")
    assert careers.count() == 12
    assert all(career.slug.startswith("sample-") for career in careers)
    assert all(career.is_sample for career in careers)
    assert all(career.status == CareerPath.Status.PUBLISHED for career in careers)
    assert all(
        career.summary.startswith("Sample career for trying the portal. ")
        for career in careers
    )
    assert all("invented sample content" in career.intro for career in careers)
    assert set(Category.objects.values_list("name", flat=True)) == {
        "Data & AI",
        "Design",
        "Infrastructure",
        "Product",
        "Security",
        "Software",
    }
    assert careers.get(slug="sample-data-analyst").title == "Data Analyst"
    assert careers.get(slug="sample-interaction-designer").title_with_article == (
        "an Interaction Designer"
    )


def test_twelve_careers_show_every_salary_case():
    """Twelve samples hold 53 salary ranges (2 of them hourly, 51 with a
    median), 4 single figures, 2 open-ended ranges and 3 gaps."""
    seed("--careers", "12")
    stages = Stage.objects.all()
    assert stages.count() == 62
    ranges = stages.filter(salary_min__lt=F("salary_max"))
    assert ranges.count() == 53
    assert ranges.filter(pay_period="hour").count() == 2
    assert ranges.filter(salary_median__isnull=False).count() == 51
    assert stages.filter(salary_min=F("salary_max")).count() == 4
    assert stages.filter(salary_min__isnull=False, salary_max__isnull=True).count() == 2
    assert stages.filter(salary_min__isnull=True, salary_max__isnull=True).count() == 3
    assert set(stages.values_list("currency", "source__name", "source__country")) == {
        ("USD", "Invented sample figures", "US")
    }


def test_skills_are_shared_across_careers():
    """Samples draw on one pool of skills, so most skill pages list several careers."""
    seed("--careers", "12")
    skills = Skill.objects.annotate(careers_count=Count("careers"))
    assert set(skills.values_list("name", flat=True)) <= set(vocabulary.SKILLS)
    assert 20 <= len(vocabulary.SKILLS) <= 30
    assert CareerSkill.objects.count() == 72
    assert skills.count() == 27
    assert skills.filter(careers_count__gte=2).count() == 21
    assert skills.get(name="Communication").careers_count == 8


def test_education_kinds_are_varied():
    """Every sample lists at least three kinds of education; a run uses all four."""
    seed("--careers", "12")
    for career in CareerPath.objects.for_detail():
        kinds = [item.kind for item in career.education.all()]
        assert kinds[0] == "degree"
        assert len(set(kinds)) >= 3
    assert set(EducationRequirement.objects.values_list("kind", flat=True)) == {
        "degree",
        "certification",
        "course",
        "other",
    }


def test_same_count_and_seed_give_identical_content():
    """Seeding from scratch twice with one seed writes identical content files."""
    seed("--careers", "12", "--seed", "7")
    first = dumps()
    CareerPath.objects.filter(is_sample=True).delete()
    assert dumps() == {}
    seed("--careers", "12", "--seed", "7")
    assert dumps() == first
    assert len(first) == 12


def test_default_seed_is_one():
    """Without --seed the content is that of seed 1."""
    seed("--careers", "6")
    default = dumps()
    seed("--careers", "6", "--seed", "1")
    assert dumps() == default


def test_another_seed_changes_every_career_but_keeps_the_slugs():
    """A new seed rewrites the same sample careers in place with new content."""
    seed("--careers", "12", "--seed", "1")
    first = dumps()
    pks = sorted(CareerPath.objects.values_list("pk", flat=True))
    seed("--careers", "12", "--seed", "2")
    second = dumps()
    assert second.keys() == first.keys()
    assert [slug for slug in first if first[slug] == second[slug]] == []
    assert sorted(CareerPath.objects.values_list("pk", flat=True)) == pks


def test_running_twice_changes_nothing():
    """Re-seeding updates in place: the same rows, ids and content."""
    seed("--careers", "12")
    before, content_before = rows(), dumps()
    seed("--careers", "12")
    after = rows()
    assert {name: len(ids) for name, ids in after.items()} == {
        "CareerPath": 12,
        "CareerSkill": 72,
        "Category": 6,
        "EducationRequirement": 48,
        "Factor": 8,
        "FactorScore": 96,
        "SalarySource": 1,
        "Skill": 27,
        "Stage": 62,
        "ScoreCitation": 24,
        "ShareImage": 0,  # drawn on its first request
        "Source": 1,
        "Step": 96,
    }
    # Children are replaced, as for any content file; shared rows are kept.
    for name in ("CareerPath", "Category", "Factor", "SalarySource", "Skill"):
        assert after[name] == before[name]
    assert dumps() == content_before


def test_growing_the_count_keeps_the_first_samples():
    """A larger run starts with exactly the careers of a smaller one."""
    assert generator.generate(10, seed=3)[:5] == generator.generate(5, seed=3)


def test_more_careers_than_roles_are_numbered():
    """Past the role list, titles get a Roman numeral and slugs a number."""
    assert len(vocabulary.ROLES) == 24
    seed("--careers", "30")
    assert CareerPath.objects.filter(is_sample=True).count() == 30
    second = CareerPath.objects.get(slug="sample-data-analyst-2")
    assert second.title == "Data Analyst II"
    careers = generator.generate(1000)
    assert len({career["slug"] for career in careers}) == 1000
    assert careers[-1]["title"] == "Content Designer XLII"
    assert careers[-1]["slug"] == "sample-content-designer-42"


def test_mlops_guide_is_untouched(mlops):
    """Seeding leaves the real MLOps guide, its factors and its skills as they were."""
    before = contentfiles.dump_career(CareerPath.objects.for_detail().get(pk=mlops.pk))
    factors = list(Factor.objects.values_list("pk", "name", "position"))
    skills = list(mlops.skills.values_list("skill__pk", "skill__name"))
    seed("--careers", "12")
    after = contentfiles.dump_career(CareerPath.objects.for_detail().get(pk=mlops.pk))
    assert after == before == MLOPS_FILE.read_text()
    assert list(Factor.objects.values_list("pk", "name", "position")) == factors
    assert list(mlops.skills.values_list("skill__pk", "skill__name")) == skills
    assert list(CareerPath.objects.filter(is_sample=False)) == [mlops]
    assert CareerPath.objects.count() == 13


def test_mlops_import_after_seeding_is_unchanged(db):
    """Importing the MLOps guide after seeding still exports its file exactly."""
    seed("--careers", "12")
    call_command("import_careers", str(MLOPS_FILE), stdout=StringIO())
    mlops = CareerPath.objects.for_detail().get(slug="mlops-engineer")
    assert contentfiles.dump_career(mlops) == MLOPS_FILE.read_text()
    assert not mlops.is_sample


@pytest.mark.parametrize("count", ["0", "-1", "100001"])
def test_count_out_of_range_is_refused(count):
    """--careers must be from 1 to 100,000; nothing is written otherwise."""
    assert seed_error("--careers", count) == (
        f"--careers must be from 1 to 100000, not {count}."
    )
    assert CareerPath.objects.count() == 0


def test_count_must_be_a_number():
    """A non-numeric --careers is refused by the argument parser."""
    message = seed_error("--careers", "ten")
    assert message == "Error: argument --careers: invalid int value: 'ten'"


def test_real_career_with_a_sample_slug_is_not_overwritten():
    """A real career on a sample- slug stops the run before anything is written."""
    real = factories.career(slug="sample-data-analyst", title="Real Analyst")
    message = seed_error("--careers", "3")
    assert message == (
        "No sample careers were written; 1 problem(s):\n"
        "sample-data-analyst: slug: used by a real career"
    )
    real.refresh_from_db()
    assert (real.title, real.is_sample) == ("Real Analyst", False)
    assert list(CareerPath.objects.all()) == [real]


def test_samples_are_written_without_history():
    """Sample careers are generated again at will: seeding records no
    revision, unlike an import."""
    from reversion.models import Version

    seed("--careers", "3")

    assert CareerPath.objects.count() == 3
    assert not Version.objects.exists()


def test_command_reports_what_it_wrote():
    """The command names the count and seed; verbosity 2 lists every slug."""
    assert seed("--careers", "2", "--seed", "7") == (
        "Seeded 2 sample career path(s) with seed 7.\n"
    )
    out = StringIO()
    call_command("seed_synthetic", "--careers", "2", verbosity=2, stdout=out)
    assert out.getvalue() == (
        "Seeded sample-data-analyst\n"
        "Seeded sample-backend-developer\n"
        "Seeded 2 sample career path(s) with seed 1.\n"
    )
