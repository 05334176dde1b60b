"""import_careers: validated, idempotent, all-or-nothing."""

from contextlib import contextmanager
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from reversion.models import Revision

from careers.models import (
    CareerPath,
    CareerSkill,
    Category,
    ContentChange,
    EducationRequirement,
    Factor,
    FactorScore,
    ScoreCitation,
    Skill,
    Stage,
    Step,
)
from tests import factories
from tests.conftest import MLOPS_FILE

pytestmark = pytest.mark.django_db

snapshot = factories.snapshot


def mlops_data():
    return yaml.safe_load(MLOPS_FILE.read_text())


def write(tmp_path, data, name="career.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run_import(*paths, **options):
    out = StringIO()
    call_command("import_careers", *map(str, paths), stdout=out, **options)
    return out.getvalue()


def import_error(*paths, **options):
    with pytest.raises(CommandError) as error:
        run_import(*paths, **options)
    return str(error.value)


def test_shipped_file_imports_every_fact(mlops):
    """The MLOps file lands whole: 8 scores, 8 steps, 5 stages, 4 skills, 4 degrees."""
    assert mlops.title == "MLOps Engineer"
    assert mlops.category.name == "Data & AI"
    assert mlops.status == CareerPath.Status.PUBLISHED
    assert list(
        mlops.scores.order_by("factor__position").values_list("factor__name", "score")
    ) == [
        ("Opportunities for Advancement", 9),
        ("Skill Development", 9),
        ("Industry Growth", 8),
        ("Stability", 8),
        ("Networking Opportunities", 8),
        ("Flexibility", 8),
        ("Salary and Benefits Progression", 8),
        ("Work-Life Balance", 7),
    ]
    assert list(
        mlops.stages.order_by("position").values_list(
            "title", "salary_min", "salary_max", "currency", "source__name"
        )
    ) == [
        ("Junior MLOps Engineer", None, None, "USD", "Talent.com"),
        ("MLOps Engineer", 131158, 200000, "USD", "Talent.com"),
        ("Senior MLOps Engineer", 165000, 207125, "USD", "Talent.com"),
        ("MLOps Team Lead", 137700, 137700, "USD", "Talent.com"),
        ("Director of MLOps", 198125, 237500, "USD", "Talent.com"),
    ]
    assert list(
        mlops.steps.order_by("position").values_list("position", flat=True)
    ) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
    ]
    assert mlops.steps.get(position=3).title == "Pursue Advanced Certifications"
    assert list(
        mlops.skills.order_by("position").values_list("skill__name", flat=True)
    ) == [
        "Machine Learning Theory",
        "Programming Languages",
        "DevOps Principles and Tools",
        "Data Structures and Algorithms",
    ]
    assert list(
        mlops.education.order_by("position").values_list("kind", flat=True)
    ) == ["degree", "degree", "degree", "certification"]
    assert mlops.good_career_summary.startswith("In summary, the journey")
    assert mlops.outlook.endswith("a fulfilling and influential career.")


def test_importing_twice_leaves_one_copy(mlops):
    """A re-import updates in place by slug, keeping the row and creation date."""
    before = snapshot()
    run_import(MLOPS_FILE)
    after = snapshot()
    assert CareerPath.objects.get().pk == mlops.pk
    assert CareerPath.objects.get().created == mlops.created
    for name in ("Category", "Factor", "Skill", "SalarySource"):
        assert after[name] == before[name]
    for model in (FactorScore, Step, Stage, CareerSkill, EducationRequirement):
        assert len(after[model.__name__]) == len(before[model.__name__])


def test_reimport_applies_changes(mlops, tmp_path):
    """Changed, added and removed entries in a file are reflected after import."""
    data = mlops_data()
    data["title"] = "MLOps Engineer (revised)"
    data["steps"]["items"] = data["steps"]["items"][:2]
    data["skills"]["items"].append(
        {"skill": "Kubernetes", "description": "Orchestration."}
    )
    run_import(write(tmp_path, data))
    mlops.refresh_from_db()
    assert mlops.title == "MLOps Engineer (revised)"
    assert mlops.steps.count() == 2
    entry = mlops.skills.get(position=5)
    assert (entry.skill.name, entry.heading) == ("Kubernetes", "Kubernetes")
    assert Skill.objects.get(name="Kubernetes").slug == "kubernetes"


