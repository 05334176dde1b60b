"""The admin's content-file pages: export selected careers, preview and import."""

import importlib
import io
import re
import zipfile
from html.parser import HTMLParser

import pytest
import yaml
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from reversion.models import Revision, Version

from careers import contentfiles
from careers.models import CareerPath, ContentChange
from tests import factories
from tests.careers.contentfiles.test_import_command import (
    REFUSAL,
    database_refuses_career,
)
from tests.conftest import MLOPS_FILE

pytestmark = pytest.mark.django_db

CHANGELIST_URL = "/admin/careers/careerpath/"
IMPORT_URL = "/admin/careers/careerpath/import/"
TOKEN_RE = re.compile(r'<input type="hidden" name="confirm" value="([^"]+)">')
CHILDREN = ["scores", "steps", "stages", "skills", "education"]
ROLES_MIGRATION = importlib.import_module(
    "careers.migrations.0004_editor_and_publisher_roles"
)


class TableParser(HTMLParser):
    """The text of each cell of each body row of the table with `table_id`."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # Inside the table while positive.
        self.in_body = self.in_details = False
        self.rows, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.depth = 1
        elif self.depth and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th"):
            self.cell = []
        elif self.cell is not None and tag == "details":
            self.in_details = True

    def handle_endtag(self, tag):
        if self.depth and tag == "table":
            self.depth = 0
        elif tag == "tbody":
            self.in_body = False
        elif tag == "details":
            self.in_details = False
        elif self.cell is not None and tag in ("td", "th"):
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and not self.in_details:
            self.cell.append(data)


def table(response, table_id):
    parser = TableParser(table_id)
    parser.feed(response.content.decode())
    return parser.rows


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def mlops_yaml(**changes):
    """The shipped MLOps file with top-level fields changed."""
    data = yaml.safe_load(MLOPS_FILE.read_text()) | changes
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def new_career_yaml(slug="data-wrangler", title="Data Wrangler"):
    return mlops_yaml(slug=slug, title=title)


def invalid_yaml():
    """The MLOps file with its third factor scored 11."""
    data = yaml.safe_load(MLOPS_FILE.read_text())
    data["good_career"]["scores"][2]["score"] = 11
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def upload(name, text):
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="application/yaml")


def post_files(client, *files):
    return client.post(IMPORT_URL, {"files": list(files)})


def token_of(response):
    return TOKEN_RE.search(response.content.decode()).group(1)


def child_counts(career):
    return {name: getattr(career, name).count() for name in CHILDREN}


def role(name):
    """A group the data migration creates, made again by the migration's own
    function: transactional tests flush every table, migration rows included,
    so no test may count on finding it."""
    ROLES_MIGRATION.create_roles(apps, None)
    return Group.objects.get(name=name)


def staff_user(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="careers", codename__in=codenames
        )
    )
    return user


# Export


def export(client, *careers):
    return client.post(
        CHANGELIST_URL,
        {
            "action": "export_yaml",
            "index": 0,
            "_selected_action": [career.pk for career in careers],
        },
    )


def test_exporting_one_career_downloads_its_content_file(admin_client, mlops):
    """One selected career downloads as `<slug>.yaml`, the shipped file exactly."""
    response = export(admin_client, mlops)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="mlops-engineer.yaml"'
    )
    assert response.content.decode() == MLOPS_FILE.read_text()


def test_exporting_several_careers_downloads_a_zip(admin_client, mlops):
    """Several careers download as careers.zip holding one file per slug."""
    other = factories.full_career(size=2, slug="another")

    response = export(admin_client, mlops, other)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="careers.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["another.yaml", "mlops-engineer.yaml"]
    for career in CareerPath.objects.for_detail():
        text = archive.read(f"{career.slug}.yaml").decode()
        assert text == contentfiles.dump_career(career)


# The import page


def test_import_page_loads_for_admins(admin_client, db):
    """The page has a labelled multiple-file upload in the admin's layout."""
    response = admin_client.get(IMPORT_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Import careers</h1>" in html
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_files">' in html
    assert re.search(r'<input type="file" name="files"[^>]* multiple', html)
    assert f'<a href="{CHANGELIST_URL}">Career paths</a>' in html
    assert "<style" not in html
    assert "<script>" not in html


def test_import_page_is_forbidden_without_add_permission(client, django_user_model):
    """Staff who may only view and change careers cannot import."""
    client.force_login(
        staff_user(django_user_model, "viewer", "view_careerpath", "change_careerpath")
    )

    assert client.get(IMPORT_URL).status_code == 403
    assert post_files(client, upload("a.yaml", new_career_yaml())).status_code == 403
    assert client.post(IMPORT_URL, {"confirm": "x"}).status_code == 403


def test_import_page_is_forbidden_without_change_permission(client, django_user_model):
    """Import updates careers in place, so it needs change permission as well."""
    client.force_login(
        staff_user(django_user_model, "adder", "view_careerpath", "add_careerpath")
    )

    assert client.get(IMPORT_URL).status_code == 403


def test_changelist_links_to_the_import_page_for_admins(admin_client, db):
    """The changelist's object tools offer "Import careers" beside the others."""
    html = admin_client.get(CHANGELIST_URL).content.decode()

    assert f'<a href="{IMPORT_URL}">Import careers</a>' in html
    assert "recoverlink" in html  # django-reversion's own tool is still there.


def test_changelist_hides_the_import_link_from_viewers(client, django_user_model):
    """Staff without add permission do not see the link."""
    client.force_login(staff_user(django_user_model, "viewer", "view_careerpath"))

    response = client.get(CHANGELIST_URL)

    assert response.status_code == 200
    assert "Import careers" not in response.content.decode()


def test_upload_without_csrf_token_is_refused(admin_user):
    """The upload is an ordinary admin form, protected against CSRF."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = post_files(client, upload("a.yaml", new_career_yaml()))

    assert response.status_code == 403
    assert not CareerPath.objects.exists()


# Validation


def test_invalid_file_is_reported_and_nothing_is_written(admin_client, mlops):
    """Each problem is a row: file, field path and message; nothing is saved."""
    before = factories.snapshot()

    response = post_files(admin_client, upload("mlops.yaml", invalid_yaml()))

    assert response.status_code == 200
    assert table(response, "import-problems") == [
        ["mlops.yaml", "good_career.scores[2].score", "11 is not between 1 and 10"]
    ]
    assert "import-confirm" not in response.content.decode()
    assert "careers_import" not in admin_client.session
    assert factories.snapshot() == before


def test_one_invalid_file_stops_every_file(admin_client, mlops):
    """A valid file uploaded with an invalid one is not imported either."""
    before = factories.snapshot()

    response = post_files(
        admin_client,
        upload("data-wrangler.yaml", new_career_yaml()),
        upload("mlops.yaml", invalid_yaml()),
    )

    assert table(response, "import-problems") == [
        ["mlops.yaml", "good_career.scores[2].score", "11 is not between 1 and 10"]
    ]
    assert "import-preview" not in response.content.decode()
    assert factories.snapshot() == before


def test_two_files_with_one_slug_are_refused(admin_client, db):
    """Slugs must differ across the files of one upload."""
    response = post_files(
        admin_client,
        upload("one.yaml", new_career_yaml()),
        upload("two.yaml", new_career_yaml(title="Another title")),
    )

    assert table(response, "import-problems") == [
        ["two.yaml", "slug", "'data-wrangler' is also the slug in one.yaml"]
    ]
    assert not CareerPath.objects.exists()


def test_broken_yaml_is_reported_without_a_field_path(admin_client, db):
    """A file that is not YAML at all gets a row with no field path."""
    response = post_files(admin_client, upload("broken.yaml", "slug: [unclosed\n"))

    [[filename, path, message]] = table(response, "import-problems")
    assert (filename, path) == ("broken.yaml", "—")
    assert message.startswith("not valid YAML: ")


def test_non_utf8_file_is_reported(admin_client, mlops):
    """Bytes that are not UTF-8 get a clear message, in upload order; no writes."""
    before = factories.snapshot()
    latin1 = new_career_yaml(title="Café Owner").encode("latin-1")

    response = post_files(
        admin_client,
        upload("mlops.yaml", invalid_yaml()),
        upload("cafe.yaml", latin1),
    )

    assert table(response, "import-problems") == [
        ["mlops.yaml", "good_career.scores[2].score", "11 is not between 1 and 10"],
        [
            "cafe.yaml",
            "—",
            "cannot be read: it is not UTF-8 text (line 2); save it as UTF-8 and "
            "upload it again",
        ],
    ]
    assert factories.snapshot() == before


def test_upload_without_files_is_a_form_error(admin_client, db):
    response = admin_client.post(IMPORT_URL, {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"files": ["This field is required."]}


def test_too_many_files_are_refused(admin_client, db):
    """At most 50 files at once."""
    files = [upload(f"career-{n}.yaml", new_career_yaml()) for n in range(51)]

    response = post_files(admin_client, *files)

    assert response.context["form"].errors == {
        "files": ["Upload at most 50 files at once; you chose 51."]
    }


def test_oversized_file_is_refused_by_name(admin_client, db):
    """A file over 1 MB is named in the error; nothing is parsed."""
    big = new_career_yaml() + "#" * (1024 * 1024)

    response = post_files(admin_client, upload("big.yaml", big))

    [error] = response.context["form"].errors["files"]
    assert error.startswith("big.yaml is 1.0\xa0MB; a content file may be at most")


def test_empty_file_is_refused_by_name(admin_client, db):
    response = post_files(admin_client, upload("empty.yaml", b""))

    assert response.context["form"].errors == {
        "files": ["empty.yaml: The submitted file is empty."]
    }


def test_editors_cannot_publish_through_an_import(client, django_user_model, db):
    """As in the change form, only publishers may set a career's status."""
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(role("Editor"))
    client.force_login(editor)

    response = post_files(client, upload("data-wrangler.yaml", new_career_yaml()))

    assert table(response, "import-problems") == [
        [
            "data-wrangler.yaml",
            "status",
            "only publishers can change the status; keep it 'draft'",
        ]
    ]
    draft = mlops_yaml(slug="data-wrangler", title="Data Wrangler", status="draft")
    response = post_files(client, upload("data-wrangler.yaml", draft))
    assert table(response, "import-preview")[0][3] == "Will be created"


# Preview and confirmation


def test_new_career_is_previewed_as_created_and_not_written(admin_client, mlops):
    """The preview says what will happen; nothing is saved until confirmed."""
    before = factories.snapshot()

    response = post_files(admin_client, upload("data-wrangler.yaml", new_career_yaml()))

    assert response.status_code == 200
    assert table(response, "import-preview") == [
        [
            "data-wrangler.yaml",
            "data-wrangler",
            "Data Wrangler",
            "Will be created",
            "New career path",
        ]
    ]
    assert factories.snapshot() == before


def test_preview_carries_only_a_token(admin_client, db):
    """The uploaded text stays on the server; the page holds a random token."""
    text = new_career_yaml()

    response = post_files(admin_client, upload("data-wrangler.yaml", text))

    html = response.content.decode()
    token = token_of(response)
    assert len(token) >= 32
    assert "<textarea" not in html
    assert "pioneers bridging the gap" not in html
    assert admin_client.session["careers_import"] == {
        "token": token,
        "files": [["data-wrangler.yaml", text]],
    }


def test_confirming_imports_the_career_with_a_revision(admin_client, admin_user, mlops):
    """Confirmation writes the career and every child, as one revision."""
    preview = post_files(admin_client, upload("data-wrangler.yaml", new_career_yaml()))

    response = admin_client.post(IMPORT_URL, {"confirm": token_of(preview)})

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST_URL
    assert messages_of(response) == ["Imported 1 career path: Data Wrangler."]
    career = CareerPath.objects.get(slug="data-wrangler")
    assert career.title == "Data Wrangler"
    assert child_counts(career) == child_counts(mlops)
    expected = (
        MLOPS_FILE.read_text()
        .replace("\nslug: mlops-engineer\n", "\nslug: data-wrangler\n")
        .replace("\ntitle: MLOps Engineer\n", "\ntitle: Data Wrangler\n")
    )
    exported = CareerPath.objects.for_detail().get(pk=career.pk)
    assert contentfiles.dump_career(exported) == expected
    versions = Version.objects.get_for_object(career)
    assert versions.count() == 1
    revision = versions.get().revision
    assert revision.user == admin_user
    assert revision.comment == "Imported from data-wrangler.yaml"
    # The revision holds the children as written, so it can be reverted whole.
    assert revision.version_set.count() == 1 + sum(child_counts(career).values())
    assert "careers_import" not in admin_client.session


def test_reposting_a_confirmation_applies_nothing(admin_client, mlops):
    """A second identical confirmation changes nothing and says why."""
    preview = post_files(admin_client, upload("data-wrangler.yaml", new_career_yaml()))
    token = token_of(preview)
    admin_client.post(IMPORT_URL, {"confirm": token}, follow=True)
    after_first = factories.snapshot()

    response = admin_client.post(IMPORT_URL, {"confirm": token}, follow=True)

    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert messages_of(response) == [
        "That import was already applied, or it has expired. Nothing was imported "
        "this time; upload the files again if needed."
    ]
    assert factories.snapshot() == after_first
    career = CareerPath.objects.get(slug="data-wrangler")
    assert Version.objects.get_for_object(career).count() == 1


def test_a_forged_token_applies_nothing(admin_client, mlops):
    """Only the token the server issued confirms the stored upload."""
    post_files(admin_client, upload("data-wrangler.yaml", new_career_yaml()))
    before = factories.snapshot()

    admin_client.post(IMPORT_URL, {"confirm": "forged"})

    assert factories.snapshot() == before
    assert "careers_import" not in admin_client.session


def test_confirmation_validates_again(admin_client, mlops):
    """The stored text is parsed again on confirmation, never trusted as previewed."""
    preview = post_files(admin_client, upload("data-wrangler.yaml", new_career_yaml()))
    session = admin_client.session
    session["careers_import"]["files"][0][1] = mlops_yaml(
        slug="data-wrangler", title="Data Wrangler", summary="x" * 301
    )
    session.save()
    before = factories.snapshot()

    response = admin_client.post(IMPORT_URL, {"confirm": token_of(preview)})

    assert response.status_code == 200
    assert table(response, "import-problems") == [
        [
            "data-wrangler.yaml",
            "summary",
            "Ensure this value has at most 300 characters (it has 301).",
        ]
    ]
    assert factories.snapshot() == before


def test_updating_a_career_previews_the_changes_and_keeps_its_row(admin_client, mlops):
    """An existing slug is updated in place, after a preview of what changes."""
    text = mlops_yaml(summary="A shorter summary.")

    preview = post_files(admin_client, upload("mlops-engineer.yaml", text))

    [row] = table(preview, "import-preview")
    assert row == [
        "mlops-engineer.yaml",
        "mlops-engineer",
        "MLOps Engineer",
        "Will be updated",
        "Changed: summary. Lines added: 1, removed: 2.",
    ]
    assert "+summary: A shorter summary." in preview.content.decode()
    assert CareerPath.objects.get().summary != "A shorter summary."

    response = admin_client.post(IMPORT_URL, {"confirm": token_of(preview)})

    assert messages_of(response) == ["Imported 1 career path: MLOps Engineer."]
    career = CareerPath.objects.get()
    assert career.pk == mlops.pk
    assert career.created == mlops.created
    assert career.summary == "A shorter summary."
    assert child_counts(career) == child_counts(mlops)
    # The newest revision is the admin import (the fixture's own import is older).
    assert Version.objects.get_for_object(career).first().revision.comment == (
        "Imported from mlops-engineer.yaml"
    )


def test_unchanged_file_is_previewed_as_no_changes(admin_client, mlops):
    response = post_files(
        admin_client, upload("mlops-engineer.yaml", MLOPS_FILE.read_text())
    )

    assert table(response, "import-preview")[0][3:] == ["Will be updated", "No changes"]


def test_several_files_are_imported_together(admin_client, mlops):
    """One confirmation imports every file, named in one revision comment."""
    preview = post_files(
        admin_client,
        upload("mlops-engineer.yaml", mlops_yaml(summary="Changed.")),
        upload("data-wrangler.yaml", new_career_yaml()),
    )
    assert [row[3] for row in table(preview, "import-preview")] == [
        "Will be updated",
        "Will be created",
    ]

    response = admin_client.post(IMPORT_URL, {"confirm": token_of(preview)})

    assert messages_of(response) == [
        "Imported 2 career paths: MLOps Engineer, Data Wrangler."
    ]
    assert CareerPath.objects.count() == 2
    [revision] = {
        Version.objects.get_for_object(career).first().revision
        for career in CareerPath.objects.all()
    }
    assert revision.comment == ("Imported from mlops-engineer.yaml, data-wrangler.yaml")


def test_the_admin_log_says_which_careers_an_import_added_and_which_it_changed(
    admin_client, mlops
):
    """A new career is logged as added, an updated one as changed, each
    with the import's comment: the admin's history tells them apart."""
    preview = post_files(
        admin_client,
        upload("mlops-engineer.yaml", mlops_yaml(summary="Changed.")),
        upload("data-wrangler.yaml", new_career_yaml()),
    )
    admin_client.post(IMPORT_URL, {"confirm": token_of(preview)})

    entries = {
        entry.object_repr: (entry.action_flag, entry.change_message)
        for entry in LogEntry.objects.all()
    }
    comment = "Imported from mlops-engineer.yaml, data-wrangler.yaml"
    assert entries == {
        "MLOps Engineer": (CHANGE, comment),
        "Data Wrangler": (ADDITION, comment),
    }


@pytest.mark.django_db(transaction=True)
def test_database_refusal_on_confirmation_writes_nothing(admin_client, mlops):
    """If the database itself refuses the second file as the import is
    confirmed, the first (an update, written just before) is rolled back with
    it: no career, child, history or log entry changes, and the page says why."""
    preview = post_files(
        admin_client,
        upload("mlops-engineer.yaml", mlops_yaml(summary="Changed.")),
        upload("data-wrangler.yaml", new_career_yaml()),
    )
    before = factories.snapshot()
    counts = [
        model.objects.count() for model in (ContentChange, Version, Revision, LogEntry)
    ]

    with database_refuses_career("data-wrangler"):
        response = admin_client.post(IMPORT_URL, {"confirm": token_of(preview)})

    assert response.status_code == 200
    [note] = re.findall(r'<p class="errornote">([^<]*)</p>', response.content.decode())
    # PostgreSQL adds a CONTEXT line naming the trigger's function.
    assert note.splitlines()[0] == (
        f"The database refused the import, so nothing was saved: {REFUSAL}"
    )
    assert factories.snapshot() == before
    assert [
        model.objects.count() for model in (ContentChange, Version, Revision, LogEntry)
    ] == counts


def refuse_category(name):
    """Make the database itself refuse a category called `name`, as only it
    can (validation checks every limit it knows of); undone with the test's
    transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE careers_category ADD CONSTRAINT test_refused "
                "CHECK (name <> %s)",
                [name],
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_refused BEFORE INSERT ON careers_category "
                f"WHEN NEW.name = '{name}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )


def test_database_refusal_is_shown_in_the_preview(admin_client, mlops):
    """The preview is a rolled-back dry run, so it meets the database's refusals."""
    refuse_category("Refused")
    before = factories.snapshot()
    text = mlops_yaml(slug="data-wrangler", title="Data Wrangler", category="Refused")

    response = post_files(admin_client, upload("data-wrangler.yaml", text))

    assert "The database refused the import" in response.content.decode()
    assert "import-confirm" not in response.content.decode()
    assert factories.snapshot() == before
