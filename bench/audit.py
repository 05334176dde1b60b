"""Lighthouse scores of the main pages, served by the production stack.

    .venv/bin/python bench/audit.py      (or `make audit`)

Starts gunicorn with DEBUG off on a free loopback port and a throwaway SQLite
database, audits each page with the mobile and desktop presets, prints the
scores and every audit that cost points, and exits non-zero when a score is
below its threshold in package.json ("lighthouse" → "thresholds").
JSON reports go to bench/results/lighthouse/.
"""

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

# The benchmark's rule for a yardstick that moved (bench/README.md, Noise).
from benchmark.config import NOISY_SPREAD_PCT
from benchmark.noise import spread_pct

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "lighthouse"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

PAGES = {"home": "/", "directory": "/careers/", "career": "/careers/mlops-engineer/"}
PRESETS = ("mobile", "desktop")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The machine has no outside network: nothing in Chromium should try to reach it.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
LIGHTHOUSE_TIMEOUT = 180
ATTEMPTS = 3
# How many runs judge a performance score below its threshold (the median).
PERFORMANCE_RUNS = 3
STARTUP_TIMEOUT = 60


def ensure_chromium():
    if os.access(CHROME_PATH, os.X_OK):
        return
    print(f"Chromium not found at {CHROME_PATH}: apt-get install -y chromium")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "chromium"]
    if subprocess.run(install, env=env, timeout=900).returncode:
        # A fresh machine may not have the package lists yet.
        subprocess.run(["apt-get", "update", "-q"], env=env, timeout=300, check=True)
        subprocess.run(install, env=env, timeout=900, check=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, server, log_path):
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}: see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"{url} did not answer within {STARTUP_TIMEOUT} s")


