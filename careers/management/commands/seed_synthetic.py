import functools

from django.core.management.base import BaseCommand, CommandError

from careers import changes
from careers.contentfiles import ContentError
from careers.demo.generator import DEFAULT_SEED, MAX_CAREERS, seed_careers
from portal.progress import progress


class Command(BaseCommand):
    help = (
        "Create or update invented sample career paths for trying the portal. "
        "Their slugs start with sample-; the same count and seed always give the "
        "same content, so running again updates them in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--careers",
            type=int,
            required=True,
            metavar="N",
            help=f"How many sample careers, from 1 to {MAX_CAREERS}.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed for the content (default {DEFAULT_SEED}).",
        )

    def handle(self, *args, careers, seed, **options):
        if not 1 <= careers <= MAX_CAREERS:
            raise CommandError(
                f"--careers must be from 1 to {MAX_CAREERS}, not {careers}."
            )
        try:
            parsed = seed_careers(
                careers,
                seed,
                progress=functools.partial(progress, verbosity=options["verbosity"]),
            )
        except ContentError as error:
            report = error.report("No sample careers were written; {count} problem(s)")
            raise CommandError(report) from error
        changes.analyze(len(parsed))
        if options["verbosity"] >= 2:
            for item in parsed:
                self.stdout.write(f"Seeded {item.career.slug}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {len(parsed)} sample career path(s) with seed {seed}."
            )
        )
