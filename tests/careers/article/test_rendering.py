"""A career's article is rendered once after each change and stored."""

import json

import pytest
import reversion
from reversion.models import Version

from careers import changes
from careers.article import rendering
from careers.models import CareerPath
from tests import factories

pytestmark = pytest.mark.django_db


def stored(career):
    return CareerPath.objects.values(
        "rendered_article", "rendered_data", "rendered_version"
    ).get(pk=career.pk)


def test_the_first_visit_stores_the_article(client, mlops):
    assert stored(mlops)["rendered_version"].startswith("stale-")
    page = client.get(mlops.get_absolute_url()).text
    row = stored(mlops)
    assert row["rendered_version"] == rendering.VERSION
    assert row["rendered_article"].startswith('<article class="career">')
    assert row["rendered_article"] in page
    # Links are stored site-relative and made absolute for the host asked.
    data = json.loads(row["rendered_data"])
    assert data["@graph"][1]["itemListElement"][0]["item"] == "/"


def test_a_stored_article_is_what_a_fresh_render_gives(client, mlops):
    """Stored and live renders are the same page, byte for byte."""
    url = mlops.get_absolute_url()
    client.get(url)
    from_store = client.get(url).content
    changes.refresh(mlops)
    assert client.get(url).content == from_store


def test_a_new_child_shows_at_once(client, mlops):
    client.get(mlops.get_absolute_url())
    factories.step(mlops, 99, title="A brand new step")
    assert "A brand new step" in client.get(mlops.get_absolute_url()).text


def rename(obj, field="name"):
    setattr(obj, field, "Renamed Everywhere")
    obj.save()


SHARED_CHANGES = {
    "category": lambda c: rename(c.category),
    "factor": lambda c: rename(c.scores.first().factor),
    "skill": lambda c: rename(c.skills.first().skill),
    "salary source": lambda c: rename(c.stages.exclude(source=None).first().source),
    "stage": lambda c: rename(c.stages.first(), "title"),
    "career": lambda c: rename(c, "summary"),
}


@pytest.mark.parametrize("change", SHARED_CHANGES.values(), ids=SHARED_CHANGES)
def test_a_change_to_anything_the_article_shows_shows_at_once(client, mlops, change):
    """The career, its children, and shared rows (category, factor, skill,
    salary source) renamed in the admin or a shell."""
    url = mlops.get_absolute_url()
    assert "Renamed Everywhere" not in client.get(url).text
    change(mlops)
    assert "Renamed Everywhere" in client.get(url).text


def test_deletions_show_at_once(client, mlops):
    url = mlops.get_absolute_url()
    client.get(url)
    entry = mlops.skills.get(position=1)
    entry.delete()
    assert f">{entry.heading}</a>" not in client.get(url).text
    mlops.steps.get(position=8).delete()
    assert "Seek Mentoring" not in client.get(url).text


def test_an_unrelated_change_leaves_other_articles_stored(client, mlops):
    other = factories.full_career(size=2)
    client.get(mlops.get_absolute_url())
    rename(other.skills.first().skill)
    assert stored(mlops)["rendered_version"] == rendering.VERSION


def test_a_render_that_raced_an_edit_is_not_stored(mlops):
    """A visitor's render began before an edit committed: the edit's stale
    marker stays, so the next visit renders the edited career."""
    seen = CareerPath.objects.get(pk=mlops.pk)  # read before the edit
    rename(mlops, "summary")  # the edit marks the career stale again
    edited_marker = stored(mlops)["rendered_version"]
    rendering.article(seen)  # the late render tries to store
    assert stored(mlops)["rendered_version"] == edited_marker


def test_a_new_renderer_version_renders_again(client, mlops, monkeypatch):
    url = mlops.get_absolute_url()
    client.get(url)
    monkeypatch.setattr(rendering, "VERSION", "next-deploy")
    client.get(url)
    assert stored(mlops)["rendered_version"] == "next-deploy"


def test_staff_see_the_database_as_it_is(client, admin_client, mlops):
    """A change that sent no signal: visitors see the stored article until the
    career is marked stale; staff always see a fresh render."""
    url = mlops.get_absolute_url()
    client.get(url)
    CareerPath.objects.filter(pk=mlops.pk).update(summary="Changed quietly.")
    assert '<p class="lead">Changed quietly.' in admin_client.get(url).text
    assert '<p class="lead">Changed quietly.' not in client.get(url).text
    changes.refresh(mlops)
    assert '<p class="lead">Changed quietly.' in client.get(url).text


def test_revisions_leave_out_derived_fields(client, mlops):
    client.get(mlops.get_absolute_url())
    with reversion.create_revision():
        CareerPath.objects.get(pk=mlops.pk).save()
    version = Version.objects.get_for_object(mlops).first()
    for field in ("rendered_article", "rendered_data", "search_document"):
        assert field not in version.field_dict
    version.revert()
    assert client.get(mlops.get_absolute_url()).status_code == 200
    assert stored(mlops)["rendered_version"] == rendering.VERSION
