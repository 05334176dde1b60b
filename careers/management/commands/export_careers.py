import functools

from django.core.management.base import BaseCommand, CommandError

from careers.contentfiles import ExportConflict, export_careers
from careers.models import CareerPath
from portal.progress import progress


class Command(BaseCommand):
    help = (
        "Export career paths as content files, one <slug>.yaml per career. "
        "Prints the path of each file, one per line."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--slug",
            action="append",
            dest="slugs",
            metavar="SLUG",
            help="Export only this career (repeat for several). Default: all.",
        )
        parser.add_argument("--output", required=True, metavar="DIR")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite files in DIR that hold something else.",
        )

    def handle(self, *args, slugs, output, force, **options):
        if slugs:
            known = set(
                CareerPath.objects.filter(slug__in=slugs).values_list("slug", flat=True)
            )
            if missing := sorted(set(slugs) - known):
                raise CommandError(f"No career path with slug: {', '.join(missing)}")
        try:
            paths = export_careers(
                output,
                slugs,
                force=force,
                progress=functools.partial(progress, verbosity=options["verbosity"]),
            )
        except ExportConflict as conflict:
            raise CommandError(
                f"Nothing was exported; {len(conflict.paths)} file(s) in {output} "
                "already hold something else (--force overwrites them):\n"
                + "\n".join(map(str, conflict.paths))
            ) from conflict
        # stdout carries only the output, one path per line, for scripts.
        for path in paths:
            self.stdout.write(str(path))
        if options["verbosity"] >= 1:
            self.stderr.write(
                f"Exported {len(paths)} career path(s).", self.style.SUCCESS
            )
