"""Bad content is refused with a clear message, and never crashes anything.

Control characters, YAML bombs, overlong names and oversized files, through
import_careers and the admin's import page; and text that bypassed validation
still reaches every public output in a form it can carry.
"""

import json
import re
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from careers import changes
from careers.contentfiles import safe_yaml
from careers.models import CareerPath, Category, Factor, Skill, Step
from tests import factories
from tests.conftest import MLOPS_FILE

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/careers/careerpath/import/"
# What XML 1.0 and HTML cannot carry (tab, newline and carriage return aside).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def mlops_data(**changes):
    return yaml.safe_load(MLOPS_FILE.read_text()) | changes


def write(tmp_path, data, name="career.yaml"):
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text)
    return path


def import_error(*paths, **options):
    with pytest.raises(CommandError) as error:
        call_command("import_careers", *map(str, paths), stdout=StringIO(), **options)
    return str(error.value)


def upload(admin_client, name, text):
    data = text.encode() if isinstance(text, str) else text
    return admin_client.post(
        IMPORT_URL, {"files": [SimpleUploadedFile(name, data, "application/yaml")]}
    )


def billion_laughs(levels=7, width=9):
    """A few hundred bytes that stand for width**levels strings, via aliases."""
    lines = ["slug: lol", 'a0: &a0 ["lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"summary: [{', '.join([f'*a{levels - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def nested(depth):
    return "summary: " + "[" * depth + "]" * depth + "\n"


# Control characters


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d.update(summary="abc\vdef"),
            "summary: contains a control character (U+000B) at position 4",
        ),
        (
            lambda d: d.update(title="MLOps\x00 Engineer"),
            "title: contains a control character (U+0000) at position 6",
        ),
        (
            lambda d: d["steps"]["items"][1].update(text="Learn\x1bto code"),
            "steps.items[1].text: contains a control character (U+001B) at position 6",
        ),
        (
            lambda d: d.update(category="Data\x7f"),
            "category: contains a control character (U+007F) at position 5",
        ),
        (
            lambda d: d["good_career"]["scores"][0].update(factor="Grow\x0cth"),
            "good_career.scores[0].factor: contains a control character (U+000C) at "
            "position 5",
        ),
        (
            lambda d: d["skills"]["items"][0].update(skill="Py\x08thon"),
            "skills.items[0].skill: contains a control character (U+0008) at "
            "position 3",
        ),
        (
            lambda d: d["progression"]["source"].update(url="https://a.example/\x01"),
            "progression.source.url: contains a control character (U+0001) at "
            "position 19",
        ),
    ],
    ids=["summary", "title", "step", "category", "factor", "skill", "source-url"],
)
def test_control_characters_in_a_content_file_are_refused(tmp_path, change, expected):
    """Every text field refuses control characters, naming the character and
    where it is; nothing is written."""
    data = mlops_data()
    change(data)
    message = import_error(write(tmp_path, data, "ctrl.yaml"), dry_run=True)
    assert f"ctrl.yaml: {expected}" in message
    import_error(write(tmp_path, data, "ctrl.yaml"))
    assert not CareerPath.objects.exists()


def test_tabs_newlines_and_crlf_line_endings_are_text(tmp_path):
    """Tab and newline are allowed; a CRLF line ending is read as a newline."""
    data = mlops_data(summary="Tab\there.")
    data["intro"] = "One line.\r\nAnother.\rA third."
    call_command("import_careers", str(write(tmp_path, data)), stdout=StringIO())
    career = CareerPath.objects.get()
    assert career.summary == "Tab\there."
    assert career.intro == "One line.\nAnother.\nA third."


def corrupt(career):
    """Write control characters into texts of every kind, around validation:
    QuerySet.update() and raw SQL, as a shell or a script could."""
    CareerPath.objects.filter(pk=career.pk).update(
        title="MLOps\x0bEngineer", summary="Builds\x1f and runs\x7f models."
    )
    Category.objects.filter(careers=career).update(name="Data\x0c & AI")
    Factor.objects.filter(position=1).update(name="Advance\x1bment")
    skill = Skill.objects.filter(careers__career=career).first()
    Skill.objects.filter(pk=skill.pk).update(name="Py\x08thon")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Step._meta.db_table} SET text = %s, title = %s "
            "WHERE career_id = %s",
            ["Learn\x0b to code.", "Study\x01", career.pk],
        )
    # As the rendering module asks of code that bypasses signals.
    changes.refresh(career)


