"""Cache invalidation on content changes.

Signals rather than explicit calls, because content also changes outside our
code paths: in the admin, in imports, in a `manage.py shell`. QuerySet.update()
sends no signal; code that uses it calls careers.changes.content_changed().
"""

from django.db.models.signals import post_delete, post_save

from .changes import content_changed


def invalidate_pages(sender, **kwargs):
    content_changed()


def connect(models):
    for model in models:
        post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-{model}")
        post_delete.connect(
            invalidate_pages, sender=model, dispatch_uid=f"pages-del-{model}"
        )
