"""Render the pages nginx shows for its own errors into a directory.

    python manage.py render_error_pages /srv/career-portal/error-pages

nginx cannot render templates, and while gunicorn is down nothing else can.
So at each release, after collectstatic, this renders templates/413.html,
429.html and 503.html with the production settings and writes them with
their stylesheet inlined: shown during an outage, a page needs nothing from
the app. Prints each path it wrote, one a line.
"""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

PAGES = ("413.html", "429.html", "503.html")
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)">')


def inline_stylesheets(html, name):
    """Replace each stylesheet link of `html` with the collected file's text."""

    def inline(match):
        url = match["url"]
        if not url.startswith(settings.STATIC_URL):
            raise CommandError(f"{name}: stylesheet {url} is not under STATIC_URL")
        with staticfiles_storage.open(url.removeprefix(settings.STATIC_URL)) as css:
            return f"<style>\n{css.read().decode()}</style>"

    html, count = STYLESHEET.subn(inline, html)
    if not count:
        raise CommandError(f"{name}: no stylesheet link to inline")
    return html


def render_error_pages(directory):
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PAGES:
        path = directory / name
        html = inline_stylesheets(render_to_string(name), name)
        path.write_text(html, encoding="utf-8")  # as nginx's charset says
        written.append(path)
    return written


class Command(BaseCommand):
    help = "Render nginx's error pages (413, 429, 503) into DIRECTORY."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        for path in render_error_pages(directory):
            self.stdout.write(str(path))