def public_urls(career):
    skill = Skill.objects.filter(careers__career=career).first()
    return [
        "/",
        "/careers/",
        career.get_absolute_url(),
        f"/compare/?careers={career.slug},other",
        "/skills/",
        skill.get_absolute_url(),
        "/feeds/careers/",
        "/sitemap.xml",
        "/api/careers/",
        f"/api/careers/{career.slug}/",
        "/api/skills/",
        f"/api/skills/{skill.slug}/",
    ]


def test_text_that_bypassed_validation_reaches_every_output_valid(client, mlops):
    """Control characters written past validation never reach a visitor: the
    feed and sitemap parse as XML, the API as JSON, and no page carries one."""
    factories.full_career(slug="other", title="Other")
    corrupt(mlops)
    for url in public_urls(mlops):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not CONTROL_RE.search(body), url
        kind = response["Content-Type"]
        if "xml" in kind:
            ET.fromstring(response.content)
        elif "json" in kind:
            json.loads(body)
    feed = ET.fromstring(client.get("/feeds/careers/").content)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    assert "MLOps Engineer" in titles


def test_search_results_carry_no_control_characters(client, mlops):
    """A search's highlighted summaries are as clean as the rest of the page."""
    corrupt(mlops)
    response = client.get("/careers/", {"q": "models"})
    assert "Builds" in response.content.decode()
    assert not CONTROL_RE.search(response.content.decode())


def test_a_stored_control_character_is_read_as_a_space(mlops):
    """The model reads the text back without the character, so every output
    (and the admin form, which then saves it clean) sees one kind of text."""
    CareerPath.objects.filter(pk=mlops.pk).update(summary="Line\r\none\x0btwo")
    assert CareerPath.objects.get(pk=mlops.pk).summary == "Line\none two"
    assert CareerPath.objects.values_list("summary", flat=True).get() == (
        "Line\none two"
    )


# YAML bombs


def test_billion_laughs_is_refused_at_its_first_anchor(tmp_path):
    """Aliases let a 300-byte file stand for gigabytes: anchors are refused
    with their line and column, and the message stays one short line."""
    bomb = billion_laughs()
    assert len(bomb) < 500
    message = import_error(write(tmp_path, bomb, "lol.yaml"))
    assert message.endswith(
        "lol.yaml: line 2, column 5: anchors (&a0) are not allowed in content "
        "files; write each value out in full"
    )
    assert len(message) < 300


def test_an_alias_alone_is_refused(tmp_path):
    """An alias to nothing defined is refused as an alias, with its place."""
    message = import_error(write(tmp_path, "slug: x\ntitle: *name\n", "a.yaml"))
    assert "a.yaml: line 2, column 8: aliases (*name) are not allowed" in message


def test_deep_nesting_is_refused_with_its_place(tmp_path):
    """5,000 nested lists are refused at the 21st level (the file's mapping is
    the first), not by a RecursionError."""
    message = import_error(write(tmp_path, nested(5000), "deep.yaml"))
    assert (
        "deep.yaml: line 1, column 29: lists and mappings nest over 20 deep" in message
    )
    assert "Recursion" not in message


def test_nesting_within_the_limit_is_read(tmp_path):
    """Twenty levels are still YAML a file may hold (and then a type error)."""
    message = import_error(write(tmp_path, nested(19), "deep.yaml"))
    assert "deep.yaml: summary: must be text, not [[[...]]]" in message


def test_closed_collections_do_not_deepen_or_shallow_what_follows(tmp_path):
    """Depth is counted down as collections close: after an empty list, a
    chain reaching the 21st level is refused there, and one stopping at the
    20th is read."""
    deep = "summary: [[], " + "[" * 19 + "]" * 19 + "]\n"
    message = import_error(write(tmp_path, deep, "deep.yaml"))
    assert (
        "deep.yaml: line 1, column 33: lists and mappings nest over 20 deep" in message
    )
    within = "summary: [[], " + "[" * 18 + "]" * 18 + "]\n"
    message = import_error(write(tmp_path, within, "deep.yaml"))
    assert "deep.yaml: summary: must be text, not [[], [[...]]]" in message


