"""Revisions (django-reversion) of a career, compared field by field."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from .models import DERIVED_FIELDS, CareerPath, Factor, Skill
from .shape import CHILDREN, SCORE_MAX

if TYPE_CHECKING:
    from reversion.models import Revision


def version_rows(revision: Revision) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A revision's career fields, and its children as readable lines."""
    career_fields: dict[str, Any]
    children: dict[str, list[str]]
    career_fields, children = {}, {name: [] for name in CHILDREN}
    # Model -> accessor name; a child relation always has one.
    related: dict[Any, str] = {
        field.related_model: field.get_accessor_name()  # type: ignore[misc]
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


def describe_child(fields: dict[str, Any]) -> str:
    """A child row of a revision as one line, naming its factor or skill (or
    their id, if they have been deleted since)."""
    if "factor_id" in fields:
        factor = Factor.objects.filter(pk=fields["factor_id"]).first()
        name = factor or fields["factor_id"]
        return f"{name}: {fields['score']}/{SCORE_MAX} — {fields['reason']}"
    parts = [f"{fields.get('position', '')}."]
    if "skill_id" in fields:
        skill = Skill.objects.filter(pk=fields["skill_id"]).first()
        parts.append(f"[{skill or fields['skill_id']}]")
    for name in ("kind", "title", "salary_min", "salary_max", "currency"):
        if fields.get(name) not in (None, ""):
            parts.append(str(fields[name]))
    text = fields.get("text") or fields.get("description") or ""
    return " ".join(parts) + (f" — {text}" if text else "")


def compare_revisions(old: Revision, new: Revision) -> list[dict[str, Any]]:
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
            # A child relation: related_model is a model class, never None.
            label = CareerPath._meta.get_field(
                name
            ).related_model._meta.verbose_name_plural  # type: ignore[union-attr]
            rows.append(
                diff_row(
                    label, "\n".join(old_children[name]), "\n".join(new_children[name])
                )
            )
    return rows


def diff_row(label: Any, before: Any, after: Any) -> dict[str, Any]:
    before = "" if before is None else str(before)
    after = "" if after is None else str(after)
    lines = [
        line
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if not line.startswith("?")
    ]
    return {"label": label, "before": before, "after": after, "diff": lines}