def test_missing_categories_factors_and_skills_are_created(db):
    """Shared definitions named by a file are created, factors in file order."""
    run_import(MLOPS_FILE)
    assert Category.objects.get().slug == "data-ai"
    assert list(Factor.objects.values_list("position", "slug"))[:2] == [
        (1, "opportunities-for-advancement"),
        (2, "skill-development"),
    ]
    assert Skill.objects.count() == 4


def test_score_of_eleven_is_refused_with_its_path(mlops, tmp_path):
    """The message names the file, the field path and the problem."""
    data = mlops_data()
    data["good_career"]["scores"][2]["score"] = 11
    before = snapshot()
    message = import_error(write(tmp_path, data, "mlops.yaml"))
    assert (
        "mlops.yaml: good_career.scores[2].score: 11 is not between 1 and 10" in message
    )
    assert snapshot() == before


def test_minimum_above_maximum_is_refused_with_its_path(db, tmp_path):
    """An upside-down salary range names its stage and writes nothing."""
    data = mlops_data()
    data["progression"]["stages"][1]["salary_min"] = 250000
    message = import_error(write(tmp_path, data, "mlops.yaml"))
    assert (
        "mlops.yaml: progression.stages[1].salary_min: "
        "The minimum (250000) is above the maximum (200000)." in message
    )
    assert not any(snapshot().values())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("title"), "title: is required"),
        (lambda d: d.update(colour="blue"), "colour: unknown field"),
        (
            lambda d: d["good_career"]["scores"][0].update(score="nine"),
            "good_career.scores[0].score: must be a whole number, not 'nine'",
        ),
        (
            lambda d: d["good_career"]["scores"][4].update(factor="Stability"),
            "good_career.scores[4].factor: 'Stability' is already scored at "
            "good_career.scores[3]",
        ),
        (
            lambda d: d["progression"]["stages"][2].update(salary_median=1),
            "progression.stages[2].salary_median: A median needs both figures and "
            "must lie between them.",
        ),
        (
            lambda d: d["progression"]["stages"][2].update(salary_min=-5),
            "progression.stages[2].salary_min: Ensure this value is greater than or "
            "equal to 0.",
        ),
        (
            lambda d: d["progression"]["stages"][1].update(currency="dollars"),
            "progression.stages[1].currency:",
        ),
        (
            lambda d: d["education"]["items"][0].update(kind="apprenticeship"),
            "education.items[0].kind: Value 'apprenticeship' is not a valid choice.",
        ),
        (lambda d: d.update(status="secret"), "status: Value 'secret' is not a valid"),
        (lambda d: d.update(slug="not a slug"), "slug: Enter a valid “slug”"),
        (lambda d: d.update(steps=["a"]), "steps: must be a mapping"),
        (
            lambda d: d["progression"]["source"].update(retrieved_on="last May"),
            "progression.source.retrieved_on: must be a date written as YYYY-MM-DD",
        ),
    ],
    ids=[
        "missing-title",
        "unknown-field",
        "score-not-a-number",
        "factor-twice",
        "median-outside",
        "negative-salary",
        "bad-currency",
        "bad-kind",
        "bad-status",
        "bad-slug",
        "wrong-type",
        "bad-date",
    ],
)
def test_invalid_files_are_refused_with_a_clear_message(db, tmp_path, change, expected):
    """Each kind of mistake is reported with its path, and nothing is written."""
    data = mlops_data()
    change(data)
    message = import_error(write(tmp_path, data, "mlops.yaml"))
    assert f"mlops.yaml: {expected}" in message
    assert CareerPath.objects.count() == 0


def test_every_problem_is_reported_at_once(db, tmp_path):
    """All problems of all files are listed, so one run fixes them all."""
    data = mlops_data()
    data["good_career"]["scores"][0]["score"] = 0
    data["good_career"]["scores"][7]["score"] = 12
    message = import_error(write(tmp_path, data, "a.yaml"), tmp_path / "missing.yaml")
    assert "Nothing was imported; 3 problem(s) found:" in message
    assert "a.yaml: good_career.scores[0].score: 0 is not between 1 and 10" in message
    assert "a.yaml: good_career.scores[7].score: 12 is not between 1 and 10" in message
    assert "missing.yaml: cannot be read" in message


