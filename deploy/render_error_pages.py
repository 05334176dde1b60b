"""Render the pages nginx shows for its own errors into a directory.

    .venv/bin/python deploy/render_error_pages.py /srv/career-portal/error-pages

nginx cannot render templates, and while gunicorn is down nothing else can.
So at each release, after collectstatic, this renders templates/413.html,
429.html and 503.html with the production settings and writes them with
their stylesheet inlined: shown during an outage, a page needs nothing from
the app. Prints each path it wrote, one a line.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("413.html", "429.html", "503.html")
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)">')


def inline_stylesheets(html, name):
    """Replace each stylesheet link of `html` with the collected file's text."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage

    def inline(match):
        url = match["url"]
        if not url.startswith(settings.STATIC_URL):
            raise SystemExit(f"{name}: stylesheet {url} is not under STATIC_URL")
        with staticfiles_storage.open(url.removeprefix(settings.STATIC_URL)) as css:
            return f"<style>\n{css.read().decode()}</style>"

    html, count = STYLESHEET.subn(inline, html)
    if not count:
        raise SystemExit(f"{name}: no stylesheet link to inline")
    return html


def render_error_pages(directory):
    from django.template.loader import render_to_string

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PAGES:
        path = directory / name
        path.write_text(inline_stylesheets(render_to_string(name), name))
        written.append(path)
    return written


def main(argv):
    if len(argv) != 2:
        raise SystemExit(f"usage: {argv[0]} DIRECTORY")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    for path in render_error_pages(Path(argv[1])):
        print(path)


if __name__ == "__main__":
    main(sys.argv)
