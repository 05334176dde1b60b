"""export_careers writes the import format, and round trips are lossless."""

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from careers.models import CareerPath
from tests import factories
from tests.conftest import MLOPS_FILE

pytestmark = pytest.mark.django_db


def export(directory, *slugs):
    args = [arg for slug in slugs for arg in ("--slug", slug)]
    call_command("export_careers", *args, "--output", str(directory), stdout=StringIO())
    return {path.name: path.read_text() for path in sorted(directory.iterdir())}


def reimport_into_empty_database(files, directory):
    CareerPath.objects.all().delete()
    for model in ("Category", "Factor", "Skill", "SalarySource"):
        CareerPath._meta.apps.get_model("careers", model).objects.all().delete()
    paths = [directory / name for name in files]
    call_command("import_careers", *map(str, paths), stdout=StringIO())


def test_shipped_file_is_exactly_what_export_writes(mlops, tmp_path):
    """The shipped content file is in canonical form: export reproduces it."""
    files = export(tmp_path)
    assert files == {"mlops-engineer.yaml": MLOPS_FILE.read_text()}


def test_export_import_export_is_identical(mlops, tmp_path):
    """Exporting, importing into an empty database and exporting again matches."""
    first = export(tmp_path / "first")
    reimport_into_empty_database(first, tmp_path / "first")
    assert CareerPath.objects.get().pk != mlops.pk
    assert export(tmp_path / "second") == first


def test_round_trip_keeps_unusual_content(db, tmp_path):
    """Drafts, per-stage sources, currencies, dates and blank intros survive."""
    career = factories.career(slug="odd", status=CareerPath.Status.DRAFT, article="an")
    survey = factories.source(name="Survey", url="https://example.org/s")
    dated = factories.source(
        name="Talent.com", url="https://www.talent.com/", retrieved_on="2026-01-31"
    )
    factories.stage(
        career, 1, salary_min=10, salary_max=20, currency="EUR", source=survey
    )
    factories.stage(career, 2, salary_min=30, salary_max=30, source=dated)
    factories.stage(career, 3)
    factories.step(career, 7, text="Line one.\n\nLine two: with a colon.")
    factories.score(career, score=1, reason="Quotes ' and \" and # hash.")
    factories.career_skill(career, 4, title="Custom heading")
    factories.education(career, 9, kind="course")

    first = export(tmp_path / "first", "odd")
    data = yaml.safe_load(first["odd.yaml"])
    assert data["status"] == "draft"
    assert "source" not in data["progression"]
    assert data["progression"]["stages"][1]["source"]["retrieved_on"].isoformat() == (
        "2026-01-31"
    )
    assert "salary_min" not in data["progression"]["stages"][2]
    assert "Line one.\n\nLine two" in first["odd.yaml"].replace("  ", "")

    reimport_into_empty_database(first, tmp_path / "first")
    assert export(tmp_path / "second") == first


def test_export_selected_slugs_only(mlops, tmp_path):
    """--slug limits the export; an unknown slug is an error."""
    factories.career(slug="other")
    assert list(export(tmp_path / "one", "other")) == ["other.yaml"]
    assert sorted(export(tmp_path / "all")) == ["mlops-engineer.yaml", "other.yaml"]
    with pytest.raises(CommandError, match="No career path with slug: nope"):
        export(tmp_path / "none", "nope")


def run_export(directory, *options):
    out, err = StringIO(), StringIO()
    call_command(
        "export_careers", "--output", str(directory), *options, stdout=out, stderr=err
    )
    return out.getvalue()


def test_export_prints_each_written_path_and_nothing_else(mlops, tmp_path):
    """stdout is the output only: one path per line, for scripts."""
    factories.career(slug="other")
    assert run_export(tmp_path).splitlines() == [
        str(tmp_path / "mlops-engineer.yaml"),
        str(tmp_path / "other.yaml"),
    ]


def test_export_refuses_to_overwrite_a_different_file(mlops, tmp_path):
    """A file of the same name holding something else stops the export: it
    names the file, exits non-zero and writes nothing at all."""
    factories.career(slug="other")
    (tmp_path / "mlops-engineer.yaml").write_text("slug: mlops-engineer\n")
    with pytest.raises(CommandError) as error:
        run_export(tmp_path)
    assert str(error.value) == (
        f"Nothing was exported; 1 file(s) in {tmp_path} already hold something "
        "else (--force overwrites them):\n" + str(tmp_path / "mlops-engineer.yaml")
    )
    assert error.value.returncode == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mlops-engineer.yaml"]
    assert (tmp_path / "mlops-engineer.yaml").read_text() == "slug: mlops-engineer\n"


def test_export_over_an_identical_file_is_fine(mlops, tmp_path):
    """Exporting again into the same directory, unchanged, succeeds."""
    run_export(tmp_path)
    assert run_export(tmp_path).splitlines() == [str(tmp_path / "mlops-engineer.yaml")]
    assert (tmp_path / "mlops-engineer.yaml").read_text() == MLOPS_FILE.read_text()


def test_export_force_overwrites(mlops, tmp_path):
    """--force replaces a file that holds something else."""
    (tmp_path / "mlops-engineer.yaml").write_text("edited by hand\n")
    run_export(tmp_path, "--force")
    assert (tmp_path / "mlops-engineer.yaml").read_text() == MLOPS_FILE.read_text()