def test_one_bad_file_stops_every_file(mlops, tmp_path):
    """All-or-nothing: a valid file is not written when another file is invalid."""
    good = mlops_data()
    good["slug"], good["title"] = "data-engineer", "Data Engineer"
    bad = mlops_data()
    bad["summary"] = "Changed, but never saved."
    bad["good_career"]["scores"][0]["score"] = 11
    before = snapshot()
    import_error(write(tmp_path, good, "good.yaml"), write(tmp_path, bad, "bad.yaml"))
    assert snapshot() == before


def test_two_files_with_one_slug_are_refused(db, tmp_path):
    """Two files cannot both define the same career."""
    data = mlops_data()
    message = import_error(
        write(tmp_path, data, "one.yaml"), write(tmp_path, data, "two.yaml")
    )
    assert "two.yaml: slug: 'mlops-engineer' is also the slug in one.yaml" in message
    assert CareerPath.objects.count() == 0


def test_broken_yaml_is_reported(db, tmp_path):
    """A file that is not YAML, or not one mapping, is named in the error."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed\n")
    listed = tmp_path / "list.yaml"
    listed.write_text("- one\n- two\n")
    message = import_error(broken, listed)
    assert "broken.yaml: not valid YAML" in message
    assert "list.yaml: must hold one career path as a mapping" in message


def test_dry_run_validates_without_writing(db, tmp_path):
    """--dry-run reports success or problems but writes nothing."""
    output = run_import(MLOPS_FILE, dry_run=True)
    assert "Validated 1 career path(s). Nothing was written (--dry-run)." in output
    assert CareerPath.objects.count() == 0
    data = mlops_data()
    data["good_career"]["scores"][2]["score"] = 11
    message = import_error(write(tmp_path, data, "mlops.yaml"), dry_run=True)
    assert "good_career.scores[2].score: 11 is not between 1 and 10" in message


def test_skill_slug_collisions_get_a_suffix(db, tmp_path):
    """Two skill names with the same slug both import."""
    data = mlops_data()
    data["skills"]["items"] = [
        {"skill": "C++", "description": "Systems."},
        {"skill": "C", "description": "Also systems."},
    ]
    run_import(write(tmp_path, data))
    assert sorted(Skill.objects.values_list("slug", flat=True)) == ["c", "c-2"]


def test_every_imported_career_is_in_its_history(db, tmp_path, monkeypatch):
    """Revisions of a few careers each, every career with all its children,
    so each can be rolled back to its imported state."""
    from reversion.models import Version

    from careers import contentfiles
    from careers.demo import generator

    monkeypatch.setattr(contentfiles.writer, "REVISION_SIZE", 2)
    files = []
    for item in generator.generate(3):
        path = tmp_path / f"{item['slug']}.yaml"
        path.write_text(yaml.safe_dump(item, allow_unicode=True, sort_keys=False))
        files.append(str(path))
    call_command("import_careers", *files, stdout=StringIO())

    careers = list(CareerPath.objects.order_by("slug"))
    assert len(careers) == 3
    revisions = {}
    for career in careers:
        (version,) = Version.objects.get_for_object(career)
        rows = 1 + sum(
            getattr(career, name).count()
            for name in ("scores", "steps", "stages", "skills", "education")
        )
        # A score's sources go with it.
        rows += ScoreCitation.objects.filter(score__career=career).count()
        revisions[version.revision] = revisions.get(version.revision, 0) + rows
    names = [path.rsplit("/", 1)[1] for path in files]
    assert sorted(revision.get_comment() for revision in revisions) == sorted(
        [f"Imported from {names[0]}, {names[1]}", f"Imported from {names[2]}"]
    )
    for revision, rows in revisions.items():
        assert revision.version_set.count() == rows


REFUSAL = "refused by a test trigger"


@contextmanager
def database_refuses_career(slug):
    """Make the database itself refuse to insert the career with `slug`: a
    trigger, which no validation knows of. Dropped on exit, as a transactional
    test commits it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse_career() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER test_refuse_career BEFORE INSERT ON careers_careerpath "
                "FOR EACH ROW WHEN (NEW.slug = %s) "
                "EXECUTE FUNCTION test_refuse_career()",
                [slug],
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_refuse_career BEFORE INSERT ON careers_careerpath "
                f"WHEN NEW.slug = '{slug}' BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER test_refuse_career ON careers_careerpath")
                cursor.execute("DROP FUNCTION test_refuse_career()")
            else:
                cursor.execute("DROP TRIGGER test_refuse_career")


