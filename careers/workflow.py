"""Editorial workflows that span several models: publishing, copying, ordering,
and reading revisions."""

import difflib
from datetime import date, timedelta

import reversion
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils.translation import gettext as _

from . import derived
from .models import DERIVED_FIELDS, CareerPath, CareerStatus, Factor, Skill

CHILDREN = ("scores", "steps", "stages", "skills", "education")
POSITIONED = ("steps", "stages", "skills", "education")


def set_status(careers, status, user=None):
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


def unique_copy_slug(slug):
    base = f"{slug}-copy"[:140]
    candidate, number = base, 2
    while CareerPath.objects.filter(slug=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def unique_copy_title(title, is_sample):
    """A copy's title, "Copy of …", numbered if a real guide already has it
    (real guides' titles are unique), within the title's length."""
    limit = CareerPath._meta.get_field("title").max_length
    number = 1
    while True:
        suffix = f" ({number})" if number > 1 else ""
        candidate = _("Copy of %(title)s") % {"title": title}
        candidate = candidate[: limit - len(suffix)] + suffix
        if is_sample or not CareerPath(title=candidate).title_holder():
            return candidate
        number += 1


@transaction.atomic
@derived.deferred()
def duplicate_as_draft(career):
    """A draft copy of a career with all its children, to start a new one from."""
    children = {name: list(getattr(career, name).all()) for name in CHILDREN}
    copy = CareerPath.objects.get(pk=career.pk)
    copy.pk = None
    copy._state.adding = True
    copy.title = unique_copy_title(career.title, career.is_sample)
    copy.slug = unique_copy_slug(career.slug)
    copy.status = CareerStatus.DRAFT
    copy.publish_at = None
    copy.last_reviewed = None
    copy.save()
    for rows in children.values():
        for row in rows:
            row.pk = None
            row._state.adding = True
            row.career = copy
        if rows:
            type(rows[0]).objects.bulk_create(rows)
    return copy


def renumber_positions(career):
    """Number each ordered child list 1, 2, 3… with no gaps, keeping the order."""
    for name in POSITIONED:
        rows = list(getattr(career, name).order_by("position"))
        moving = [
            (row.pk, index)
            for index, row in enumerate(rows, start=1)
            if row.position != index
        ]
        if not moving:
            continue
        model = type(rows[0])
        siblings = model.objects.filter(career=career)
        # Park the moving rows above every position first: unique per career.
        top = siblings.aggregate(top=Max("position"))["top"]
        siblings.filter(pk__in=[pk for pk, _ in moving]).update(
            position=F("position") + top + 1
        )
        for pk, index in moving:
            siblings.filter(pk=pk).update(position=index)


def needs_review_filter(months):
    """Careers whose review date, or any salary source, is older than `months`."""
    cutoff = date.today() - timedelta(days=round(months * 30.44))
    return (
        Q(last_reviewed__isnull=True)
        | Q(last_reviewed__lt=cutoff)
        | Q(stages__source__retrieved_on__lt=cutoff)
    )


# Revisions (django-reversion) compared field by field.


def version_rows(revision):
    """A revision's career fields, and its children as readable lines."""
    career_fields, children = {}, {name: [] for name in CHILDREN}
    related = {
        field.related_model: field.get_accessor_name()
        for field in CareerPath._meta.related_objects
        if field.get_accessor_name() in CHILDREN
    }
    for version in revision.version_set.select_related("content_type"):
        model = version.content_type.model_class()
        if model is CareerPath:
            career_fields = version.field_dict
        elif model in related:
            children[related[model]].append(describe_child(version.field_dict))
    for lines in children.values():
        lines.sort()
    return career_fields, children


def describe_child(fields):
    """A child row of a revision as one line, naming its factor or skill (or
    their id, if they have been deleted since)."""
    if "factor_id" in fields:
        factor = Factor.objects.filter(pk=fields["factor_id"]).first()
        name = factor or fields["factor_id"]
        return f"{name}: {fields['score']}/10 — {fields['reason']}"
    parts = [f"{fields.get('position', '')}."]
    if "skill_id" in fields:
        skill = Skill.objects.filter(pk=fields["skill_id"]).first()
        parts.append(f"[{skill or fields['skill_id']}]")
    for name in ("kind", "title", "salary_min", "salary_max", "currency"):
        if fields.get(name) not in (None, ""):
            parts.append(str(fields[name]))
    text = fields.get("text") or fields.get("description") or ""
    return " ".join(parts) + (f" — {text}" if text else "")


def compare_revisions(old, new):
    """Rows of (label, old text, new text, diff lines) for what differs."""
    old_fields, old_children = version_rows(old)
    new_fields, new_children = version_rows(new)
    rows = []
    for field in CareerPath._meta.concrete_fields:
        if field.name in ("id", "created", "updated", *DERIVED_FIELDS):
            continue
        before = old_fields.get(field.attname)
        after = new_fields.get(field.attname)
        if before != after:
            rows.append(diff_row(field.verbose_name, before, after))
    for name in CHILDREN:
        if old_children[name] != new_children[name]:
            label = CareerPath._meta.get_field(
                name
            ).related_model._meta.verbose_name_plural
            rows.append(
                diff_row(
                    label, "\n".join(old_children[name]), "\n".join(new_children[name])
                )
            )
    return rows


def diff_row(label, before, after):
    before = "" if before is None else str(before)
    after = "" if after is None else str(after)
    lines = [
        line
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if not line.startswith("?")
    ]
    return {"label": label, "before": before, "after": after, "diff": lines}