def audit(url, preset, report):
    """Run Lighthouse once and return its JSON report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if preset != "mobile":  # mobile is Lighthouse's default
        command.append(f"--preset={preset}")
    env = {**os.environ, "CHROME_PATH": CHROME_PATH}
    # Now and then a trace misses an event (NO_NAVSTART, NO_FCP) on a busy
    # machine and Lighthouse asks to be run again: so it is, a bounded number
    # of times.
    for attempt in range(1, ATTEMPTS + 1):
        # Its own process group, so a timeout also ends the Chromium it started.
        with subprocess.Popen(command, env=env, start_new_session=True) as run:
            try:
                returncode = run.wait(timeout=LIGHTHOUSE_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)
                raise
        if returncode == 0:
            return json.loads(report.read_text())
        print(f"Lighthouse exited with {returncode} (attempt {attempt}/{ATTEMPTS})")
    sys.exit(f"Lighthouse failed {ATTEMPTS} times on {url} ({preset})")


def lost_points(result, category):
    """The audits that scored below 1 in a category, as "id: title" lines."""
    audits = result["audits"]
    for ref in result["categories"][category]["auditRefs"]:
        found = audits[ref["id"]]
        if found["score"] is not None and found["score"] < 1:
            value = f" ({found['displayValue']})" if found.get("displayValue") else ""
            yield f"{ref['id']}: {found['title']}{value}"


def scores_of(result, page, preset):
    if result.get("runtimeError"):
        sys.exit(f"{page} {preset}: {result['runtimeError']['message']}")
    return {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}


def run_audits(base_url, thresholds):
    """Score every page with every preset: table rows and lost-points lines.

    Performance is the one timed category, and this machine's speed drifts
    (docs/performance.md): a performance score below its threshold is
    measured PERFORMANCE_RUNS times in all and judged by the median, as
    Lighthouse's documentation advises for variable scores. The other
    categories do not depend on timing and are judged on the first run.
    """
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows, problems = [], []
    for page, path in PAGES.items():
        for preset in PRESETS:
            print(f"Lighthouse: {page} ({path}), {preset}", flush=True)
            report = RESULTS / f"{page}-{preset}.json"
            result = audit(base_url + path, preset, report)
            scores = scores_of(result, page, preset)
            noisy = None
            if scores["performance"] < thresholds["performance"]:
                runs = [scores["performance"]]
                speeds = [result["environment"]["benchmarkIndex"]]
                for _ in range(PERFORMANCE_RUNS - 1):
                    again = audit(base_url + path, preset, report)
                    runs.append(scores_of(again, page, preset)["performance"])
                    speeds.append(again["environment"]["benchmarkIndex"])
                scores["performance"] = round(statistics.median(runs))
                # Lighthouse's own measure of the machine's speed, taken in
                # each run: apart by more than the benchmark's noise limit,
                # the machine drifted under the runs and the miss is reported,
                # not judged (as `make bench` does with a noisy miss).
                if spread_pct(speeds) > NOISY_SPREAD_PCT:
                    noisy = f"benchmarkIndex {min(speeds):.0f} to {max(speeds):.0f}"
                print(
                    f"  performance in {len(runs)} runs: {runs}, median used; "
                    f"benchmarkIndex {', '.join(f'{x:.0f}' for x in speeds)}"
                )
            rows.append((page, preset, scores, noisy))
            for category, score in scores.items():
                if score < 100:
                    problems.append(f"{page} {preset} {category} {score}:")
                    problems.extend(
                        f"  {line}" for line in lost_points(result, category)
                    )
    return rows, problems


def print_table(rows, thresholds):
    header = f"{'page':<10} {'preset':<8}" + "".join(f" {c:>14}" for c in CATEGORIES)
    print(header)
    print("-" * len(header))
    for page, preset, scores, _ in rows:
        print(
            f"{page:<10} {preset:<8}" + "".join(f" {scores[c]:>14}" for c in CATEGORIES)
        )
    print(f"{'threshold':<19}" + "".join(f" {thresholds[c]:>14}" for c in CATEGORIES))


def prepare(env):
    """The deploy steps of `make serve`, then the shipped and sample content."""
    content = sorted(str(path) for path in ROOT.glob("content/*.yaml"))
    for args in (
        ["collectstatic", "--no-input", "--verbosity", "0"],
        ["migrate", "--no-input", "--verbosity", "0"],
        ["import_careers", *content],
        ["seed_synthetic", "--careers", "12"],
    ):
        command = [PYTHON, "manage.py", *args]
        subprocess.run(command, cwd=ROOT, env=env, timeout=300, check=True)


@contextmanager
def gunicorn(env, base_url):
    """gunicorn serving the portal until the block ends, however it ends."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(base_url + "/healthz", server, log_path)
            yield
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def main():
    package = json.loads((ROOT / "package.json").read_text())
    thresholds = package["lighthouse"]["thresholds"]
    ensure_chromium()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci` (or `make audit`).")

    started = time.monotonic()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="audit-") as tmp:
        env = {
            **os.environ,
            "ENV_FILE": "/dev/null",
            "DEBUG": "false",
            "SECRET_KEY": "audit-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{tmp}/audit.sqlite3",
            "STATIC_ROOT": f"{tmp}/static",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",  # keeps start-up logs out of the table
        }
        prepare(env)
        with gunicorn(env, base_url):
            rows, problems = run_audits(base_url, thresholds)

    print()
    print_table(rows, thresholds)
    elapsed = time.monotonic() - started
    print(f"\n{len(rows)} audits in {elapsed:.0f} s; reports in {RESULTS}/")
    if problems:
        print("\nAudits that cost points:\n" + "\n".join(problems))
    failed, noisy = [], []
    for page, preset, scores, drift in rows:
        for c in CATEGORIES:
            if scores[c] < thresholds[c]:
                line = f"{page} {preset} {c}: {scores[c]} < {thresholds[c]}"
                if c == "performance" and drift:
                    noisy.append(f"{line} (noisy, not judged: {drift})")
                else:
                    failed.append(line)
    if noisy:
        print("\nBelow the thresholds while the machine's speed drifted:")
        print("\n".join(noisy))
    if failed:
        sys.exit("\nBelow the thresholds in package.json:\n" + "\n".join(failed))


if __name__ == "__main__":
    main()
