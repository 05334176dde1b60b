"""
`make bench`: the performance of the production stack, measured on this machine.

Starts gunicorn as `make serve` does (DEBUG off, collected static files served
by WhiteNoise) on a throwaway database holding the shipped guide plus sample
careers, and loads public pages with wrk over loopback: each page with the page
cache off, with it on (warmed), and as a 304 revalidation, against the static
CSS of the same server run as the baseline. It also counts SQL queries per page
in-process, measures at two content sizes, times `import_careers`, and runs a
mixed-URL soak. Prints a markdown table and writes bench/results/latest.json.

    .venv/bin/python bench/run.py                  # or `make bench`
    BENCH_QUICK=1 .venv/bin/python bench/run.py    # smoke run, about a minute

PostgreSQL is used when BENCH_DATABASE_URL (or DATABASE_URL) names a server,
Redis when BENCH_CACHE_URL (or CACHE_URL) is a Redis URL or `redis-server` (a
server of the benchmark's own); see bench/README.md for what is touched on them
and for the other BENCH_ variables.

Exit status: 0 when every target is met, noisy (not judged) or a listed known
miss; 1 when a target is missed in a clean measurement (a noisy miss is
measured once more first); 2 when the harness itself fails (server did not
start, a page gave 500, no wrk).
"""

import contextlib
import datetime
import json
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

# bench/ is on sys.path, as this script's folder: the package beside it.
from benchmark.bench import Bench
from benchmark.config import (
    GUNICORN,
    HARNESS_FAILED,
    PAGES,
    RESULTS,
    SCALE_PAGES,
    Config,
    HarnessError,
    Interrupted,
    say,
)
from benchmark.helpers import helper_generate, helper_import, helper_queries
from benchmark.machine import ensure_wrk, machine_info, snapshot_source
from benchmark.report import report
from benchmark.server import LIVE_COMMANDS, LIVE_SERVERS
from benchmark.targets import figures
from benchmark.verdicts import exit_status, judge, to_measure_again, verdict_lines

# Main


