"""HTTP to the servers, and the gunicorn server under measurement."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time

from .config import GUNICORN, HarnessError
from .proc import children, proc_stat, rss_mb


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, headers=None, timeout=60):
    """(status, headers with lower-case names, body) of one GET, no redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return (
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            body,
        )
    finally:
        connection.close()


LIVE_SERVERS = []
# Commands running now (possibly in set-up threads), to end on an interruption.
LIVE_COMMANDS = set()


class Server:
    """One gunicorn master and its workers, in a process group of their own."""

    count = 0

    def __init__(self, bench, label, role, page_cache):
        self.bench, self.label, self.page_cache = bench, label, page_cache
        self.role = role
        self.proc = self.port = None
        Server.count += 1
        self.log = bench.tmp / f"gunicorn-{Server.count}-{label}.log"

    def start(self):
        config = self.bench.config
        self.port = free_port()
        env = self.bench.env(
            self.role,
            page_cache=self.page_cache,
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY=str(config.workers),
        )
        # The access log stays on, as in production, but is written to
        # /dev/null: its formatting is measured, a terminal or journal is not.
        command = [
            str(GUNICORN),
            "--config",
            "gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "portal.wsgi",
        ]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                command,
                cwd=self.bench.src,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        LIVE_SERVERS.append(self)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise HarnessError(
                    f"gunicorn exited ({self.proc.returncode}) before answering "
                    f"/healthz:\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError):
                if fetch(self.port, "/healthz", timeout=2)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise HarnessError(
                    f"gunicorn did not answer /healthz in 60 s:\n{self.log_tail()}"
                )
            time.sleep(0.1)
        deadline = time.monotonic() + 30
        while len(self.workers()) < config.workers:
            if time.monotonic() > deadline:
                raise HarnessError(
                    f"gunicorn started {len(self.workers())} of {config.workers} "
                    f"workers in 30 s:\n{self.log_tail()}"
                )
            time.sleep(0.1)
        return self

    def workers(self):
        return children(self.proc.pid)

    def master_ticks(self):
        """The master's CPU, including workers it has reaped."""
        stat = proc_stat(self.proc.pid)
        return stat[1] + stat[2] if stat else 0

    def max_rss_mb(self):
        sizes = [size for pid in self.workers() if (size := rss_mb(pid)) is not None]
        return max(sizes) if sizes else None

    def log_tail(self, lines=30):
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self):
        if self.proc is None:
            return
        pid = self.proc.pid
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGQUIT)  # gunicorn's quick shutdown
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        # Workers that outlived their master, if any.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        if self in LIVE_SERVERS:
            LIVE_SERVERS.remove(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
