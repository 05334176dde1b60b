"""Editorial workflow: roles, publishing, scheduling, preview, history, ordering."""

import datetime
import importlib
import re

import pytest
import reversion
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from careers import publishing
from careers.models import DERIVED_FIELDS, CareerPath, ScoreCitation
from tests import factories
from tests.careers.admin.test_career import (
    CHANGELIST_URL,
    change_url,
    form_data,
    row_titles,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

ROLES_MIGRATION = importlib.import_module(
    "careers.migrations.0004_editor_and_publisher_roles"
)
SOURCES_MIGRATION = importlib.import_module(
    "careers.migrations.0014_roles_cite_sources"
)


@pytest.fixture
def roles(db):
    """The groups the data migration creates. Transactional tests (the browser
    tests) flush every table, data-migration rows included, so recreate them
    with the migration's own function."""
    ROLES_MIGRATION.create_roles(django_apps, None)
    SOURCES_MIGRATION.grant(django_apps, None)


def member(role):
    user = get_user_model().objects.create_user(
        role.lower(), password="not-used-in-tests", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(member("Editor"))
    return client


@pytest.fixture
def publisher_client(client):
    client.force_login(member("Publisher"))
    return client


def test_roles_are_created_by_a_migration(db):
    """Editor and Publisher exist; only Publisher may publish."""
    editor, publisher = (
        Group.objects.get(name="Editor"),
        Group.objects.get(name="Publisher"),
    )
    codes = set(publisher.permissions.values_list("codename", flat=True))
    assert "publish_careerpath" in codes
    assert "publish_careerpath" not in set(
        editor.permissions.values_list("codename", flat=True)
    )
    assert codes > set(editor.permissions.values_list("codename", flat=True))


def test_editors_cite_sources(client, db):
    """An editor searches and adds the sources a score cites, as the score's
    page's autocomplete does, and edits a score's list of them."""
    user = member("Editor")
    for codename in ("add_source", "view_source", "add_scorecitation"):
        assert user.has_perm(f"careers.{codename}")
    assert not user.has_perm("careers.delete_source")  # shared, as salary sources
    client.force_login(user)
    factories.career()
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "careers", "model_name": "scorecitation", "field_name": "source"},
    )
    assert response.status_code == 200


def post_and_follow(client, url, data):
    """The redirects a POST answers with, and the messages the next page shows."""
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response.redirect_chain, [str(m) for m in response.context["messages"]]


def test_editor_cannot_publish(editor_client):
    """No status field, no publish action, and a forged POST changes nothing."""
    draft = factories.career(status=CareerPath.Status.DRAFT, title="Quiet")
    page = editor_client.get(change_url(draft))
    assert page.status_code == 200
    assert 'name="status"' not in page.text
    assert 'name="publish_at"' not in page.text

    # The form offers neither field: the posted values are ignored, the rest saved.
    forged = form_data(page) | {
        "status": "published",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "00:00:00",
        "summary": "Edited.",
    }
    assert post_and_follow(editor_client, change_url(draft), forged) == (
        [(CHANGELIST_URL, 302)],
        [
            f'The career path “<a href="{change_url(draft)}">Quiet</a>” was '
            "changed successfully."
        ],
    )
    draft.refresh_from_db()
    assert (draft.summary, draft.status, draft.publish_at) == ("Edited.", "draft", None)

    changelist = editor_client.get(CHANGELIST_URL)
    assert 'value="publish"' not in changelist.text
    assert 'value="unpublish"' not in changelist.text
    for action in ("publish", "unpublish"):
        chosen = {"action": action, "_selected_action": [draft.pk]}
        assert post_and_follow(editor_client, CHANGELIST_URL, chosen) == (
            [(CHANGELIST_URL, 302)],
            ["No action selected."],
        )
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert Version.objects.get_for_object(draft).count() == 1  # the edit only


def test_editor_creates_drafts_only(editor_client):
    """A career an editor adds starts, and stays, a draft."""
    category = factories.category()
    page = editor_client.get("/admin/careers/careerpath/add/")
    data = form_data(page) | {
        "title": "Data Engineer",
        "slug": "data-engineer",
        "category": str(category.pk),
        "summary": "Builds pipelines.",
        "intro": "Intro.",
        "why_choose": "Why.",
        "good_career_summary": "Summary.",
        "outlook": "Bright.",
        "status": "published",
    }
    assert editor_client.post("/admin/careers/careerpath/add/", data).status_code == 302
    assert CareerPath.objects.get(slug="data-engineer").status == "draft"