def test_admin_refuses_a_bomb_in_a_small_page(admin_client):
    """The admin import answers the bomb with one short problem row."""
    response = upload(admin_client, "lol.yaml", billion_laughs())
    assert response.status_code == 200
    assert len(response.content) < 100_000
    assert "anchors (&amp;a0) are not allowed" in response.content.decode()


def test_admin_refuses_deep_nesting(admin_client):
    """5,000 nested lists are a problem row, not a server error."""
    response = upload(admin_client, "deep.yaml", nested(5000))
    assert response.status_code == 200
    assert "lists and mappings nest over 20 deep" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "slug: x\nlast_reviewed: 2024-13-45\n",
            "bad.yaml: not valid YAML: cannot read '2024-13-45': month must be in "
            "1..12 (line 2, column 16)",
        ),
        (
            "slug: x\nsummary: " + "9" * 5000 + "\n",
            "bad.yaml: not valid YAML: cannot read '999",
        ),
    ],
    ids=["impossible-date", "huge-number"],
)
def test_values_yaml_cannot_build_are_refused(tmp_path, admin_client, text, expected):
    """A date that does not exist and a 5,000-digit number are refused, with
    their place, on the command line and in the admin (they raised before)."""
    message = import_error(write(tmp_path, text, "bad.yaml"))
    assert expected in message
    assert len(message) < 400
    assert upload(admin_client, "bad.yaml", text).status_code == 200


def test_bad_values_are_quoted_short(tmp_path):
    """A message quotes at most about 80 characters of any bad value."""
    data = mlops_data(summary=["x" * 10_000] * 50) | {"y" * 10_000: 1}
    data["good_career"]["scores"][0]["score"] = "z" * 10_000
    message = import_error(write(tmp_path, data, "long.yaml"))
    assert len(message.splitlines()) == 4
    assert not re.search("x{81}|y{81}|z{81}", message)
    assert "long.yaml: summary: must be text, not ['xxx" in message
    assert "long.yaml: good_career.scores[0].score: must be a whole number" in message


def test_quote_is_bounded_for_any_value():
    """quote() shows short values as repr() does, and cuts everything else."""
    quote = safe_yaml.quote
    assert quote("nine") == "'nine'"
    assert quote([1, 2]) == "[1, 2]"
    recursive = []
    recursive.append(recursive)
    for value in ["a" * 10_000, [["b" * 500] * 500] * 500, recursive, b"c" * 9999]:
        assert len(quote(value)) <= safe_yaml.QUOTE_MAX


def test_problems_per_file_are_capped(tmp_path):
    """A file of thousands of unknown keys lists 50 problems and a count."""
    data = mlops_data() | {f"key{number}": 1 for number in range(3000)}
    message = import_error(write(tmp_path, data, "many.yaml"))
    assert message.count("many.yaml: key") == 50
    assert message.endswith("many.yaml: and 2950 more problem(s)")


# The size limit


def test_import_refuses_a_file_over_the_size_limit(tmp_path, settings):
    """import_careers holds files to CONTENT_FILE_MAX_BYTES, as the admin does."""
    settings.CONTENT_FILE_MAX_BYTES = 4096
    size = MLOPS_FILE.stat().st_size
    assert size > 4096
    message = import_error(MLOPS_FILE)
    assert message.endswith(
        "mlops-engineer.yaml: is 9.6 KB; a content file may be at most 4.0 KB "
        "(CONTENT_FILE_MAX_BYTES)"
    )
    assert not CareerPath.objects.exists()


def test_import_reads_no_more_than_the_limit(settings):
    """A path that never ends (/dev/zero) is refused after the limit, not read
    into memory."""
    settings.CONTENT_FILE_MAX_BYTES = 1024
    message = import_error("/dev/zero")
    assert message.endswith(
        "zero: is more than 1.0 KB; a content file may be at most 1.0 KB "
        "(CONTENT_FILE_MAX_BYTES)"
    )


