"""
What is computed from a career and its children, kept current as they change.

- `overall_score` and `top_salary`, stored on the career so that lists can
  sort and page by them with an index, whatever the number of careers;
- its search document, on PostgreSQL (careers.search);
- its rendered article, marked stale to be rendered on the next visit
  (careers.article.rendering).

`refresh()` recomputes them in one UPDATE. `connect()` runs it after every save
or delete of a career or one of its children, and for the careers that show a
shared row (category, factor, skill, salary source) when that row changes.
bulk_create() and QuerySet.update() send no signal: code that uses them runs
inside `deferred()`, which also refreshes each career once rather than per row.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, router
from django.db.models import Avg, Max, OuterRef, Subquery
from django.db.models.signals import post_delete, post_save, pre_delete

from . import search
from .article import rendering
from .models import (
    CareerPath,
    CareerSkill,
    Category,
    EducationRequirement,
    Factor,
    FactorScore,
    SalarySource,
    Skill,
    Stage,
    Step,
)

CHILDREN = (FactorScore, Step, Stage, CareerSkill, EducationRequirement)
# How to find the careers that show a shared row.
SHOWN_BY = {
    Category: "category",
    Factor: "scores__factor",
    SalarySource: "stages__source",
    Skill: "skills__skill",
}


def per_career(rows, aggregate):
    """One aggregate of a child table for the outer career, as a subquery."""
    return Subquery(
        rows.filter(career=OuterRef("pk"))
        .order_by()
        .values("career")
        .annotate(value=aggregate)
        .values("value")
    )


def update(careers):
    """Recompute everything derived for every career in a queryset."""
    values = {
        "overall_score": per_career(FactorScore.objects, Avg("score")),
        "top_salary": per_career(Stage.objects, Max("salary_max")),
        "rendered_version": rendering.stale_marker(),
    }
    if connections[router.db_for_write(CareerPath)].vendor == "postgresql":
        values["search_document"] = search.document()
    careers.update(**values)


# Loads of at least this many careers update the planner's statistics.
BULK_LOAD = 100


def analyze(count):
    """After a bulk load, have the database update its statistics, so that its
    query planner knows, for example, that nearly every career is live and
    pages through them by index rather than sorting them all."""
    if count < BULK_LOAD:
        return
    connection = connections[router.db_for_write(CareerPath)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Also marks the pages all-visible, so that counting live careers
            # reads only an index; VACUUM cannot run inside a transaction.
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def refresh(*careers):
    """Recompute what is derived for these careers (instances or keys)."""
    update(CareerPath.objects.filter(pk__in=[getattr(c, "pk", c) for c in careers]))


# The careers changed inside deferred(), refreshed when it ends; None outside.
pending: ContextVar[set[int] | None] = ContextVar(
    "careers_derived_pending", default=None
)


@contextmanager
def deferred() -> Iterator[None]:
    """Refresh each career changed inside the block once, as the block ends.

    For code that writes many rows of a career, which would otherwise refresh
    it after every row, or that bulk-creates rows, which sends no signal. Also
    a decorator. Nothing is refreshed if the block raises.
    """
    if pending.get() is not None:
        yield  # nested: the outermost block refreshes
        return
    careers: set[int] = set()
    token = pending.set(careers)
    try:
        yield
    finally:
        pending.reset(token)
    if careers:
        refresh(*careers)


def changed(career_id):
    if (careers := pending.get()) is None:
        refresh(career_id)
    else:
        careers.add(career_id)


def career_saved(sender, instance, **kwargs):
    changed(instance.pk)


def child_changed(sender, instance, origin=None, **kwargs):
    if isinstance(origin, CareerPath) or getattr(origin, "model", None) is CareerPath:
        return  # deleted with its career
    changed(instance.career_id)


def shared_changed(sender, instance, created=False, **kwargs):
    if not created:  # a new row is shown by no career yet
        update(CareerPath.objects.filter(**{SHOWN_BY[sender]: instance}))


def connect():
    post_save.connect(career_saved, sender=CareerPath, dispatch_uid="derived-career")
    for model in CHILDREN:
        uid = f"derived-{model._meta.label}"
        post_save.connect(child_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(child_changed, sender=model, dispatch_uid=f"{uid}-del")
    for model in SHOWN_BY:
        uid = f"derived-{model._meta.label}"
        post_save.connect(shared_changed, sender=model, dispatch_uid=uid)
        # Before, while the rows that refer to it can still be found.
        pre_delete.connect(shared_changed, sender=model, dispatch_uid=f"{uid}-del")
