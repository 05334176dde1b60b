"""What operators' scripts rely on: stdout carries only a command's output,
logs go to stderr, a start-up error is one line, progress bars show only on a
terminal, and gunicorn binds loopback unless told otherwise.

Every command runs in a fresh interpreter, as an operator runs it, with an
environment of the test's own: no developer .env, no pytest-env secrets.
"""

import json
import os
import re
import secrets
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import MLOPS_FILE
from tests.processes import run_manage

ROOT = Path(__file__).resolve().parent.parent
# Seconds for one command; the slowest, migrate, takes about 4.
TIMEOUT = 120
NO_SECRET_MESSAGE = "Configuration error: SECRET_KEY is not set."


def environment(**variables):
    """A bare environment: only PATH, no settings file, plus `variables`."""
    return {"PATH": os.environ["PATH"], "ENV_FILE": os.devnull, **variables}


def manage(env, *args, **options):
    return run_manage(env, *args, timeout=TIMEOUT, **options)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The production settings (DEBUG off) on a migrated SQLite database of
    the module's own, holding the shipped MLOps guide."""
    directory = tmp_path_factory.mktemp("operators")
    env = environment(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="careers.example.org",
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
    )
    for command in (["migrate", "--no-input"], ["import_careers", str(MLOPS_FILE)]):
        result = manage(env, *command)
        assert result.returncode == 0, result.stderr
    return env


def assert_no_logs(stdout):
    """No JSON log line and no django-axes banner among a command's output."""
    assert "AXES" not in stdout
    for line in stdout.splitlines():
        assert not line.startswith('{"time"'), line


