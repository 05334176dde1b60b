"""What the tests that start real servers and commands share: a free
loopback port, a manage.py run with the given settings, and a stop that
cannot hang."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 120


def free_port():
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_manage(env, *args, timeout=COMMAND_TIMEOUT, **options):
    """manage.py with exactly the environment `env`, its output captured."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **options,
    )


def manage(env, *args):
    """Like run_manage, failing the test unless the command succeeds; its stdout."""
    result = run_manage(env, *args)
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def stop(process, timeout=15):
    """Stop a server gracefully (SIGTERM); if it hangs, kill its process group
    (started with start_new_session=True: it and its workers)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
