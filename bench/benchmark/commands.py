"""The benchmark's commands, run in its environment, and its set-up."""

import concurrent.futures
import contextlib
import json
import os
import re
import subprocess
import time

from .config import PAGES, PYTHON, RUN_PY, HarnessError, say
from .noise import LoadSampler
from .server import LIVE_COMMANDS
from .services import Stack


class Commands:
    """What Bench runs: project commands and helpers, and the set-up."""

    def __init__(self, config, tmp, src):
        self.config = config
        self.tmp = tmp
        self.src = src
        self.stack = Stack(tmp)
        self.static_root = tmp / "static"
        self.sampler = LoadSampler(self.stack)
        self.measurements = []
        self.timings = {}
        self.notes = []
        self.sizes = {}
        self.queries = {}
        self.bodies = {}
        self.static_path = None
        self.static_bytes = None
        # 1, and 2 while targets missed in a noisy measurement are measured again.
        self.attempt = 1

    def env(self, role, page_cache=None, **extra):
        env = dict(os.environ)
        for name in ("PAGE_CACHE", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"):
            env.pop(name, None)
        env.update(
            ENV_FILE="/dev/null",
            DEBUG="false",
            SECRET_KEY="bench-only-not-secret",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            STATIC_ROOT=str(self.static_root),
            DATABASE_URL=self.stack.database_url(role),
            CACHE_URL=self.stack.cache_url,
            **extra,
        )
        if page_cache is not None:
            env["PAGE_CACHE"] = "true" if page_cache else "false"
        return env

    def run(self, args, *, role, timeout, label, quiet_log=True):
        """Run a Python command of the project; its output if it succeeded."""
        env = self.env(role)
        if quiet_log:
            env["LOG_LEVEL"] = "WARNING"
        with subprocess.Popen(
            [str(PYTHON), *args],
            cwd=self.src,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            LIVE_COMMANDS.add(proc)
            try:
                stdout, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                raise HarnessError(f"{label} took longer than {timeout} s") from None
            finally:
                LIVE_COMMANDS.discard(proc)
        if proc.returncode != 0:
            output = (stdout + stderr).strip().splitlines()[-25:]
            raise HarnessError(
                f"{label} failed ({proc.returncode}):\n" + "\n".join(output)
            )
        return stdout

    def manage(self, *args, role="small", timeout=600):
        label = f"manage.py {' '.join(args)[:80]}"
        return self.run(["manage.py", *args], role=role, timeout=timeout, label=label)

    def helper(self, *args, role="small", timeout=600):
        out = self.run(
            [str(RUN_PY), *args],
            role=role,
            timeout=timeout,
            label=f"bench helper {args[0]}",
        )
        return json.loads(out.strip().splitlines()[-1])

    def timed(self, name, function, *args, **kwargs):
        started = time.monotonic()
        result = function(*args, **kwargs)
        self.timings[name] = round(time.monotonic() - started, 2)
        return result

    # Set-up

    def setup(self):
        """The cache, databases for both sizes and for the import (and one for
        the import measured again), and the static files.

        The steps are independent, so they share the cores; nothing is measured
        meanwhile. One database is migrated, the others are copies of it.
        """
        config = self.config
        self.stack.claim_cache()
        self.files = self.tmp / "import-files"
        content_dir = self.src / "content"
        shipped = sorted(str(p) for p in content_dir.glob("*.yaml"))

        def content(role, size):
            self.manage("import_careers", *shipped, role=role)
            self.sizes[size] = self.seed(size, role)

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            early = [
                pool.submit(
                    self.timed,
                    "collectstatic_s",
                    self.manage,
                    "collectstatic",
                    "--no-input",
                    "--verbosity",
                    "0",
                ),
                pool.submit(
                    self.timed,
                    "generate_s",
                    self.helper,
                    "generate",
                    str(self.files),
                    str(config.import_files),
                ),
            ]
            self.stack.create_database("small")
            self.timed("migrate_s", self.manage, "migrate", "--no-input", role="small")
            for role in ("large", "import", "import2"):
                self.stack.create_database(role, template="small")
            later = [
                pool.submit(self.timed, f"content_{role}_s", content, role, size)
                for role, size in (("small", config.small), ("large", config.large))
            ]
            try:
                for future in early + later:
                    future.result()
            except BaseException:
                # The other steps' commands would run on; end them.
                for proc in list(LIVE_COMMANDS):
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
                raise
        # One at a time: with Redis, both would share its cached pages.
        for role, size in (("small", config.small), ("large", config.large)):
            self.stack.flush_cache()
            self.queries[size] = self.timed(
                f"queries_{role}_s",
                self.helper,
                "queries",
                json.dumps(dict(PAGES)),
                role=role,
            )
            self.sizes[size]["careers"] = self.queries[size]["careers"]

    def seed(self, count, role):
        started = time.monotonic()
        try:
            self.manage(
                "seed_synthetic", "--careers", str(count), role=role, timeout=3600
            )
            seeded = count
        except HarnessError as error:
            limit = re.search(r"from 1 to (\d+)", str(error))
            if not limit:
                raise
            seeded = int(limit.group(1))
            note = (
                f"seed_synthetic refused --careers {count} (its limit is {seeded}); "
                f"measured with {seeded} sample careers instead"
            )
            self.notes.append(note)
            say(note)
            self.manage(
                "seed_synthetic", "--careers", str(seeded), role=role, timeout=3600
            )
        seconds = time.monotonic() - started
        return {"requested": count, "seeded": seeded, "seed_s": round(seconds, 1)}