def test_admin_uses_the_same_size_limit(admin_client, settings):
    """The admin refuses a file over CONTENT_FILE_MAX_BYTES, and an upload over
    CONTENT_UPLOAD_MAX_BYTES."""
    text = MLOPS_FILE.read_text()
    settings.CONTENT_FILE_MAX_BYTES = 4096
    response = upload(admin_client, "mlops.yaml", text)
    assert "a content file may be at most 4.0\xa0KB." in response.content.decode()
    settings.CONTENT_FILE_MAX_BYTES = 1024 * 1024
    settings.CONTENT_UPLOAD_MAX_BYTES = 4096
    response = upload(admin_client, "mlops.yaml", text)
    assert "upload at most 4.0\xa0KB at once." in response.content.decode()
    assert not CareerPath.objects.exists()


def test_settings_default_to_one_and_five_mebibytes():
    """Unset, the limits are 1 MiB a file and 5 MiB an upload (settings.py)."""
    from portal import settings as module

    assert module.CONTENT_FILE_MAX_BYTES == 1024 * 1024
    assert module.CONTENT_UPLOAD_MAX_BYTES == 5 * 1024 * 1024


# Lengths


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d, name: d.update(category=name), "category"),
        (
            lambda d, name: d["good_career"]["scores"][0].update(factor=name),
            "good_career.scores[0].factor",
        ),
        (
            lambda d, name: d["skills"]["items"][2].update(skill=name),
            "skills.items[2].skill",
        ),
        (
            lambda d, name: d["progression"]["source"].update(name=name),
            "progression.source.name",
        ),
    ],
    ids=["category", "factor", "skill", "source"],
)
def test_names_over_the_database_limit_fail_validation(tmp_path, change, where):
    """A 101-character name is refused by --dry-run, naming its file and field,
    rather than by the database during the real import."""
    data = mlops_data()
    change(data, "N" * 101)
    path = write(tmp_path, data, "long.yaml")
    expected = (
        f"long.yaml: {where}: Ensure this value has at most 100 characters "
        "(it has 101)."
    )
    assert expected in import_error(path, dry_run=True)
    assert expected in import_error(path)
    assert not CareerPath.objects.exists()


def test_a_name_of_exactly_the_limit_imports(tmp_path):
    """100 characters is within the limit, on every database."""
    data = mlops_data(category="C" * 100)
    call_command("import_careers", str(write(tmp_path, data)), stdout=StringIO())
    assert CareerPath.objects.get().category.name == "C" * 100


# Duplicate titles


def test_a_second_guide_with_a_taken_title_is_refused(tmp_path, mlops):
    """The MLOps file with only its slug changed would be a second "MLOps
    Engineer": refused, naming the guide that has the title, in any case."""
    for title in ["MLOps Engineer", "mlops engineer"]:
        data = mlops_data(slug="mlops-engineer-2", title=title)
        message = import_error(write(tmp_path, data, "copy.yaml"), dry_run=True)
        assert (
            "copy.yaml: title: The guide “MLOps Engineer” (slug mlops-engineer) "
            "already has this title; each real guide needs its own." in message
        )
    assert list(CareerPath.objects.values_list("slug", flat=True)) == ["mlops-engineer"]


def test_two_files_with_one_title_are_refused(tmp_path):
    """Two new files of one import cannot give two guides one title."""
    one = write(tmp_path, mlops_data(), "one.yaml")
    two = write(tmp_path, mlops_data(slug="other", title="MLOPS ENGINEER"), "two.yaml")
    message = import_error(one, two)
    assert "two.yaml: title: 'MLOPS ENGINEER' is also the title in one.yaml" in message
    assert not CareerPath.objects.exists()


def test_admin_import_names_the_guide_with_the_title(admin_client, mlops):
    """The admin import reports the taken title on its row."""
    text = yaml.safe_dump(mlops_data(slug="copy"), sort_keys=False)
    response = upload(admin_client, "copy.yaml", text)
    assert (
        "The guide “MLOps Engineer” (slug mlops-engineer) already has this title"
        in response.content.decode()
    )
    assert CareerPath.objects.count() == 1


def test_samples_never_block_a_real_guide(tmp_path):
    """A sample may carry a real role's title, before or after the real guide."""
    call_command("seed_synthetic", "--careers", "3", stdout=StringIO())
    sample = CareerPath.objects.filter(is_sample=True).order_by("pk").first()
    data = mlops_data(slug="real", title=sample.title)
    call_command("import_careers", str(write(tmp_path, data)), stdout=StringIO())
    call_command("seed_synthetic", "--careers", "3", stdout=StringIO())
    assert CareerPath.objects.filter(title=sample.title).count() == 2
