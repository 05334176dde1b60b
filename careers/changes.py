"""
What follows a change of content: the one rule.

Every save or delete of a content model, however it happens (the admin, an
import, a `manage.py shell`), reaches the receivers that `connect()` attaches
to Django's signals, and they do two things:

- **Derived state.** The career, or every career that shows a changed shared
  row (category, factor, skill, source) is refreshed: `overall_score` and
  the yearly salary span (stored so lists sort and page by them with an index), its
  search document on PostgreSQL (careers.search), and its stored article,
  marked stale to be rendered on the next visit (careers.article.rendering).
  `refresh()` does it for any careers in one UPDATE.
- **The page cache.** A ContentChange row is written in the same transaction,
  once per transaction, and when that commits the new content version reaches
  the shared cache (portal.pagecache.share_version), so every node's next
  request misses the old pages. The page cache reads the version from
  `stored_version()`, named by the PAGE_CACHE_VERSION_SOURCE setting, as the
  plumbing never imports the domain.

bulk_create() and QuerySet.update() send no signal: code that uses them runs
inside `deferred()` (which also refreshes each career once rather than per
row) or calls `refresh()`, which records the change for the page cache too.
Changes made outside Django altogether (psql, a restored dump) are followed by
`manage.py refresh_careers`: `refresh_all()`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, router, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.db.models.signals import post_delete, post_save, pre_delete

from portal import pagecache

from . import search, shape
from .article import rendering
from .models import (
    CareerPath,
    Category,
    ContentChange,
    Factor,
    FactorScore,
    SalarySource,
    ScoreCitation,
    Skill,
    Source,
    Stage,
)
from .models.common import PayPeriod

CHILDREN = [CareerPath._meta.get_field(name).related_model for name in shape.CHILDREN]
# How to find the careers that show a shared row.
SHOWN_BY = {
    Category: "category",
    Factor: "scores__factor",
    SalarySource: "stages__source",
    Skill: "skills__skill",
    Source: ("scores__citations__source", "employment_source", "projection_source"),
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
    # The figures paid per year (see Stage.period), which lists compare.
    yearly = Stage.objects.filter(
        Q(pay_period=PayPeriod.YEAR)
        | Q(pay_period="", source__isnull=True)
        | Q(pay_period="", source__pay_period=PayPeriod.YEAR),
        Q(salary_min__isnull=False) | Q(salary_max__isnull=False),
    )
    values = {
        "overall_score": per_career(FactorScore.objects, Avg("score")),
        "low_salary": per_career(yearly, Min(Coalesce("salary_min", "salary_max"))),
        "top_salary": per_career(yearly, Max(Coalesce("salary_max", "salary_min"))),
        "salary_currency": Coalesce(
            per_career(
                yearly,
                Case(When(Exact(Count("currency", distinct=True), 1), Min("currency"))),
            ),
            Value(""),
        ),
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
    """Recompute what is derived for these careers (instances or keys), and
    record the change for the page cache: for code that changed them without
    sending signals."""
    update_careers(careers)
    content_changed()


def update_careers(careers):
    update(CareerPath.objects.filter(pk__in=[getattr(c, "pk", c) for c in careers]))


def refresh_all():
    """Recompute everything derived for every career and bump the page cache,
    after changes made outside Django; returns how many careers."""
    with transaction.atomic():
        careers = CareerPath.objects.all()
        count = careers.count()
        update(careers)
        content_changed()
    analyze(count)
    return count


# The careers changed inside deferred(), refreshed when it ends; None outside.
pending: ContextVar[set[int] | None] = ContextVar(
    "careers_changes_pending", default=None
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
        update_careers(careers)  # their signals recorded the change


def changed(career_id):
    if (careers := pending.get()) is None:
        update_careers([career_id])
    else:
        careers.add(career_id)


# The receivers


def content_saved(sender, **kwargs):
    content_changed()


def career_saved(sender, instance, **kwargs):
    changed(instance.pk)


def child_changed(sender, instance, origin=None, **kwargs):
    if isinstance(origin, CareerPath) or getattr(origin, "model", None) is CareerPath:
        return  # deleted with its career
    changed(instance.career_id)


def citation_changed(sender, instance, origin=None, **kwargs):
    if getattr(origin, "model", type(origin)) in (CareerPath, FactorScore):
        return  # deleted with its score, which is followed
    changed(
        FactorScore.objects.values_list("career", flat=True).get(pk=instance.score_id)
    )


def shared_changed(sender, instance, created=False, **kwargs):
    if not created:  # a new row is shown by no career yet
        lookups = SHOWN_BY[sender]
        if isinstance(lookups, str):
            lookups = (lookups,)
        shown = Q.create([(lookup, instance) for lookup in lookups], connector=Q.OR)
        update(CareerPath.objects.filter(pk__in=CareerPath.objects.filter(shown)))


def connect(models):
    """Attach the receivers: the page cache's to every model in `models` (all
    are shown on some public page), the derived state's to the career, its
    children and the shared rows."""
    for model in models:
        uid = f"changes-pages-{model._meta.label}"
        post_save.connect(content_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(content_saved, sender=model, dispatch_uid=f"{uid}-del")
    post_save.connect(career_saved, sender=CareerPath, dispatch_uid="changes-career")
    for model in CHILDREN:
        uid = f"changes-{model._meta.label}"
        post_save.connect(child_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(child_changed, sender=model, dispatch_uid=f"{uid}-del")
    uid = "changes-careers.ScoreCitation"
    post_save.connect(citation_changed, sender=ScoreCitation, dispatch_uid=uid)
    post_delete.connect(
        citation_changed, sender=ScoreCitation, dispatch_uid=f"{uid}-del"
    )
    for model in SHOWN_BY:
        uid = f"changes-{model._meta.label}"
        post_save.connect(shared_changed, sender=model, dispatch_uid=uid)
        # Before, while the rows that refer to it can still be found.
        pre_delete.connect(shared_changed, sender=model, dispatch_uid=f"{uid}-del")


# The page cache's version


def stored_version():
    """The content version as the database has it, and the next moment a
    scheduled career goes live (which changes it), or None.

    The version names the committed changes and the last scheduled
    publication that has come due, so every node derives the same one.
    """
    changes = ContentChange.objects.aggregate(count=Count("pk"), last=Max("at"))
    due = CareerPath.objects.published().aggregate(at=Max("publish_at"))["at"]
    upcoming = CareerPath.objects.scheduled().aggregate(at=Min("publish_at"))["at"]
    # The time as well as the count: a database restored from a backup counts
    # from an earlier number again, but never at the same moments.
    version = "-".join(
        str(part.timestamp() if hasattr(part, "timestamp") else part or 0)
        for part in (changes["count"], changes["last"], due)
    )
    return version, upcoming


def content_changed():
    """Invalidate every cached page, on every node, once the change commits.

    The change is recorded in the database within its own transaction, so it
    cannot commit unrecorded whatever happens to the cache or this process
    afterwards, then told to the cache once committed. Once per transaction:
    an import of many careers sends thousands of signals, and one record
    covers them all. (A savepoint that rolls back drops its record and its
    hook with the changes they stood for.)"""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        hook is pagecache.share_version
        for _sids, hook, _robust in connection.run_on_commit
    ):
        return
    ContentChange.objects.create()
    transaction.on_commit(pagecache.share_version)
