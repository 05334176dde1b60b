"""contentfiles.export_careers: files that already hold the same are left alone,
anything else in the way stops the export, and text is written as written."""

import datetime
import locale
import os
from zoneinfo import ZoneInfo

import pytest
import yaml

from careers import contentfiles
from careers.models import CareerPath
from tests import factories

pytestmark = pytest.mark.django_db

CAREER_SECTIONS = ["good_career", "steps", "progression", "skills", "education"]


def test_an_identical_file_is_left_as_it_is(mlops, tmp_path):
    """Exporting over the same content does not rewrite the file."""
    path = tmp_path / "mlops-engineer.yaml"
    contentfiles.export_careers(tmp_path)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert contentfiles.export_careers(tmp_path) == [path]
    assert path.stat().st_mtime == 1_000_000_000


@pytest.mark.parametrize("obstacle", ["directory", "dangling-link", "other-text"])
def test_anything_else_in_the_way_stops_the_export(mlops, tmp_path, obstacle):
    """By default a directory, a dangling link or other text at a file's path
    is a conflict, named by the exception, and nothing is written."""
    factories.career(slug="other")
    path = tmp_path / "mlops-engineer.yaml"
    if obstacle == "directory":
        path.mkdir()
    elif obstacle == "dangling-link":
        path.symlink_to(tmp_path / "nowhere")
    else:
        path.write_text("slug: mlops-engineer\n")
    with pytest.raises(contentfiles.ExportConflict) as conflict:
        contentfiles.export_careers(tmp_path)
    assert conflict.value.paths == [path]
    assert str(conflict.value) == str(path)
    assert not (tmp_path / "other.yaml").exists()


def test_a_conflict_names_every_file_in_the_way(mlops, tmp_path):
    factories.career(slug="other")
    for name in ("mlops-engineer.yaml", "other.yaml"):
        (tmp_path / name).write_text("edited\n")
    with pytest.raises(contentfiles.ExportConflict) as conflict:
        contentfiles.export_careers(tmp_path)
    assert str(conflict.value) == (
        f"{tmp_path / 'mlops-engineer.yaml'}, {tmp_path / 'other.yaml'}"
    )


def test_export_creates_missing_directories(mlops, tmp_path):
    directory = tmp_path / "a" / "b"
    assert contentfiles.export_careers(directory) == [directory / "mlops-engineer.yaml"]
    assert (directory / "mlops-engineer.yaml").is_file()


def test_text_beyond_ascii_is_written_as_is(db, tmp_path):
    """Accents and symbols stay readable in the file, in UTF-8."""
    factories.career(slug="cafe", title="Café Owner – Barista", summary="Crème brûlée.")
    (path,) = contentfiles.export_careers(tmp_path)
    text = path.read_bytes().decode("utf-8")
    assert "title: Café Owner – Barista\n" in text
    assert "summary: Crème brûlée.\n" in text
    assert yaml.safe_load(text)["title"] == "Café Owner – Barista"


def test_files_are_utf8_whatever_the_locale(db, tmp_path):
    """A server whose locale is plain ASCII still writes UTF-8 files."""
    factories.career(slug="cafe", title="Café Owner")
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        assert locale.getpreferredencoding(False) == "ANSI_X3.4-1968"
        (path,) = contentfiles.export_careers(tmp_path)
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert "title: Café Owner\n" in path.read_bytes().decode("utf-8")


def test_progress_is_shown_while_exporting(mlops, tmp_path):
    shown = []

    def progress(items, **labels):
        items = list(items)
        shown.append((len(items), labels))
        return items

    contentfiles.export_careers(tmp_path, progress=progress)
    assert shown == [(1, {"desc": "Exporting"})]


def exported(career):
    return yaml.safe_load(
        contentfiles.dump_career(CareerPath.objects.for_detail().get(pk=career.pk))
    )


def test_a_bare_career_leaves_out_blank_text_and_imports_again(db, tmp_path):
    """Blank intros and outros are left out, but every list is required, so a
    career without children writes empty ones: its file imports back as it was."""
    career = factories.career(slug="bare", title="Bare")
    (path,) = contentfiles.export_careers(tmp_path)
    data = yaml.safe_load(path.read_text())
    assert {key: data[key] for key in CAREER_SECTIONS} == {
        "good_career": {"scores": [], "summary": "In summary, a good career."},
        "steps": {"items": []},
        "progression": {"stages": []},
        "skills": {"items": []},
        "education": {"items": []},
    }
    before = path.read_text()
    career.delete()
    contentfiles.import_files([path])
    assert contentfiles.export_careers(tmp_path / "again")[0].read_text() == before


def test_one_stage_with_a_source_shares_it(db):
    """Stages that all cite one source (even one stage) cite it once, above them."""
    career = factories.career(slug="one")
    factories.stage(career, 1, source=factories.source(url="https://a.example/"))
    data = exported(career)
    assert data["progression"] == {
        "source": {"name": "Talent.com", "url": "https://a.example/"},
        "stages": [{"title": "Stage 1", "description": "A rung."}],
    }


def test_dates_times_and_sample_are_written(db, settings):
    """A reviewed, scheduled sample: its time in UTC under any TIME_ZONE."""
    settings.TIME_ZONE = "Europe/Paris"
    moment = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    career = factories.career(
        slug="later",
        publish_at=moment,
        is_sample=True,
        last_reviewed=datetime.date(2026, 1, 31),
    )
    text = contentfiles.dump_career(CareerPath.objects.for_detail().get(pk=career.pk))
    assert "\npublish_at: 2026-03-01 08:30:00+00:00\n" in text
    assert "\nsample: true\n" in text
    assert "\nlast_reviewed: 2026-01-31\n" in text
