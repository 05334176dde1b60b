"""External validators that judge the output: the Nu Html Checker (npm
vnu-jar, run with the machine's Java)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def vnu_jar():
    """The Nu Html Checker's jar: VNU_JAR, or the npm package vnu-jar in the
    repository; None without it or without Java."""
    jar = os.environ.get("VNU_JAR") or REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
    if not shutil.which("java") or not Path(jar).is_file():
        return None
    return Path(jar)


# CI installs it (npm ci) and must run it; elsewhere it is optional.
needs_vnu = pytest.mark.skipif(
    vnu_jar() is None and os.environ.get("CI") != "true",
    reason="no Nu Html Checker: `npm ci`, or set VNU_JAR",
)


def html_errors(pages, directory):
    """The Nu Html Checker's messages on `pages` ({name: HTML bytes}), each
    as (name, line, message); one Java start for all of them."""
    files = {}
    for name, content in pages.items():
        path = Path(directory) / f"{name}.html"
        path.write_bytes(content)
        files[str(path.resolve())] = name
    checked = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return [
        (
            files.get(message.get("url", "").removeprefix("file:"), "?"),
            message.get("lastLine"),
            message["message"],
        )
        for message in json.loads(checked.stderr)["messages"]
    ]
