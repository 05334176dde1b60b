"""The machine and the code measured."""

import contextlib
import hashlib
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .config import CORES, ROOT, HarnessError, say


def machine_info():
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0.0
    with contextlib.suppress(OSError, AttributeError):
        text = Path("/proc/meminfo").read_text()
        memory = int(re.search(r"MemTotal:\s+(\d+)", text).group(1)) / 1024**2
    wrk = subprocess.run(
        ["wrk", "-v"], capture_output=True, text=True, timeout=10, check=False
    )
    wrk_version = (wrk.stdout + wrk.stderr).splitlines()[0].split(" Copyright")[0]
    return {
        "cpu_model": cpu,
        "cores": CORES,
        "memory_gb": round(memory, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": importlib.metadata.version("Django"),
        "gunicorn": importlib.metadata.version("gunicorn"),
        "wrk": wrk_version.strip(),
    }


SNAPSHOT_SKIP = (".git/", ".venv/", "node_modules/", "bench/results/", "staticfiles/")


def snapshot_source(dest):
    """Copy the working tree, tracked and new files, into `dest`; which code it is.

    The whole run uses the copy, so edits made meanwhile cannot mix code
    versions within one measurement.
    """

    def git(*args):
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        return done.stdout if done.returncode == 0 else ""

    names = git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    names = sorted({name for name in names.split("\0") if name})
    if not names:  # not a git checkout: everything but the skipped folders
        names = sorted(
            str(path.relative_to(ROOT))
            for path in ROOT.rglob("*")
            if path.is_file() and path.parts[len(ROOT.parts)] != ".git"
        )
    digest = hashlib.sha256()
    for name in names:
        source = ROOT / name
        if name.startswith(SNAPSHOT_SKIP) or not source.is_file():
            continue  # skipped, or deleted in the working tree
        data = source.read_bytes()
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        shutil.copymode(source, target)
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    changed = [line[3:] for line in git("status", "--porcelain").splitlines()]
    commit = git("rev-parse", "HEAD").strip()
    return {
        "commit": commit,
        "describe": (commit[:12] or "no git")
        + (" + uncommitted changes" if changed else ""),
        "uncommitted_files": changed,
        "tree_sha256": digest.hexdigest(),
    }


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise HarnessError("wrk is missing; install it (Debian: apt-get install wrk)")
    say("wrk is missing: installing it with `apt-get install -y wrk`")
    for command in (["apt-get", "install", "-y", "wrk"], ["apt-get", "update"]):
        subprocess.run(command, timeout=600, check=False, stdout=sys.stderr)
        if shutil.which("wrk"):
            return
    subprocess.run(
        ["apt-get", "install", "-y", "wrk"], timeout=600, check=False, stdout=sys.stderr
    )
    if not shutil.which("wrk"):
        raise HarnessError("wrk is missing and `apt-get install -y wrk` failed")