@pytest.mark.django_db(transaction=True)
def test_database_refusing_the_second_file_leaves_nothing_written(tmp_path):
    """All-or-nothing down to the database: when it refuses the second of two
    valid files, the first (written just before, in autocommit as in
    production) is rolled back with it, and the error says why."""
    first = mlops_data()
    first["slug"], first["title"] = "data-engineer", "Data Engineer"
    second = mlops_data()
    second["slug"], second["title"] = "refused-career", "Refused Career"
    files = [
        write(tmp_path, first, "first.yaml"),
        write(tmp_path, second, "second.yaml"),
    ]
    changes, revisions = ContentChange.objects.count(), Revision.objects.count()

    with database_refuses_career("refused-career"):
        message = import_error(*files)

    # PostgreSQL adds a CONTEXT line naming the trigger's function.
    assert message.splitlines()[:2] == [
        "Nothing was imported; 1 problem(s) found:",
        f"the database refused the import: {REFUSAL}",
    ]
    assert CareerPath.objects.count() == 0
    rows = {table: len(rows) for table, rows in snapshot().items()}
    assert rows == dict.fromkeys(rows, 0)
    assert ContentChange.objects.count() == changes
    assert Revision.objects.count() == revisions


def career_files(tmp_path, count):
    """`count` copies of the shipped guide under their own slugs and titles:
    one category, the same factors and skills."""
    paths = []
    for number in range(1, count + 1):
        data = mlops_data() | {"slug": f"copy-{number}", "title": f"Copy {number}"}
        paths.append(write(tmp_path, data, f"copy-{number}.yaml"))
    return paths


def test_import_files_records_history_only_when_asked(tmp_path):
    """Revisions are the command's and the admin's choice (`record`): the
    function alone writes the careers and no history."""
    from careers import contentfiles

    (path,) = career_files(tmp_path, 1)
    contentfiles.import_files([path])
    assert CareerPath.objects.filter(slug="copy-1").exists()
    assert not Revision.objects.exists()
    contentfiles.import_files([path], record=True)
    assert Revision.objects.get().get_comment() == "Imported from copy-1.yaml"


def test_shared_rows_are_looked_up_once_per_import(tmp_path):
    """Careers that share a category, factors and skills cost the lookups of
    one career, however many are imported."""
    from django.test.utils import CaptureQueriesContext

    from careers import contentfiles

    def lookups(paths):
        CareerPath.objects.all().delete()
        for model in (Category, Factor, Skill):
            model.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            contentfiles.import_files(paths)
        tables = ('"careers_category"', '"careers_factor"', '"careers_skill"')
        return sum(
            q["sql"].startswith("SELECT") and any(t in q["sql"] for t in tables)
            for q in queries.captured_queries
        )

    one, three = lookups(career_files(tmp_path, 1)), lookups(career_files(tmp_path, 3))
    assert one > 0
    assert three == one


def test_checking_a_file_costs_three_queries_whatever_it_holds(db):
    """The career under its slug, the title's holder and the slug's
    uniqueness: constraints are left to the database, which enforces them
    when the import writes, rather than a query per constraint per row."""
    from django.test.utils import CaptureQueriesContext

    from careers import contentfiles

    with CaptureQueriesContext(connection) as queries:
        contentfiles.parse_file(MLOPS_FILE)
    assert len(queries) == 3


def test_an_invalid_slug_is_never_looked_up(tmp_path):
    """PostgreSQL refuses a query holding NUL, so only a valid slug is
    looked up; an invalid one is reported."""
    from django.test.utils import CaptureQueriesContext

    from careers import contentfiles

    def slug_lookups(slug):
        path = write(tmp_path, mlops_data() | {"slug": slug})
        with CaptureQueriesContext(connection) as queries:
            try:
                contentfiles.parse_file(path)
            except contentfiles.ContentError as error:
                problems = error.problems
            else:
                problems = []
        lookups = [
            q
            for q in queries.captured_queries
            if '"careers_careerpath"."slug" =' in q["sql"]
        ]
        return len(lookups), problems

    assert slug_lookups("a-slug") == (2, [])
    count, problems = slug_lookups("not a slug!")
    assert count == 0
    assert len(problems) == 1 and problems[0].startswith("career.yaml: slug: ")
