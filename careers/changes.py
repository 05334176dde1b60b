"""What changed in the content, and the version that names it.

Every save or delete of content records a ContentChange in its own
transaction (careers.signals calls `content_changed`; code that uses
QuerySet.update(), which sends no signal, calls it itself). The page cache
(portal.pagecache) stores pages under the version `stored_version` derives
from those rows; it reads it through the PAGE_CACHE_VERSION_SOURCE setting,
as the plumbing never imports the domain.
"""

from django.db import transaction
from django.db.models import Count, Max, Min

from portal import pagecache

from .models import CareerPath, ContentChange


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