def main():
    started_wall = datetime.datetime.now(datetime.UTC)
    started = time.monotonic()
    config = Config.from_env()
    ensure_wrk()
    if not GUNICORN.exists():
        raise HarnessError(f"{GUNICORN} is missing; run `make install` first")
    tmp = Path(tempfile.mkdtemp(prefix="career-portal-bench-"))
    error = imported = soak = imported2 = soak2 = None
    again, stack_info = [], {}
    try:
        code = snapshot_source(tmp / "src")
        bench = Bench(config, tmp, tmp / "src")
        say(
            f"{'quick' if config.quick else 'full'} run of {code['describe']}: "
            f"{bench.stack.database} + {bench.stack.cache}, sizes {config.small} "
            f"and {config.large}, temp {tmp}"
        )
        bench.sampler.start()
        try:
            bench.stack.start_redis()
            stack_info = bench.stack.versions()
            bench.timed("setup_s", bench.setup)
            bench.timed("small_s", bench.measure_size, config.small, "small", PAGES)
            scale = [(name, path) for name, path in PAGES if name in SCALE_PAGES]
            # A smoke run skips the cache-on server at the large size: the scale
            # targets are about uncached pages, and the small size covers the rest.
            groups = ("off",) if config.quick else ("off", "on")
            bench.timed(
                "large_s", bench.measure_size, config.large, "large", scale, groups
            )
            imported = bench.timed("import_s", bench.measure_import)
            soak = bench.timed("soak_s", bench.measure_soak, config.large, "large")
            # Targets missed in a noisy measurement are measured once more.
            *_, first = figures(bench, 1, imported, soak)
            again = to_measure_again(first, config)
            if again:
                say(f"missed in a noisy measurement, measuring again: {again}")
                imported2, soak2 = bench.timed("again_s", bench.remeasure, again)
        except HarnessError as failure:
            # What was measured so far is still written, marked as failed.
            error = str(failure)
            say(f"failed: {error}")
        finally:
            bench.sampler.stop()
            for proc in list(LIVE_COMMANDS):
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
            for server in list(LIVE_SERVERS):
                server.stop()
            for cleanup in (
                bench.stack.flush_cache,
                bench.stack.stop_redis,
                bench.stack.drop_databases,
            ):
                try:
                    cleanup()
                except Exception as problem:  # report it, and go on cleaning up
                    say(f"clean-up: {cleanup.__name__} failed: {problem}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    rows, scale, result_targets = figures(bench, 1, imported, soak)
    remeasured_rows, second = [], []
    if again:
        rows2, _, second = figures(bench, 2, imported2 or imported, soak2 or soak)
        remeasured_rows = [row for row in rows2 if row["attempt"] == 2]
    result_targets = judge(result_targets, second, again, config, error)
    verdicts = [t["verdict"] for t in result_targets]
    runs = [
        *bench.measurements,
        *(run for run in (soak, soak2) if run),
    ]
    results = {
        "schema": 2,
        "started": started_wall.strftime("%Y-%m-%d %H:%M UTC"),
        "elapsed_s": round(time.monotonic() - started, 1),
        "error": error,
        "config": asdict(config),
        "machine": machine_info(),
        "stack": {**stack_info, "workers": config.workers, "access_log": "/dev/null"},
        "code": code,
        "static_path": bench.static_path,
        "sizes": {str(size): info for size, info in bench.sizes.items()},
        "pages": rows,
        "scale": scale,
        "remeasured_pages": remeasured_rows,
        "queries": {str(size): q for size, q in bench.queries.items()},
        "import": imported,
        "import_remeasured": imported2,
        "soak": soak,
        "soak_remeasured": soak2,
        "timings": bench.timings,
        "notes": list(dict.fromkeys(bench.notes)),
        "measurements": bench.measurements,
        "targets": result_targets,
        "summary": {
            "targets_met": verdicts.count("met"),
            "targets_failed": verdicts.count("FAIL"),
            "targets_known_misses": verdicts.count("known miss"),
            "targets_noisy": verdicts.count("noisy"),
            "measured_again": again,
            "runs": len(runs),
            "noisy_runs": sum(r["noise"]["noisy"] for r in runs),
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, default=str) + "\n"
    stamp = started_wall.strftime("%Y%m%d-%H%M%S")
    kind = "quick" if config.quick else "full"
    (RESULTS / f"{stamp}-{kind}-{bench.stack.database}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    print(report(results), flush=True)
    say("targets: " + ", ".join(f"{t['id']} {t['verdict']}" for t in result_targets))
    if error:
        raise HarnessError(f"{error}\n(partial results written)")
    # A 503 under load is a result (the soak target); a 500 is a broken page.
    broken = sorted(
        "soak" if run is soak else run["path"]
        for run in runs
        if run["statuses"].get(500)
    )
    if broken:
        raise HarnessError(
            f"500 answers during the runs ({', '.join(broken)}); results written"
        )
    for line in verdict_lines(result_targets):
        print(line, file=sys.stderr)
    return exit_status(result_targets)


def entry():
    if len(sys.argv) > 1 and sys.argv[1] == "import":
        return helper_import(sys.argv[2])
    if len(sys.argv) > 1 and sys.argv[1] == "queries":
        return helper_queries(sys.argv[2])
    if len(sys.argv) > 1 and sys.argv[1] == "generate":
        return helper_generate(sys.argv[2], sys.argv[3])

    def terminate(signum, frame):
        raise Interrupted()

    signal.signal(signal.SIGTERM, terminate)
    try:
        return main()
    except HarnessError as error:
        print(f"bench: {error}", file=sys.stderr)
        return HARNESS_FAILED
    except (KeyboardInterrupt, Interrupted):
        print(
            "bench: interrupted; servers stopped, temp files removed", file=sys.stderr
        )
        return 130


if __name__ == "__main__":
    sys.exit(entry())
