"""
Publishing: who may change a career's status, and the editorial actions that
span several models (publishing, copying, ordering, review dates).

Scheduling needs no worker: a published career with a future publish_at goes
live by itself, as CareerPathQuerySet.published() reads the time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import reversion
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import changes
from .models import CareerPath, CareerStatus, FactorScore, ScoreCitation
from .shape import CHILDREN

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

    from .models import CareerPathQuerySet

    # A career's status and publish_at, as stored.
    Publishing = tuple[str, datetime | None]

# The Publisher role's permission: only it changes status and publish_at.
PERMISSION = "careers.publish_careerpath"


def can_publish(user: User | AnonymousUser) -> bool:
    return user.has_perm(PERMISSION)


def stored_publishing(pk: int | None) -> Publishing:
    """The status and publishing time stored for career `pk`; a new career's
    when there is none."""
    new = (CareerPath.Status.DRAFT.value, None)
    if pk is None:
        return new
    stored = CareerPath.objects.filter(pk=pk).values_list("status", "publish_at")
    return stored.first() or new


def publishing_changes(
    career: CareerPath, before: Publishing | None = None
) -> list[tuple[str, Any]]:
    """The fields of `career` that only a publisher may change and that differ
    from `before` ((status, publish_at); by default as stored), with what to
    keep: [(field, kept value)]."""
    status, publish_at = before or stored_publishing(career.pk)
    changes: list[tuple[str, Any]] = []
    if career.status != status:
        changes.append(("status", status))
    if career.publish_at != publish_at:
        changes.append(("publish_at", publish_at))
    return changes


def set_status(
    careers: CareerPathQuerySet, status: str, user: User | None = None
) -> int:
    """Publish or unpublish careers, each saved with a revision; returns how many."""
    changed = 0
    for career in careers.exclude(status=status):
        with reversion.create_revision():
            career.status = status
            career.save()
            reversion.set_user(user)
            reversion.set_comment(
                _("Status set to %(status)s.") % {"status": career.get_status_display()}
            )
        changed += 1
    return changed


def mark_reviewed(careers: CareerPathQuerySet, user: User | None = None) -> int:
    """Set today as the careers' review date, each saved with a revision that
    names the reviewer; returns how many."""
    today = timezone.localdate()
    count = 0
    for career in careers:
        with reversion.create_revision():
            career.last_reviewed = today
            career.save()
            reversion.set_user(user)
            reversion.set_comment(_("Marked as reviewed"))
        count += 1
    return count


def mark_updated(career: CareerPath) -> None:
    """Give a career today's "last updated" date, after an editor's change
    (imports keep their file's date)."""
    career.updated_on = timezone.localdate()
    career.save(update_fields=["updated_on", "updated"])


def unique_copy_slug(slug: str) -> str:
    base = f"{slug}-copy"[:140]
    candidate, number = base, 2
    while CareerPath.objects.filter(slug=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def unique_copy_title(title: str, is_sample: bool) -> str:
    """A copy's title, "Copy of …", numbered if a real guide already has it
    (real guides' titles are unique), within the title's length."""
    limit = CareerPath._meta.get_field("title").max_length
    number = 1
    while True:
        suffix = f" ({number})" if number > 1 else ""
        candidate = _("Copy of %(title)s") % {"title": title}
        # The title field has a max_length.
        candidate = candidate[: limit - len(suffix)] + suffix  # type: ignore[operator]
        if is_sample or not CareerPath(title=candidate).title_holder():
            return candidate
        number += 1


@transaction.atomic
@changes.deferred()
def duplicate_as_draft(career: CareerPath) -> CareerPath:
    """A draft copy of a career with all its children and the sources its
    scores cite, to start a new one from."""
    children = {name: list(getattr(career, name).all()) for name in CHILDREN}
    citations = list(ScoreCitation.objects.filter(score__career=career))
    copy = CareerPath.objects.get(pk=career.pk)
    copy.pk = None
    copy._state.adding = True
    copy.title = unique_copy_title(career.title, career.is_sample)
    copy.slug = unique_copy_slug(career.slug)
    copy.status = CareerStatus.DRAFT
    copy.publish_at = None
    copy.last_reviewed = None
    copy.save()
    copies = {}  # each child's copy, by the model and key of the original
    for rows in children.values():
        for row in rows:
            original = (type(row), row.pk)
            row.pk = None
            row._state.adding = True
            row.career = copy
            copies[original] = row
        if rows:
            type(rows[0]).objects.bulk_create(rows)
    for citation in citations:
        citation.pk = None
        citation._state.adding = True
        citation.score = copies[FactorScore, citation.score_id]
    ScoreCitation.objects.bulk_create(citations)
    return copy


def renumber_positions(career: CareerPath) -> None:
    """Number each ordered child list 1, 2, 3… with no gaps, keeping the order."""
    for name in CHILDREN:
        renumber(getattr(career, name).all())


def renumber(siblings: QuerySet[Any]) -> None:
    """Number the rows of one ordered list 1, 2, 3… with no gaps, keeping
    their order (a career's steps, or the sources of one score)."""
    rows = siblings.order_by("position").values_list("pk", "position")
    moving = [
        (pk, index)
        for index, (pk, position) in enumerate(rows, start=1)
        if position != index
    ]
    if not moving:
        return
    # Park the moving rows above every position first: unique per list.
    top = siblings.aggregate(top=Max("position"))["top"]
    siblings.filter(pk__in=[pk for pk, _ in moving]).update(
        position=F("position") + top + 1
    )
    for pk, index in moving:
        siblings.filter(pk=pk).update(position=index)


def needs_review_filter(months: float) -> Q:
    """Careers whose review date, or any salary source, is older than `months`."""
    cutoff = date.today() - timedelta(days=round(months * 30.44))
    return (
        Q(last_reviewed__isnull=True)
        | Q(last_reviewed__lt=cutoff)
        | Q(stages__source__retrieved_on__lt=cutoff)
    )
