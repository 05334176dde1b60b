"""Helpers run in a subprocess with the benchmark's environment and Django set up.

bench/run.py runs them: `run.py import|queries|generate ARGS...`.
"""

import json
import os
import re
import sys
import time
from pathlib import Path


def setup_django():
    # The project is the snapshot the helper runs in, not this file's checkout.
    sys.path.insert(0, os.getcwd())
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django

    django.setup()


def helper_queries(pages_json):
    """SQL queries per request of each page and mode, via the test client."""
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from careers.models import CareerPath

    client = Client(HTTP_HOST="127.0.0.1")

    def count(path, **headers):
        with CaptureQueriesContext(connection) as context:
            response = client.get(path, **headers)
        return response, [q["sql"][:300] for q in context.captured_queries]

    out = {}
    for name, path in json.loads(pages_json).items():
        # The connection is opened before capturing (CaptureQueriesContext
        # does that), so connection set-up is never counted.
        with override_settings(PAGE_CACHE=False):
            response, cold = count(path)
            response, queries = count(path)
        page = {
            "off": {
                "status": response.status_code,
                "queries": len(queries),
                "first_request": len(cold),
                "sql": queries,
            }
        }
        with override_settings(PAGE_CACHE=True):
            client.get(path)  # fills the cache
            response, queries = count(path)
            page["on"] = {"status": response.status_code, "queries": len(queries)}
            etag = response.get("ETag", "")
            response, queries = count(path, HTTP_IF_NONE_MATCH=etag)
            page["304"] = {"status": response.status_code, "queries": len(queries)}
        out[name] = page
    careers = CareerPath.objects.published().count()
    print(json.dumps({"careers": careers, "pages": out}))


def helper_generate(directory, count):
    """Content files of `count` sample careers, dumped as the project does."""
    setup_django()
    from careers.contentfiles.export import dump
    from careers.demo import generator

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    items = generator.generate(int(count))
    for item in items:
        (directory / f"{item['slug']}.yaml").write_text(dump(item), encoding="utf-8")
    print(json.dumps({"files": len(items)}))


def helper_import(files_json):
    """Time `import_careers FILE...` itself, without the process start-up."""
    setup_django()
    import io

    from django.core.management import call_command

    files = json.loads(files_json)
    output = io.StringIO()
    started = time.monotonic()
    call_command("import_careers", *files, stdout=output)
    seconds = time.monotonic() - started
    imported = re.search(r"Imported (\d+) career path", output.getvalue())
    count = int(imported.group(1)) if imported else 0
    print(json.dumps({"imported": count, "seconds": seconds}))
