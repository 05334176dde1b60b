from django.core.management.base import BaseCommand

from careers import changes


class Command(BaseCommand):
    help = (
        "Recompute everything derived from the careers (scores, top salaries, "
        "search documents, stored articles) and invalidate every cached page. "
        "Run it after changing content outside Django, e.g. with psql."
    )

    def handle(self, *args, **options):
        count = changes.refresh_all()
        self.stdout.write(
            self.style.SUCCESS(
                f"Refreshed {count} career path(s); cached pages will be rendered "
                "again."
            )
        )