def test_editor_edits_published_and_scheduled_careers(editor_client):
    """Editors keep published and scheduled careers up to date; their status
    and publishing time stay as the publisher set them."""
    later = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    for publish_at in (None, later):
        career = factories.career(publish_at=publish_at)
        data = form_data(editor_client.get(change_url(career)))
        response = editor_client.post(change_url(career), data | {"summary": "New."})
        assert (response.status_code, response["Location"]) == (302, CHANGELIST_URL)
        career.refresh_from_db()
        assert (career.summary, career.status) == ("New.", "published")
        assert career.publish_at == publish_at


def signed_in(role):
    client = Client()
    client.force_login(member(role))
    return client


def history_url(career, version):
    return f"/admin/careers/careerpath/{career.pk}/history/{version.pk}/"


def revert(client, url):
    """Posts a revision's (or a deleted career's) form back as the page shows it."""
    return client.post(url, form_data(client.get(url)))


def forbidden(response):
    return response.status_code == 403 and "<h1>403 Forbidden</h1>" in response.text


def test_reverting_to_another_status_is_for_publishers_only(mlops):
    """An editor may revert a career's texts, but not to a revision with another
    status: the whole revert is refused. A publisher may."""
    publisher, editor = signed_in("Publisher"), signed_in("Editor")
    original = mlops.summary
    unpublish = {"action": "unpublish", "_selected_action": [mlops.pk]}
    assert publisher.post(CHANGELIST_URL, unpublish).status_code == 302
    edited = form_data(editor.get(change_url(mlops))) | {"summary": "Edited."}
    assert editor.post(change_url(mlops), edited).status_code == 302
    # Imported (published), then unpublished, then edited.
    imported, unpublished, _ = reversed(Version.objects.get_for_object(mlops))
    assert imported.field_dict["status"] == "published"

    assert forbidden(revert(editor, history_url(mlops, imported)))
    mlops.refresh_from_db()
    assert (mlops.status, mlops.summary) == ("unpublished", "Edited.")
    assert Version.objects.get_for_object(mlops).count() == 3

    assert revert(editor, history_url(mlops, unpublished)).status_code == 302
    mlops.refresh_from_db()
    assert (mlops.status, mlops.summary) == ("unpublished", original)

    assert revert(publisher, history_url(mlops, imported)).status_code == 302
    mlops.refresh_from_db()
    assert (mlops.status, mlops.summary) == ("published", original)
    assert Version.objects.get_for_object(mlops).count() == 5


def test_reverting_cannot_move_the_publishing_time_for_an_editor(mlops):
    """A scheduled career stays scheduled when an editor reverts to a revision
    from before the schedule was set."""
    publisher, editor = signed_in("Publisher"), signed_in("Editor")
    later = timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)
    data = form_data(publisher.get(change_url(mlops)))
    data |= {"publish_at_0": f"{later:%Y-%m-%d}", "publish_at_1": f"{later:%H:%M:%S}"}
    assert publisher.post(change_url(mlops), data).status_code == 302
    mlops.refresh_from_db()
    assert mlops.publish_at == later
    imported = Version.objects.get_for_object(mlops).last()
    assert imported.field_dict["publish_at"] is None

    assert forbidden(revert(editor, history_url(mlops, imported)))
    mlops.refresh_from_db()
    assert (mlops.status, mlops.publish_at) == ("published", later)


def test_recovering_a_deleted_career_keeps_publishing_to_publishers(mlops):
    """A deleted career an editor recovers must come back as a draft would be
    added: a published one is refused; a draft is recovered."""
    publisher, editor = signed_in("Publisher"), signed_in("Editor")
    draft = factories.career(status=CareerPath.Status.DRAFT, slug="quiet")
    saved = form_data(editor.get(change_url(draft)))
    assert editor.post(change_url(draft), saved).status_code == 302
    for career in (mlops, draft):
        delete = f"/admin/careers/careerpath/{career.pk}/delete/"
        assert publisher.post(delete, {"post": "yes"}).status_code == 302
    assert CareerPath.objects.count() == 0
    recover = "/admin/careers/careerpath/recover/{}/".format

    published = Version.objects.get_for_object(mlops).get()
    assert forbidden(revert(editor, recover(published.pk)))
    assert CareerPath.objects.count() == 0

    kept = Version.objects.get_for_object(draft).get()
    assert revert(editor, recover(kept.pk)).status_code == 302
    assert CareerPath.objects.values_list("slug", "status").get() == ("quiet", "draft")

    assert revert(publisher, recover(published.pk)).status_code == 302
    assert CareerPath.objects.get(slug="mlops-engineer").status == "published"


