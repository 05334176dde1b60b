"""The page measurements: wrk runs against one server at a time."""

import json
import re
import subprocess

from .commands import Commands
from .config import CLK_TCK, LUA, HarnessError, say
from .noise import Snapshot, delta, others_noise, yardstick
from .proc import loadavg
from .report import fmt
from .server import Server, fetch


class Measuring(Commands):
    """Bench's wrk runs, server runs and their records."""

    # Measuring

    def wrk(self, port, path, *, duration, connections, timeout, headers=(), paths=()):
        config = self.config
        command = [
            "wrk",
            f"-t{min(config.threads, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            f"{timeout}s",
            "--latency",
            "-s",
            str(LUA),
        ]
        for header in headers:
            command += ["-H", header]
        command.append(f"http://127.0.0.1:{port}{path}")
        if paths:
            command += ["--", *paths]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=duration + 60,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise HarnessError(f"wrk on {path} did not finish") from None
        for line in done.stdout.splitlines():
            if line.startswith("BENCH_JSON "):
                return json.loads(line.removeprefix("BENCH_JSON "))
        raise HarnessError(
            f"wrk gave no result ({done.returncode}): {done.stderr or done.stdout}"
        )

    def measure(self, server, path, *, expect, headers=(), paths=(), soak=False):
        """One wrk run with its CPU, memory and noise readings."""
        config = self.config
        duration = config.soak_s if soak else config.duration_s
        connections = config.soak_connections if soak else config.connections
        timeout = config.soak_timeout_s if soak else config.timeout_s
        if config.warmup_s and not soak:
            self.wrk(
                server.port,
                path,
                duration=config.warmup_s,
                connections=connections,
                timeout=timeout,
                headers=headers,
            )
        others_load = self.sampler.others_load()
        load = loadavg()
        before = Snapshot.take(server, self.stack)
        raw = self.wrk(
            server.port,
            path,
            duration=duration,
            connections=connections,
            timeout=timeout,
            headers=headers,
            paths=paths,
        )
        after = Snapshot.take(server, self.stack)

        requests = raw["requests"]
        workers = delta(after.workers, before.workers)
        services = delta(after.services, before.services)
        noise = others_noise(config, before, after, others_load)
        statuses = {int(code): count for code, count in raw["statuses"].items()}
        errors = raw["errors"]
        socket_errors = sum(errors[k] for k in ("connect", "read", "write", "timeout"))
        unexpected = requests - (
            sum(n for code, n in statuses.items() if 200 <= code < 400)
            if expect is None
            else statuses.get(expect, 0)
        )
        seconds = raw["duration_us"] / 1e6
        return {
            "path": path,
            "requests": requests,
            "rps": round(requests / seconds, 1) if seconds else 0.0,
            "p50_ms": round(raw["latency_us"]["p50"] / 1000, 2),
            "p90_ms": round(raw["latency_us"]["p90"] / 1000, 2),
            "p99_ms": round(raw["latency_us"]["p99"] / 1000, 2),
            "bytes_per_response": round(raw["bytes"] / requests) if requests else None,
            "cpu_ms_per_request": round(workers / CLK_TCK * 1000 / requests, 3)
            if requests
            else None,
            "service_cpu_ms_per_request": round(services / CLK_TCK * 1000 / requests, 3)
            if requests
            else None,
            "worker_rss_mb": round(server.max_rss_mb() or 0, 1),
            "statuses": statuses,
            "expected_status": expect,
            "unexpected_status": unexpected,
            "errors": errors,
            "socket_errors": socket_errors,
            "noise": {"load_before": load, **noise},
        }

    def check_page(self, server, name, path):
        """The page answers 200; its body and ETag."""
        try:
            status, headers, body = fetch(server.port, path)
        except OSError as error:
            raise HarnessError(f"{name} {path}: {error}") from error
        if status != 200:
            raise HarnessError(
                f"{name} {path} answered {status}, not 200:\n"
                f"{body[:500].decode(errors='replace')}\n{server.log_tail()}"
            )
        return headers, body

    def server_run(self, size, role, rep, mode_group, pages):
        """Start one server; measure the static baseline, then each page followed
        by the baseline again: a page's yardstick is the mean of the baselines
        just before and after it, and the page is noisy when they differ by
        more than the spread allowed."""
        page_cache = mode_group == "on"
        modes = ["on", "304"] if page_cache else ["off"]
        self.stack.flush_cache()
        label = f"{size}-{mode_group}-{rep}"
        say(f"server {label}: starting")
        with Server(self, label, role, page_cache) as server:
            if self.static_path is None:
                _, home = self.check_page(server, "home", "/")
                match = re.search(
                    rb'<link rel="stylesheet" href="([^"]+)"', home, re.IGNORECASE
                )
                if not match:
                    raise HarnessError("no <link rel=stylesheet> on the home page")
                self.static_path = match.group(1).decode()
                _, css = self.check_page(server, "static CSS", self.static_path)
                self.static_bytes = len(css)
            etags = {}
            for name, path in pages:
                headers, body = self.check_page(server, name, path)
                self.bodies[(size, name)] = len(body)
                if page_cache:
                    # Warm every worker's cache (local memory is per process).
                    seen = {headers.get("etag")}
                    for _ in range(2 * self.config.workers):
                        seen.add(self.check_page(server, name, path)[0].get("etag"))
                    if None in seen or len(seen) != 1:
                        variants = sorted(map(str, seen))
                        note = f"{name}: ETags differ or are missing: {variants}"
                        self.notes.append(note)
                        say(note)
                    etags[name] = headers.get("etag")
                    status = fetch(
                        server.port, path, {"If-None-Match": etags[name] or ""}
                    )[0]
                    if status != 304:
                        note = f"{name}: If-None-Match with its ETag gave {status}"
                        self.notes.append(note)
                        say(note)
            # The static CSS before and after every page: each page's
            # yardstick is measured beside it, not a dozen runs away, so a
            # machine whose speed drifts (a busy neighbour on the host, which
            # no process here shows) is caught as noise, not as a miss.
            static = self.measure(server, self.static_path, expect=200)
            self.record(size, rep, "static", mode_group, mode_group, static)
            start, results, spreads = static, [], []
            for name, path in pages:
                for mode in modes:
                    if mode == "304":
                        headers = [f"If-None-Match: {etags[name]}"]
                        result = self.measure(server, path, expect=304, headers=headers)
                    else:
                        result = self.measure(server, path, expect=200)
                    self.record(size, rep, name, mode, mode_group, result)
                    after = self.measure(server, self.static_path, expect=200)
                    self.record(size, rep, "static", mode_group, mode_group, after)
                    spreads.append(yardstick(self.config, static, [result], after))
                    results.append(result)
                    static = after
            end = static
            spread = max(s for s, _ in spreads)
            moved = any(m for _, m in spreads)
            say(
                f"server {label}: static {start['rps']:.0f}/s first, "
                f"{end['rps']:.0f}/s last (up to {spread:.0f}% apart around a page"
                + (", NOISY" if moved else "")
                + f"); worker RSS {server.max_rss_mb() or 0:.0f} MB; × static: "
                + ", ".join(
                    f"{r['page']} {r['mode']} {fmt(r['ratio'], 3)}" for r in results
                )
            )

    def record(self, size, rep, page, mode, server_mode, result):
        result.update(
            size=size,
            rep=rep,
            page=page,
            mode=mode,
            server=server_mode,
            attempt=self.attempt,
        )
        if page == "static":
            result["body_bytes"] = self.static_bytes
        else:
            result["body_bytes"] = 0 if mode == "304" else self.bodies[(size, page)]
        self.measurements.append(result)
        flag = " NOISY" if result["noise"]["noisy"] else ""
        bad = result["unexpected_status"] + result["socket_errors"]
        say(
            f"  {size:>5} {page:<10} {mode:<4} {result['rps']:8.1f}/s "
            f"p50 {result['p50_ms']:7.2f} ms"
            + (f" {bad} unexpected/errors" if bad else "")
            + flag
        )

    def measure_size(self, size, role, pages, groups=("off", "on")):
        for rep in range(self.config.runs):
            # Alternate which server goes first, so drift hits both alike.
            for group in groups if rep % 2 == 0 else groups[::-1]:
                self.server_run(size, role, rep, group, pages)
