"""Content files at their limits: a file of exactly CONTENT_FILE_MAX_BYTES is
read and one byte more is refused, on the command line and in the admin;
nesting 20 deep is read and 21 refused."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from careers.models import CareerPath
from tests.conftest import MLOPS_FILE

pytestmark = pytest.mark.django_db

LIMIT = 10 * 1024
IMPORT_URL = "/admin/careers/careerpath/import/"


def padded(size):
    """The MLOps file, padded with a comment to exactly `size` bytes."""
    text = MLOPS_FILE.read_bytes()
    padding = size - len(text) - 2
    assert padding > 0
    return text + b"#" + b" " * padding + b"\n"


def import_bytes(tmp_path, data, name="mlops.yaml"):
    path = tmp_path / name
    path.write_bytes(data)
    call_command("import_careers", str(path), stdout=StringIO())


def test_a_file_of_exactly_the_limit_imports(tmp_path, settings):
    settings.CONTENT_FILE_MAX_BYTES = LIMIT
    import_bytes(tmp_path, padded(LIMIT))
    assert CareerPath.objects.get().slug == "mlops-engineer"


def test_a_file_one_byte_over_the_limit_is_refused(tmp_path, settings):
    settings.CONTENT_FILE_MAX_BYTES = LIMIT
    with pytest.raises(CommandError) as error:
        import_bytes(tmp_path, padded(LIMIT + 1))
    assert str(error.value) == (
        "Nothing was imported; 1 problem(s) found:\n"
        "mlops.yaml: is 10.0 KB; a content file may be at most 10.0 KB "
        "(CONTENT_FILE_MAX_BYTES)"
    )
    assert not CareerPath.objects.exists()


def test_admin_holds_uploads_to_the_same_limit(admin_client, settings):
    """Exactly the limit is previewed; one byte more is a form error."""
    settings.CONTENT_FILE_MAX_BYTES = LIMIT

    def post(data):
        upload = SimpleUploadedFile("mlops.yaml", data, "application/yaml")
        return admin_client.post(IMPORT_URL, {"files": [upload]})

    assert "import-preview" in post(padded(LIMIT)).content.decode()
    response = post(padded(LIMIT + 1))
    assert response.context["form"].errors == {
        "files": ["mlops.yaml is 10.0\xa0KB; a content file may be at most 10.0\xa0KB."]
    }


def nested(lists):
    return f"slug: x\nsummary: {'[' * lists}{']' * lists}\n"


def import_text_error(tmp_path, text):
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    with pytest.raises(CommandError) as error:
        call_command("import_careers", str(path), stdout=StringIO())
    return str(error.value).splitlines()[1:]


def test_nesting_twenty_deep_is_read(tmp_path):
    """The file's mapping and 19 lists: 20 levels, read (then refused as text)."""
    assert "deep.yaml: summary: must be text, not [[[...]]]" in import_text_error(
        tmp_path, nested(19)
    )


def test_nesting_twenty_one_deep_is_refused_at_the_twenty_first(tmp_path):
    """The 20th list is the 21st level: refused there, by line and column."""
    assert import_text_error(tmp_path, nested(20)) == [
        "deep.yaml: line 2, column 29: lists and mappings nest over 20 deep in "
        "content files; write each value out in full"
    ]
