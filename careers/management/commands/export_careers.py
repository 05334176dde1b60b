from django.core.management.base import BaseCommand, CommandError

from careers.content import export_careers
from careers.models import CareerPath


class Command(BaseCommand):
    help = "Export career paths as content files, one <slug>.yaml per career."

    def add_arguments(self, parser):
        parser.add_argument(
            "--slug",
            action="append",
            dest="slugs",
            metavar="SLUG",
            help="Export only this career (repeat for several). Default: all.",
        )
        parser.add_argument("--output", required=True, metavar="DIR")

    def handle(self, *args, slugs, output, **options):
        if slugs:
            known = set(
                CareerPath.objects.filter(slug__in=slugs).values_list("slug", flat=True)
            )
            if missing := sorted(set(slugs) - known):
                raise CommandError(f"No career path with slug: {', '.join(missing)}")
        paths = export_careers(output, slugs)
        for path in paths:
            self.stdout.write(f"Wrote {path}")
        self.stdout.write(self.style.SUCCESS(f"Exported {len(paths)} career path(s)."))
