"""Mutation testing: does the suite fail when the code that guards an
invariant is broken?

    python -m tests.mutation GROUP... [--only GLOB ...] [--fresh]

Each GROUP is a file tests/mutation/GROUP.toml naming the source files to
mutate, the tests that must catch the mutants and the survivors judged
equivalent (with the reason). mutmut runs in a scratch copy of the tree,
.mutation/GROUP/, so the working tree is never touched and reruns are
incremental. Prints a score per source file; exits 1 when one is below
MUTATE_MIN_SCORE (90 by default). docs/testing.md has the report.
"""

import argparse
import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GROUPS = Path(__file__).resolve().parent
WORK = ROOT / ".mutation"
MUTMUT = Path(sys.executable).parent / "mutmut"
# Copied beside the mutated packages: what the settings and the tests read.
ALSO_COPY = [
    "templates",
    "static",
    "content",
    "manage.py",
    "gunicorn.conf.py",
    "deploy",
]
# What the tests import besides the test files themselves.
TEST_SUPPORT = ["tests/conftest.py", "tests/factories.py", "tests/services.py"]
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


def load_group(name):
    path = GROUPS / f"{name}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in GROUPS.glob("*.toml")))
        raise SystemExit(f"No mutation group {name!r} (known: {known}).")
    group = tomllib.loads(path.read_text())
    group.setdefault("functions", [])
    group.setdefault("equivalent", {})
    return group


def tracked_files():
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return {Path(name.decode()) for name in listed.split(b"\0") if name}


