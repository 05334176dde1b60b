"""contentfiles.import_files: what must differ between the files of one import,
the shared rows they create, and what a terminal is shown."""

import pytest
import reversion
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers import contentfiles
from careers.demo import generator
from careers.models import CareerPath, Category, Factor, SalarySource, Skill
from tests.conftest import MLOPS_FILE

pytestmark = pytest.mark.django_db


def career_file(tmp_path, name, **changes):
    data = yaml.safe_load(MLOPS_FILE.read_text()) | changes
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def import_problems(*paths):
    with pytest.raises(contentfiles.ContentError) as error:
        contentfiles.import_files(paths)
    return error.value.problems


def test_a_slug_taken_twice_names_the_first_file(tmp_path):
    """Every repeat of a slug points at the file that had it first."""
    paths = [
        career_file(tmp_path, f"{n}.yaml", title=f"Title {n}") for n in ("a", "b", "c")
    ]
    assert import_problems(*paths) == [
        "b.yaml: slug: 'mlops-engineer' is also the slug in a.yaml",
        "c.yaml: slug: 'mlops-engineer' is also the slug in a.yaml",
    ]


def test_a_title_taken_twice_names_the_first_file(tmp_path):
    """Titles of real guides differ in any case; each repeat names the first."""
    paths = [
        career_file(tmp_path, "a.yaml", slug="a"),
        career_file(tmp_path, "b.yaml", slug="b", title="MLOPS ENGINEER"),
        career_file(tmp_path, "c.yaml", slug="c", title="mlops engineer"),
    ]
    assert import_problems(*paths) == [
        "b.yaml: title: 'MLOPS ENGINEER' is also the title in a.yaml",
        "c.yaml: title: 'mlops engineer' is also the title in a.yaml",
    ]


def test_titles_differ_as_the_database_tells_them_apart(tmp_path):
    """Case aside, the database's lower() tells "Straße" from "Strasse": so
    does the import, which must not refuse what the database would keep."""
    paths = [
        career_file(tmp_path, "a.yaml", slug="a", title="Straße Planner"),
        career_file(tmp_path, "b.yaml", slug="b", title="STRASSE PLANNER"),
    ]
    contentfiles.import_files(paths)
    assert sorted(CareerPath.objects.values_list("title", flat=True)) == [
        "STRASSE PLANNER",
        "Straße Planner",
    ]


def test_samples_may_share_a_title_with_any_guide(tmp_path):
    """A sample's title is never taken, nor does it take one."""
    paths = [
        career_file(tmp_path, "sample.yaml", slug="s1", sample=True),
        career_file(tmp_path, "real.yaml", slug="real"),
        career_file(tmp_path, "sample2.yaml", slug="s2", sample=True),
    ]
    parsed = contentfiles.import_files(paths)
    assert [item.career.slug for item in parsed] == ["s1", "real", "s2"]


def test_shared_rows_are_created_once_for_every_file(tmp_path):
    """Two files naming the same new category, factors, skills and source
    share one row of each."""
    contentfiles.import_files(
        [
            career_file(tmp_path, "a.yaml", slug="a", title="A"),
            career_file(tmp_path, "b.yaml", slug="b", title="B"),
        ]
    )
    assert list(Category.objects.values_list("name", flat=True)) == ["Data & AI"]
    assert (Factor.objects.count(), Skill.objects.count()) == (8, 4)
    assert SalarySource.objects.count() == 1


def test_each_file_gets_the_category_it_names(tmp_path):
    contentfiles.import_files(
        [
            career_file(tmp_path, "a.yaml", slug="a", title="A", category="Design"),
            career_file(tmp_path, "b.yaml", slug="b", title="B", category="Data"),
            career_file(tmp_path, "c.yaml", slug="c", title="C", category="Design"),
        ]
    )
    categories = CareerPath.objects.order_by("slug").values_list("category__name")
    assert [name for (name,) in categories] == ["Design", "Data", "Design"]
    assert Category.objects.count() == 2


def test_a_new_factor_is_placed_after_the_existing_ones(tmp_path):
    Factor.objects.create(name="Commute", slug="commute", position=40)
    contentfiles.import_files([career_file(tmp_path, "a.yaml")])
    positions = Factor.objects.order_by("position").values_list("position", "name")
    assert list(positions)[:3] == [
        (40, "Commute"),
        (41, "Opportunities for Advancement"),
        (42, "Skill Development"),
    ]


def test_new_rows_get_readable_unique_slugs(tmp_path):
    """Slugs come from names, cut to 90 characters, "item" for a name with
    nothing to slugify, and numbered from -2 when taken."""
    data = yaml.safe_load(MLOPS_FILE.read_text())
    names = ["C++", "C", "C#", "!!!", "A" * 100]
    data["skills"]["items"] = [{"skill": name, "description": "S."} for name in names]
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    contentfiles.import_files([path])
    slugs = dict(Skill.objects.values_list("name", "slug"))
    assert [slugs[name] for name in names] == [
        "c",
        "c-2",
        "c-3",
        "item",
        "a" * 90,
    ]


def test_progress_is_shown_for_checking_and_writing(tmp_path):
    """A terminal sees the files counted as they are checked, then written."""
    shown = []

    def progress(items, **labels):
        items = list(items)
        shown.append((len(items), labels))
        return items

    contentfiles.import_files([career_file(tmp_path, "a.yaml")], progress=progress)
    assert shown == [
        (1, {"desc": "Checking", "unit": "file"}),
        (1, {"desc": "Writing"}),
    ]


def test_recording_history_costs_one_query_per_kind_of_child(tmp_path):
    """However many careers and children an import records, reversion reads
    them in one query per kind of child (scores with their factors), not one
    per career or per row."""
    files = []
    for item in generator.generate(3):
        path = tmp_path / f"{item['slug']}.yaml"
        path.write_text(yaml.safe_dump(item, allow_unicode=True, sort_keys=False))
        files.append(path)
    contentfiles.import_files(files)
    careers = list(CareerPath.objects.order_by("pk"))
    with reversion.create_revision():
        contentfiles.record_careers(careers[:1])  # Content types, cached from now on.
    careers = list(CareerPath.objects.order_by("pk"))

    with reversion.create_revision(), CaptureQueriesContext(connection) as queries:
        contentfiles.record_careers(careers)

    tables = [query["sql"].split(" FROM ")[1].split()[0] for query in queries]
    assert tables == [
        '"careers_factorscore"',
        '"careers_factor"',
        '"careers_step"',
        '"careers_stage"',
        '"careers_careerskill"',
        '"careers_educationrequirement"',
        '"careers_scorecitation"',
        '"careers_source"',
    ]
