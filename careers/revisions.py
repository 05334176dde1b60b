"""Revisions (django-reversion) of a career, compared field by field."""

from __future__ import annotations

import difflib
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from .models import (
    DERIVED_FIELDS,
    CareerPath,
    Factor,
    PayPeriod,
    SalarySource,
    ScoreCitation,
    Skill,
    Source,
)
from .shape import CHILDREN, SCORE_MAX

if TYPE_CHECKING:
    from reversion.models import Revision


def version_rows(revision: Revision) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A revision's career fields, and its children as readable lines (a
    score's with the sources it cites)."""
    career_fields: dict[str, Any]
    children: dict[str, list[str]]
    career_fields, children = {}, {name: [] for name in CHILDREN}
    rows: list[tuple[str, str, dict[str, Any]]] = []
    cited: defaultdict[str, list[tuple[int, Any]]] = defaultdict(list)
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
        elif model is ScoreCitation:
            fields = version.field_dict
            cited[str(fields["score_id"])].append(
                (fields["position"], fields["source_id"])
            )
        elif model in related:
            rows.append((related[model], version.object_id, version.field_dict))
    for name, object_id, fields in rows:
        sources = [source for _position, source in sorted(cited[object_id])]
        children[name].append(describe_child(fields, sources))
    for lines in children.values():
        lines.sort()
    return career_fields, children


def named(model: Any, pk: Any) -> Any:
    """The row, or its id if it has been deleted since."""
    return model.objects.filter(pk=pk).first() or pk


def describe_child(fields: dict[str, Any], sources: list[Any] | None = None) -> str:
    """A child row of a revision as one line, naming its factor, skill and
    sources (by id, if they have been deleted since); a score's `sources`
    are the ids of those it cites, in order."""
    if "factor_id" in fields:
        name = named(Factor, fields["factor_id"])
        line = f"{name}: {fields['score']}/{SCORE_MAX} — {fields['reason']}"
        if fields.get("evidence"):
            line += f" Evidence: {fields['evidence']}"
        if sources:
            line += " Sources: " + "; ".join(str(named(Source, s)) for s in sources)
        return line
    parts = [f"{fields.get('position', '')}."]
    if "skill_id" in fields:
        parts.append(f"[{named(Skill, fields['skill_id'])}]")
    for name in ("kind", "title", "salary_min", "salary_max", "currency"):
        if fields.get(name) not in (None, ""):
            parts.append(str(fields[name]))
    parts += figures(fields)
    text = fields.get("text") or fields.get("description") or ""
    return " ".join(parts) + (f" — {text}" if text else "")


def figures(fields: dict[str, Any]) -> list[str]:
    """A stage's median, pay period and source, and a step's time and cost."""
    parts = []
    if fields.get("salary_median") is not None:
        parts.append(f"median {fields['salary_median']}")
    if fields.get("pay_period"):
        parts.append(str(PayPeriod(fields["pay_period"]).label))
    if fields.get("source_id") is not None:
        parts.append(f"(source: {named(SalarySource, fields['source_id'])})")
    if fields.get("duration_min_months") is not None:
        low, high = fields["duration_min_months"], fields["duration_max_months"]
        parts.append(f"{low}–{high} months" if low != high else f"{low} months")
    if fields.get("cost_min") is not None:
        low, high = fields["cost_min"], fields["cost_max"]
        cost = f"{low}–{high}" if low != high else f"{low}"
        parts.append(f"cost {cost} {fields['cost_currency']}")
    return parts


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
