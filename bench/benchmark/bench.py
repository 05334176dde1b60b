"""The benchmark: the pages, the import, the soak, and measuring again."""

import json
import re
import statistics
import threading
import time

from .config import PAGES, HarnessError, say
from .measure import Measuring
from .noise import Snapshot, others_noise, spread_pct
from .proc import proc_stat
from .report import fmt
from .server import Server, fetch
from .targets import REMEASURE


class Bench(Measuring):
    """One run of the benchmark; Commands and Measuring hold the rest of it."""

    def measure_import(self, role="import"):
        """The import, with the static CSS measured just before and just
        after it by an idle server: the import's rate, like a page's, is
        judged as a ratio to the machine's speed at that moment."""
        files = sorted(str(p) for p in self.files.glob("*.yaml"))
        say(f"import: {len(files)} files into an empty database")
        if self.static_path is None:
            raise HarnessError("the import is measured after the pages")
        with Server(self, f"{role}-yardstick", "small", False) as server:
            start = self.measure(server, self.static_path, expect=200)
            result = self.timed_import(files, role)
            end = self.measure(server, self.static_path, expect=200)
        reference = statistics.mean([start["rps"], end["rps"]])
        spread = spread_pct([start["rps"], end["rps"]])
        if spread > self.config.noisy_spread_pct:
            result["noise"]["noisy"] = True
            result["noise"]["reasons"].append(
                f"static CSS {start['rps']:.0f}/s just before, "
                f"{end['rps']:.0f}/s just after ({spread:.0f}% apart)"
            )
        result.update(
            reference_rps=round(reference, 1),
            reference_spread_pct=round(spread, 1),
            ratio=round(result["careers_per_s"] / reference, 4) if reference else None,
        )
        say(
            f"import: {result['careers_per_s']} careers/s, static CSS "
            f"{reference:.0f}/s beside it: {fmt(result['ratio'], 4)}"
            + (" NOISY" if result["noise"]["noisy"] else "")
        )
        return result

    def timed_import(self, files, role):
        others_load = self.sampler.others_load()
        before = Snapshot.take(None, self.stack)
        # The import's database backend lives only as long as the command, so
        # its CPU is read while it runs: it is the benchmark's, not noise.
        seen, stopping = dict(before.services), threading.Event()

        def track():
            while not stopping.wait(0.1):
                for pid in self.stack.service_pids():
                    if stat := proc_stat(pid):
                        seen[pid] = stat[1]

        tracker = threading.Thread(target=track, name="import-services", daemon=True)
        tracker.start()
        started = time.monotonic()
        try:
            out = self.helper("import", json.dumps(files), role=role, timeout=3600)
        finally:
            wall = time.monotonic() - started
            stopping.set()
            tracker.join(timeout=10)
        after = Snapshot.take(None, self.stack)
        after.services = {**seen, **after.services}
        noise = others_noise(self.config, before, after, others_load)
        count, seconds = out["imported"], out["seconds"]
        if count != len(files):
            raise HarnessError(f"import_careers imported {count} of {len(files)}")
        return {
            "files": len(files),
            "imported": count,
            "seconds": round(seconds, 2),
            "careers_per_s": round(count / seconds, 1),
            "wall_s": round(wall, 2),
            "careers_per_s_wall": round(count / wall, 1),
            "note": "import_careers FILE... run by call_command in a fresh process: "
            "seconds is the command itself, wall_s the whole process with Python "
            "and Django start-up",
            "noise": noise,
            "attempt": self.attempt,
        }

    def soak_paths(self, server):
        paths = [path for _, path in PAGES] + [
            "/careers/?page=2",
            "/careers/?q=data&sort=score",
            "/careers/sample-data-analyst/",
            "/skills/",
            "/api/careers/",
            "/api/skills/",
            "/sitemap.xml",
            "/robots.txt",
            "/feeds/careers/",
            self.static_path,
        ]
        _, body = self.check_page(server, "skills", "/skills/")
        skill = re.search(rb'href="(/skills/[^/"]+/)"', body)
        if skill:
            paths.append(skill.group(1).decode())
        kept, dropped = [], []
        for path in paths:
            status = fetch(server.port, path)[0]
            if status >= 500:
                raise HarnessError(f"soak URL {path} answered {status}")
            (kept if status == 200 else dropped).append(path)
        if dropped:
            self.notes.append(f"soak: left out (not 200): {', '.join(dropped)}")
        return kept

    def measure_soak(self, size, role):
        say(f"soak: {self.config.soak_s} s, {self.config.soak_connections} connections")
        self.stack.flush_cache()
        # PAGE_CACHE unset: the production default for this cache backend.
        with Server(self, f"{size}-soak", role, None) as server:
            paths = self.soak_paths(server)
            result = self.measure(server, paths[0], expect=None, paths=paths, soak=True)
        errors = result["socket_errors"] + result["unexpected_status"]
        result.update(
            size=size,
            paths=paths,
            page_cache="default (on)" if self.stack.redis else "default (off)",
            connections=self.config.soak_connections,
            seconds=self.config.soak_s,
            timeout_s=self.config.soak_timeout_s,
            total_errors=errors,
            attempt=self.attempt,
        )
        say(
            f"soak: {result['rps']:.0f}/s, {errors} errors"
            + (" NOISY" if result["noise"]["noisy"] else "")
        )
        return result

    def remeasure(self, ids):
        """Measure these targets once more, as attempt 2; (import, soak) of it.

        Server runs that several targets need are merged, with the union of
        their pages, and run BENCH_RUNS times as the first time.
        """
        self.attempt = 2
        servers, others, imported, soak = {}, set(), None, None
        for key in ids:
            for action in REMEASURE[key]:
                if isinstance(action, tuple):
                    size, group, pages = action
                    servers.setdefault((size, group), set()).update(pages)
                else:
                    others.add(action)
        for (role, group), names in servers.items():
            size = self.config.small if role == "small" else self.config.large
            pages = [(name, path) for name, path in PAGES if name in names]
            say(f"again: {size} careers, cache {group}: {', '.join(dict(pages))}")
            self.measure_size(size, role, pages, groups=(group,))
        if "import" in others:
            imported = self.measure_import(role="import2")
        if "soak" in others:
            soak = self.measure_soak(self.config.large, "large")
        return imported, soak