def sync(work):
    """Bring the scratch copy up to date with the working tree, leaving
    mutmut's own state (mutants/) alone."""
    files = {path for path in tracked_files() if (ROOT / path).is_file()}
    for path in files:
        source, target = ROOT / path, work / path
        if target.exists() and filecmp.cmp(source, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    for target in list(work.rglob("*")):
        relative = target.relative_to(work)
        if relative.parts[0] == "mutants" or "__pycache__" in relative.parts:
            continue
        if (
            target.is_file()
            and relative not in files
            and relative.name != "pyproject.toml"
        ):
            target.unlink()


def write_config(work, group):
    """The project's pyproject.toml plus this group's [tool.mutmut]."""
    config = {
        "source_paths": ["careers", "portal"],
        "only_mutate": group["files"],
        "also_copy": ALSO_COPY,
        "pytest_add_cli_args_test_selection": group["tests"],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q"],
        # A mutant's tests may take this many times their clean duration
        # (plus a second) before it counts as a timeout: a busy machine is
        # slower than the clean run that timed them.
        "timeout_multiplier": float(os.environ.get("MUTATE_TIMEOUT_MULTIPLIER", 30)),
    }
    lines = ["", "[tool.mutmut]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in config.items()]
    text = (ROOT / "pyproject.toml").read_text() + "\n".join(lines) + "\n"
    (work / "pyproject.toml").write_text(text)


def tests_fingerprint(group):
    digest = hashlib.sha256()
    for name in sorted({*group["tests"], *TEST_SUPPORT}):
        for path in sorted(ROOT.glob(name)) if "*" in name else [ROOT / name]:
            paths = sorted(path.rglob("*.py")) if path.is_dir() else [path]
            for each in paths:
                if each.exists():
                    digest.update(str(each).encode() + each.read_bytes())
    return digest.hexdigest()


def mutmut(work, names, log):
    # Static files built once for the group, not in every mutant's session.
    env = {**os.environ, "TESTS_STATIC_ROOT": str(work.with_suffix(".static"))}
    with open(log, "a") as output:
        subprocess.run(
            [MUTMUT, "run", "--max-children", str(children()), *names],
            cwd=work,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )


def children():
    return int(os.environ.get("MUTATE_CHILDREN", os.cpu_count() or 2))


def results(work, group):
    """{source file: {mutant name: status}} from mutmut's records."""
    from mutmut.stats import status_by_exit_code

    found = {}
    for name in group["files"]:
        meta = work / "mutants" / f"{name}.meta"
        codes = (
            json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        )
        found[name] = {
            mutant: status_by_exit_code[code]
            for mutant, code in codes.items()
            if selected(mutant, group)
        }
    return found


def selected(mutant, group):
    from fnmatch import fnmatch

    return not group["functions"] or any(fnmatch(mutant, g) for g in group["functions"])


def survivors(found):
    return sorted(
        mutant
        for statuses in found.values()
        for mutant, status in statuses.items()
        if status not in KILLED
    )


def run_group(name, only, fresh, report_only=False):
    group = load_group(name)
    work = WORK / name
    if report_only:
        found = results(work, group) if work.is_dir() else {}
        if not any(found.values()):
            raise SystemExit(f"No results for {name} yet: run it without --report")
        return report(name, group, found, work, 0)
    if fresh:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    sync(work)
    write_config(work, group)
    log = work / "run.log"
    log.write_text("")
    started = time.monotonic()

    stamp = work / "tests-fingerprint"
    fingerprint = tests_fingerprint(group)
    rerun = stamp.exists() and stamp.read_text() != fingerprint
    mutmut(work, only or group["functions"], log)
    if rerun and not only:
        # Changed tests may kill what survived them before: check those again.
        again = survivors(results(work, group))
        if again:
            mutmut(work, again, log)
    # A timeout counts as killed only if it happens again: the first may be
    # the machine's load rather than a mutant that loops.
    timed_out = [
        mutant
        for statuses in results(work, group).values()
        for mutant, status in statuses.items()
        if status == "timeout"
    ]
    if timed_out:
        mutmut(work, timed_out, log)
    stamp.write_text(fingerprint)
    elapsed = time.monotonic() - started

    found = results(work, group)
    if not any(found.values()):
        sys.stderr.write(log.read_text()[-4000:])
        raise SystemExit(f"mutmut recorded no results for {name}; see {log}")
    return report(name, group, found, work, elapsed)


def report(name, group, found, work, elapsed):
    equivalent = group["equivalent"]
    print(f"## {name}: {elapsed / 60:.1f} min, {children()} workers\n")
    print("| file | mutants | killed | timeouts | survived | equivalent | score |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    lowest, unexplained = 100.0, []
    for path, statuses in found.items():
        counts = Counter(statuses.values())
        killed = sum(counts[s] for s in KILLED)
        listed = [m for m, s in statuses.items() if m in equivalent and s not in KILLED]
        alive = [
            m for m, s in statuses.items() if s not in KILLED and m not in equivalent
        ]
        unexplained += alive
        if not statuses:
            # Nothing of this file was checked (an --only run): no score.
            print(f"| {path} | 0 | | | | | not run |")
            continue
        judged = len(statuses) - len(listed)
        score = 100.0 * killed / judged if judged else 100.0
        lowest = min(lowest, score)
        print(
            f"| {path} | {len(statuses)} | {killed} | {counts['timeout']} "
            f"| {len(alive)} | {len(listed)} | {score:.1f}% |"
        )
    stale = sorted(set(equivalent) - set(survivors(found)))
    if stale:
        print(f"\nListed as equivalent but no longer surviving: {', '.join(stale)}")
    survivors_file = work / "survivors.txt"
    with open(survivors_file, "w") as output:
        for mutant in unexplained:
            shown = subprocess.run(
                [MUTMUT, "show", mutant], cwd=work, capture_output=True, text=True
            )
            output.write(f"{shown.stdout}\n")
    if unexplained:
        print(f"\n{len(unexplained)} unexplained survivors: {survivors_file}")
    print()
    return lowest


def main():
    parser = argparse.ArgumentParser(prog="python -m tests.mutation")
    parser.add_argument("groups", nargs="+", metavar="GROUP")
    parser.add_argument("--only", action="append", default=[], metavar="GLOB")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results")
    parser.add_argument(
        "--report",
        action="store_true",
        help="the table of the last run, running nothing",
    )
    options = parser.parse_args()
    minimum = float(os.environ.get("MUTATE_MIN_SCORE", 90))
    scores = {
        g: run_group(g, options.only, options.fresh, options.report)
        for g in options.groups
    }
    failing = [g for g, score in scores.items() if score < minimum]
    if failing:
        raise SystemExit(f"Mutation score below {minimum:g}% in: {', '.join(failing)}")


if __name__ == "__main__":
    main()