def test_logs_go_to_stderr(site):
    """A log event is one JSON line on stderr; stdout stays empty."""
    result = manage(
        site,
        "shell",
        "--no-imports",
        "-c",
        "import logging; logging.getLogger('probe').error('hi')",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    event = json.loads(result.stderr.strip().splitlines()[-1])
    assert (event["logger"], event["level"], event["message"]) == (
        "probe",
        "ERROR",
        "hi",
    )
    assert "AXES: BEGIN" not in result.stderr


def test_dumpdata_writes_a_valid_backup(site):
    """`dumpdata careers > backup.json` gives JSON that loads, and nothing else."""
    result = manage(site, "dumpdata", "careers")
    assert result.returncode == 0, result.stderr
    assert_no_logs(result.stdout)
    rows = json.loads(result.stdout)
    careers = [row for row in rows if row["model"] == "careers.careerpath"]
    assert [row["fields"]["slug"] for row in careers] == ["mlops-engineer"]


def test_export_prints_one_written_path_per_line(site, tmp_path):
    """export_careers --output DIR prints the path of each file it wrote."""
    result = manage(
        site, "export_careers", "--slug", "mlops-engineer", "--output", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert_no_logs(result.stdout)
    lines = result.stdout.splitlines()
    assert [Path(line).resolve() for line in lines] == [
        (tmp_path / "mlops-engineer.yaml").resolve()
    ]
    assert all(Path(line).is_file() for line in lines)


def test_check_deploy_prints_only_its_report(site):
    """`check --deploy` on a sound production configuration prints its verdict."""
    result = manage(site, "check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert_no_logs(result.stdout)
    assert result.stdout == "System check identified no issues (0 silenced).\n"


@pytest.mark.parametrize("command", [["check"], ["dumpdata", "careers"]])
def test_a_missing_secret_key_is_one_line(command):
    """Without SECRET_KEY and DEBUG, a command prints one line that says what to
    set, not a traceback, and fails."""
    result = manage(environment(), *command)
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(NO_SECRET_MESSAGE)
    assert "DEBUG=true" in result.stderr


def test_the_wsgi_application_fails_with_one_line():
    """Any WSGI server loading portal.wsgi without SECRET_KEY gets one line and
    exit code 4, gunicorn's "App failed to load"."""
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 4
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(NO_SECRET_MESSAGE)


def test_gunicorn_without_secret_key_stops_with_one_clear_line():
    """gunicorn refuses to start before any worker, naming what to set."""
    with tempfile.TemporaryDirectory() as metrics:
        result = subprocess.run(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            # Port 0: the kernel's choice, in case it binds after all.
            env=environment(PORT="0", PROMETHEUS_MULTIPROC_DIR=metrics),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count(NO_SECRET_MESSAGE) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "Booting worker" not in result.stderr


def gunicorn_config(**variables):
    code = "import runpy; print(runpy.run_path('gunicorn.conf.py')['bind'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment(**variables),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_gunicorn_binds_loopback_by_default():
    """Out of the box gunicorn is reachable from this machine only; HOST and
    PORT choose another address."""
    assert gunicorn_config() == "127.0.0.1:8000"
    assert gunicorn_config(HOST="10.0.0.21", PORT="9000") == "10.0.0.21:9000"


@pytest.mark.parametrize(
    ("variables", "address"),
    [({}, "127.0.0.1:8000"), ({"PORT": "8123", "HOST": "0.0.0.0"}, "0.0.0.0:8123")],
)
def test_make_run_and_demo_honour_port_and_host(variables, address):
    """`make run` and `make demo` serve at HOST:PORT, loopback:8000 by default."""
    for target in ("run", "demo"):
        result = subprocess.run(
            ["make", "--dry-run", target],
            cwd=ROOT,
            env=environment(**variables),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert result.returncode == 0, result.stderr
        assert f"manage.py runserver {address}\n" in result.stdout


SEED = ["seed_synthetic", "--careers", "3"]


def run_on_a_terminal(env, *args):
    """Run a command with stderr on a pseudo-terminal; return what it showed
    there and its stdout."""
    controller, terminal = os.openpty()
    with tempfile.TemporaryFile() as stdout:
        try:
            process = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=terminal,
            )
        finally:
            os.close(terminal)
        shown = b""
        deadline = time.monotonic() + TIMEOUT
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([controller], [], [], 1)
                if not ready:
                    continue
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # the command closed the terminal: it ended
                    break
                if not chunk:
                    break
                shown += chunk
        finally:
            os.close(controller)
            process.wait(timeout=TIMEOUT)
        stdout.seek(0)
        return shown.decode(errors="replace"), stdout.read().decode()


def test_progress_bar_on_a_terminal(site):
    """On a terminal, seeding shows a bar with counts, on stderr only."""
    shown, stdout = run_on_a_terminal(site, *SEED)
    assert "Writing: 100%" in shown
    assert "3/3" in shown
    assert "it/s" in shown or "career/s" in shown
    assert stdout == "Seeded 3 sample career path(s) with seed 1.\n"


def test_no_progress_bar_with_verbosity_0(site):
    """--verbosity 0 on a terminal shows no bar."""
    shown, _ = run_on_a_terminal(site, *SEED, "--verbosity", "0")
    assert "Writing" not in shown
    assert "3/3" not in shown


def test_no_progress_bar_in_a_pipe(site):
    """With stderr piped, as in a script or cron, nothing like a bar is written."""
    result = manage(site, *SEED)
    assert result.returncode == 0, result.stderr
    assert "Writing" not in result.stderr
    assert "3/3" not in result.stderr
    assert result.stdout == "Seeded 3 sample career path(s) with seed 1.\n"


def content_commands(tmp_path):
    """An import and an export, each with the bars it shows on a terminal."""
    return {
        "import": (["import_careers", str(MLOPS_FILE)], ["Checking", "Writing"]),
        "export": (["export_careers", "--output", str(tmp_path)], ["Exporting"]),
    }


@pytest.mark.parametrize("name", ["import", "export"])
def test_content_commands_show_progress_on_a_terminal(site, tmp_path, name):
    """import_careers and export_careers count their files on a terminal, on
    stderr, and stay quiet in a pipe."""
    args, bars = content_commands(tmp_path)[name]
    shown, stdout = run_on_a_terminal(site, *args)
    for bar in bars:
        # Done, with its count: "Writing: 100%|█████| 4/4 [...]".
        assert re.search(rf"{bar}: 100%\|[^|]*\| (\d+)/\1 ", shown), shown
    assert "100%" not in stdout

    piped = manage(site, *args, "--force") if name == "export" else manage(site, *args)
    assert piped.returncode == 0, piped.stderr
    for bar in bars:
        assert bar not in piped.stderr
