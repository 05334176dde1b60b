import functools

from django.core.management.base import BaseCommand, CommandError

from careers import changes
from careers.contentfiles import ContentError, import_files
from portal.progress import progress


class Command(BaseCommand):
    help = (
        "Import career paths from content files (YAML, one career per file). "
        "All-or-nothing: if any file is invalid, nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate the files without writing anything.",
        )

    def handle(self, *args, files, dry_run, **options):
        try:
            # Each career's history records the import, naming its file.
            parsed = import_files(
                files,
                dry_run=dry_run,
                record=True,
                progress=functools.partial(progress, verbosity=options["verbosity"]),
            )
        except ContentError as error:
            report = error.report("Nothing was imported; {count} problem(s) found")
            raise CommandError(report) from error
        if not dry_run:
            changes.analyze(len(parsed))
        verb = "Validated" if dry_run else "Imported"
        for item in parsed:
            self.stdout.write(f"{verb} {item.career.slug} from {item.filename}")
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {len(parsed)} career path(s).")
            + (" Nothing was written (--dry-run)." if dry_run else "")
        )