def test_publisher_publishes_and_unpublishes(publisher_client):
    """The publisher's actions change what visitors see, each as a revision."""
    client = Client()  # an anonymous visitor beside the signed-in publisher
    draft = factories.career(status=CareerPath.Status.DRAFT, slug="soon")
    assert client.get("/careers/soon/").status_code == 404
    response = publisher_client.post(
        CHANGELIST_URL, {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert Version.objects.get_for_object(draft).count() == 1
    publisher_client.post(
        CHANGELIST_URL, {"action": "unpublish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == "unpublished"
    assert 'name="status"' in publisher_client.get(change_url(draft)).text


def test_publishing_counts_and_records_only_what_changed(publisher_client):
    """Publishing two drafts and one published career says 2 were published,
    and records a revision, by the publisher and saying so, for those two only."""
    drafts = [
        factories.career(status=CareerPath.Status.DRAFT, slug=slug)
        for slug in ("first", "second")
    ]
    live = factories.career(slug="live")
    selected = [career.pk for career in (*drafts, live)]
    response = publisher_client.post(
        CHANGELIST_URL,
        {"action": "publish", "_selected_action": selected},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "2 career paths published."
    ]
    publisher = get_user_model().objects.get(username="publisher")
    for career in drafts:
        (version,) = Version.objects.get_for_object(career)
        assert version.field_dict["status"] == "published"
        assert version.revision.user == publisher
        assert version.revision.get_comment() == "Status set to Published."
    assert not Version.objects.get_for_object(live).exists()

    response = publisher_client.post(
        CHANGELIST_URL,
        {"action": "unpublish", "_selected_action": [drafts[0].pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "1 career path unpublished."
    ]
    newest = Version.objects.get_for_object(drafts[0]).first()
    assert newest.revision.get_comment() == "Status set to Unpublished."


def test_preview_for_staff_and_404_for_visitors(admin_client, client):
    """Staff see unpublished careers at their public URL, marked and uncacheable."""
    for status in ("draft", "unpublished"):
        career = factories.career(status=status)
        assert client.get(career.get_absolute_url()).status_code == 404
        response = admin_client.get(career.get_absolute_url())
        assert response.status_code == 200
        assert "Preview: not published." in response.text
        assert response["X-Robots-Tag"] == "noindex"
        assert "no-store" in response["Cache-Control"]
    live = admin_client.get(factories.career().get_absolute_url())
    assert "X-Robots-Tag" not in live
    assert "Preview" not in live.text


def test_save_and_preview_redirects_to_the_page(admin_client):
    """The change form's “Save and preview” saves, then opens the public page."""
    career = factories.career(status=CareerPath.Status.DRAFT)
    page = admin_client.get(change_url(career))
    assert 'name="_preview"' in page.text
    data = form_data(page) | {"_preview": "Save and preview", "summary": "Fresh."}
    data.pop("_save")
    response = admin_client.post(change_url(career), data)
    assert response.status_code == 302
    assert response["Location"] == career.get_absolute_url()


@pytest.mark.django_db(transaction=True)
def test_scheduled_career_goes_live_by_itself(client, settings):
    """Published with a future publish_at: hidden until that moment, then live,
    and no cached page hides it (page cache on, as with Redis)."""
    settings.PAGE_CACHE = True
    start = timezone.now()
    factories.career(title="Already Live")
    factories.career(
        title="Coming Soon",
        slug="coming-soon",
        publish_at=start + datetime.timedelta(hours=1),
    )
    with time_machine.travel(start, tick=False):
        assert client.get("/careers/coming-soon/").status_code == 404
        assert "Coming Soon" not in client.get("/careers/").text
        assert "Coming Soon" not in client.get("/careers/").text  # now cached
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert client.get("/careers/coming-soon/").status_code == 200
        assert "Coming Soon" in client.get("/careers/").text


def test_scheduled_career_shows_its_time_to_staff(client, admin_user):
    """Staff previewing a scheduled career see when it goes live."""
    now = datetime.datetime(2028, 3, 1, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False):
        client.force_login(admin_user)
        career = factories.career(
            publish_at=now + datetime.timedelta(days=2), slug="later"
        )
        html = client.get("/careers/later/").text
        assert career.is_live is False
    assert (
        "<strong>Preview: not published.</strong>\n"
        "    Scheduled to go live on 3 March 2028, 09:30 UTC.\n"
        "    Only staff can see this page.</p>"
    ) in html


def test_ordering_has_no_gaps_after_reordering_and_deleting(admin_client):
    """Positions are renumbered 1…n after a move and a delete."""
    career = factories.career()
    for position, title in [(1, "A"), (2, "B"), (3, "C"), (4, "D")]:
        factories.step(career, position, title=title)
    data = form_data(admin_client.get(change_url(career)))
    # Delete B and move A to the end (after D).
    data |= {"steps-1-DELETE": "on", "steps-0-position": "9"}
    assert admin_client.post(change_url(career), data).status_code == 302
    assert list(career.steps.values_list("title", "position")) == [
        ("C", 1),
        ("D", 2),
        ("A", 3),
    ]


def test_duplicate_as_draft(admin_client):
    """The action copies a career with all its children as a new draft."""
    original = factories.full_career(size=3, slug="original", title="Original")
    response = admin_client.post(
        CHANGELIST_URL,
        {"action": "duplicate_as_draft", "_selected_action": [original.pk]},
    )
    assert response.status_code == 302
    copy = CareerPath.objects.get(slug="original-copy")
    assert (copy.title, copy.status) == ("Copy of Original", "draft")
    for name in ("scores", "steps", "stages", "skills", "education"):
        assert getattr(copy, name).count() == 3
    assert original.steps.count() == 3
    # The copy's first revision holds its children, which were bulk-created.
    revision = Version.objects.get_for_object(copy).get().revision
    assert {v.content_type.model for v in revision.version_set.all()} == {
        "careerpath",
        "factorscore",
        "step",
        "stage",
        "careerskill",
        "educationrequirement",
    }
    admin_client.post(
        CHANGELIST_URL,
        {"action": "duplicate_as_draft", "_selected_action": [original.pk]},
    )
    assert CareerPath.objects.filter(slug="original-copy-2").exists()


def test_a_copy_keeps_the_sources_its_scores_cite():
    """Duplicating copies each score's sources, in order, to the copy's own
    scores; the original keeps its own."""
    original = factories.every_field_career()

    def cited(career):
        return [
            (score.factor.name, [c.source.name for c in score.citations.all()])
            for score in career.scores.order_by("position")
        ]

    expected = cited(original)
    copy = publishing.duplicate_as_draft(original)

    assert [sources for _, sources in expected if sources] == [
        ["Example Pay Survey", "Example Labour Survey"],
        ["Example Job Board Report"],
    ]
    assert cited(copy) == expected
    assert cited(original) == expected
    own = ScoreCitation.objects.filter(score__career=copy)
    assert own.count() == 3
    assert not own.filter(score__career=original).exists()


def test_renumbering_closes_the_gaps_in_scores_too():
    """Every ordered list, scores included, is numbered 1, 2, 3… in order."""
    career = factories.career()
    for position, name in [(2, "Pay"), (5, "Growth"), (9, "Balance")]:
        factories.score(career, factor=factories.factor(name=name), position=position)
    factories.step(career, 4, title="Only")

    publishing.renumber_positions(career)

    assert list(
        career.scores.order_by("position").values_list("factor__name", "position")
    ) == [("Pay", 1), ("Growth", 2), ("Balance", 3)]
    assert list(career.steps.values_list("title", "position")) == [("Only", 1)]


def test_copies_are_numbered_and_fit_their_fields():
    """Each further copy of a guide gets the next number in its slug and
    title, both cut to fit their columns with the number kept."""
    original = factories.career(title="Original", slug="original")
    copies = [publishing.duplicate_as_draft(original) for _ in range(3)]
    assert [(c.slug, c.title) for c in copies] == [
        ("original-copy", "Copy of Original"),
        ("original-copy-2", "Copy of Original (2)"),
        ("original-copy-3", "Copy of Original (3)"),
    ]

    long = factories.career(title="T" * 150, slug="s" * 150)
    first, second = (publishing.duplicate_as_draft(long) for _ in range(2))
    assert (first.slug, second.slug) == ("s" * 140, "s" * 140 + "-2")
    assert (first.title, second.title) == (
        "Copy of " + "T" * 142,
        "Copy of " + "T" * 138 + " (2)",
    )


@pytest.mark.parametrize(
    ("today", "months", "days", "shown"),
    [
        (datetime.date(2026, 6, 15), 12, 365, "15 June 2026"),
        # A year before 29 February has no 29 February: count days, not years.
        (datetime.date(2028, 2, 29), 12, 365, "29 February 2028"),
        (datetime.date(2028, 3, 1), 6, 183, "1 March 2028"),  # 6 × 30.44 = 182.6
    ],
    ids=["june", "leap-day", "six-months"],
)
def test_needs_review_filter_and_last_reviewed_on_the_page(
    client, admin_user, settings, today, months, days, shown
):
    """A review, or any salary source, older than REVIEW_AFTER_MONTHS (counted
    as 30.44 days each) needs review, on any day of the year; the page shows
    the review date."""
    settings.REVIEW_AFTER_MONTHS = months
    limit, day = datetime.timedelta(days=days), datetime.timedelta(days=1)
    noon = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(noon, tick=False):
        client.force_login(admin_user)
        fresh = factories.career(title="Fresh", last_reviewed=today)
        factories.career(title="At The Limit", last_reviewed=today - limit)
        factories.career(title="Stale", last_reviewed=today - limit - day)
        for title, retrieved_on in [
            ("Old Data", today - limit - day),
            ("Data At The Limit", today - limit),
            ("Undated Data", None),
        ]:
            career = factories.career(title=title, last_reviewed=today)
            factories.stage(
                career, 1, source=factories.source(retrieved_on=retrieved_on)
            )
        factories.career(title="Never Reviewed")
        everything = client.get(CHANGELIST_URL)
        stale = client.get(CHANGELIST_URL, {"freshness": "stale"})
        recent = client.get(CHANGELIST_URL, {"freshness": "fresh"})
        page = client.get(fresh.get_absolute_url()).text

    assert row_titles(stale) == ["Never Reviewed", "Old Data", "Stale"]
    assert row_titles(recent) == [
        "At The Limit",
        "Data At The Limit",
        "Fresh",
        "Undated Data",
    ]
    assert len(row_titles(everything)) == 7
    assert (
        f'<a href="?freshness=stale">Needs review (older than {months} months)</a>'
    ) in everything.text
    assert '<a href="?freshness=fresh">Reviewed recently</a>' in everything.text
    assert f'Last reviewed <time datetime="{today:%Y-%m-%d}">{shown}</time>' in page


def test_every_admin_save_records_a_revision_with_its_comment(admin_client, mlops):
    """Saving through the admin records who, when and the optional comment."""
    data = form_data(admin_client.get(change_url(mlops)))
    data |= {"summary": "Revised.", "revision_comment": "Tightened the summary."}
    admin_client.post(change_url(mlops), data)
    version = Version.objects.get_for_object(mlops).first()
    assert version.revision.get_comment() == (
        "Tightened the summary. (Changed Summary and Revision comment.)"
    )
    # Without a comment, the revision says what changed.
    data = form_data(admin_client.get(change_url(mlops)))
    data |= {"summary": "Revised again.", "revision_comment": ""}
    assert admin_client.post(change_url(mlops), data).status_code == 302
    newest = Version.objects.get_for_object(mlops).first()
    assert newest.revision.get_comment() == "Changed Summary."
    assert version.revision.user.is_superuser
    # Not the derived fields, which are computed again from the rest.
    assert set(version.field_dict) >= {"title", "summary", "status"}
    assert not set(version.field_dict) & set(DERIVED_FIELDS)
    # The revision holds the children too.
    models = {v.content_type.model for v in version.revision.version_set.all()}
    assert models >= {"careerpath", "factorscore", "step", "stage", "careerskill"}


def children(career):
    return {
        name: sorted(
            tuple(sorted((k, v) for k, v in row.items() if k not in ("id",)))
            for row in getattr(career, name).values()
        )
        for name in ("scores", "steps", "stages", "skills", "education")
    }


def test_rollback_restores_inlines_exactly(admin_client, mlops):
    """Rolling back to a revision restores the career and every child; the
    rollback is itself a new revision. Compare shows what changed."""
    # Revision 1: the import (import_careers records one).
    before = children(mlops)

    edited = form_data(admin_client.get(change_url(mlops)))
    edited |= {
        "summary": "Changed summary.",
        "steps-0-title": "A different first step",
        "steps-7-DELETE": "on",
        "stages-4-salary_max": "250000",
    }
    assert admin_client.post(change_url(mlops), edited).status_code == 302
    assert children(mlops) != before

    history = admin_client.get(f"{change_url(mlops).removesuffix('change/')}history/")
    assert history.status_code == 200
    assert "Compare two revisions" in history.text
    versions = list(Version.objects.get_for_object(mlops))
    assert len(versions) == 2
    newer, older = versions
    assert older.revision.get_comment() == "Imported from mlops-engineer.yaml"
    compare = admin_client.get(
        f"{change_url(mlops).removesuffix('change/')}history/compare/",
        {"old": older.pk, "new": newer.pk},
    )
    assert compare.status_code == 200
    assert "Changed summary." in compare.text
    assert "A different first step" in compare.text

    revision_url = f"{change_url(mlops).removesuffix('change/')}history/{older.pk}/"
    rollback = form_data(admin_client.get(revision_url))
    assert admin_client.post(revision_url, rollback).status_code == 302
    mlops.refresh_from_db()
    assert mlops.summary.startswith("MLOps Engineers deploy")
    assert children(mlops) == before
    assert Version.objects.get_for_object(mlops).count() == 3


def record_revision(career):
    """A revision of the career and its children, as the admin records one."""
    with reversion.create_revision():
        reversion.add_to_revision(CareerPath.objects.get(pk=career.pk))


def compare_rows(html):
    """(label, diff lines) of each row of the compare page, tags stripped."""
    row = r'<th scope="row">([^<]*)</th>\s*<td><pre class="revision-diff">(.*?)</pre>'
    return [
        (label, re.sub(r"</?(del|ins)>", "", diff).splitlines())
        for label, diff in re.findall(row, html, re.S)
    ]


def test_compare_shows_every_changed_part_line_by_line(admin_client):
    """Each changed field and each kind of child is one row of − and + lines;
    a factor or skill deleted since is named by its id."""
    career = factories.career(title="Diffed", summary="Old summary.")
    pay, perks = factories.factor(name="Pay"), factories.factor(name="Perks")
    factories.score(career, factor=pay, score=7, reason="Fair.")
    perks_score = factories.score(career, factor=perks, score=5, reason="Some.")
    factories.step(career, 1, title="Study", text="Learn.")
    factories.stage(career, 1, title="Junior", salary_min=100, salary_max=200)
    sql, fortran = factories.skill(name="SQL"), factories.skill(name="Fortran")
    factories.career_skill(career, 1, skill=sql, description="Queries.")
    legacy = factories.career_skill(
        career, 2, skill=fortran, title="Legacy code", description="Old."
    )
    factories.education(career, 1, title="BSc", text="Study.")
    record_revision(career)
    CareerPath.objects.filter(pk=career.pk).update(summary="New summary.")
    career.scores.filter(factor=pay).update(score=9, reason="Good.")
    perks_id, fortran_id = perks.pk, fortran.pk
    perks_score.delete()
    perks.delete()
    career.steps.update(title="Study hard")
    career.stages.update(salary_max=250)
    legacy.delete()
    fortran.delete()
    career.education.update(kind="certification")
    record_revision(career)
    new, old = Version.objects.get_for_object(career)

    html = admin_client.get(
        f"/admin/careers/careerpath/{career.pk}/history/compare/",
        {"old": old.pk, "new": new.pk},
    ).text

    assert compare_rows(html) == [
        ("Summary", ["- Old summary.", "+ New summary."]),
        (
            "Factor scores",
            [
                "+ Pay: 9/10 — Good.",
                f"- {perks_id}: 5/10 — Some.",
                "- Pay: 7/10 — Fair.",
            ],
        ),
        ("Steps to become", ["- 1. Study — Learn.", "+ 1. Study hard — Learn."]),
        (
            "Career progression",
            [
                "- 1. Junior 100 200 USD — A rung.",
                "+ 1. Junior 100 250 USD — A rung.",
            ],
        ),
        (
            "Essential skills",
            ["  1. [SQL] — Queries.", f"- 2. [{fortran_id}] Legacy code — Old."],
        ),
        ("Education", ["- 1. degree BSc — Study.", "+ 1. certification BSc — Study."]),
    ]


def test_textarea_line_endings_are_normalised(admin_client, mlops):
    """Browsers post CRLF; texts keep LF, so history and exports show no change."""
    data = form_data(admin_client.get(change_url(mlops)))
    data["intro"] = data["intro"].replace("\n", "\r\n")
    data["steps-0-text"] = "One line.\r\nAnother line."
    assert admin_client.post(change_url(mlops), data).status_code == 302
    mlops.refresh_from_db()
    assert "\r" not in mlops.intro
    assert mlops.intro.count("\n\n") == 1
    assert mlops.steps.get(position=1).text == "One line.\nAnother line."
