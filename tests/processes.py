"""What the tests that start real servers and commands share: a free
loopback port, a manage.py run with the given settings, a stop that cannot
hang, gunicorn nodes, and the services a fault test may break: a redis-server
of the test's own, and a TCP proxy in front of PostgreSQL.

Everything listens on loopback only, every wait has a deadline, and every
process is stopped by the context manager or fixture that started it.
"""

import contextlib
import functools
import http.client
import ipaddress
import os
import queue
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import environ
import psycopg
import pytest
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 120
# Seconds: a server's start, one HTTP request.
START_TIMEOUT = 30
REQUEST_TIMEOUT = 10
CI = os.environ.get("CI") == "true"
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def database_settings(url):
    """Django's settings for a database URL; {} for anything else."""
    if not url:
        return {}
    try:
        return environ.Env.db_url_config(url)
    except Exception:  # not a database URL at all
        return {}


IS_POSTGRES = (
    database_settings(DATABASE_URL).get("ENGINE") == "django.db.backends.postgresql"
)


def unavailable(reason):
    """Skip locally; under CI=true a missing service fails the test."""
    if CI:
        pytest.fail(f"{reason}; CI=true requires it")
    pytest.skip(reason)


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


def maintenance_connection():
    """A connection to DATABASE_URL's `postgres` database, to create and drop
    databases; under CI=true an unreachable server fails the test."""
    config = database_settings(DATABASE_URL)
    params = {
        "host": config.get("HOST"),
        "port": config.get("PORT"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
    }
    try:
        return psycopg.connect(
            dbname="postgres",
            connect_timeout=3,
            autocommit=True,
            **{key: str(value) for key, value in params.items() if value},
        )
    except psycopg.Error as error:
        unavailable(f"PostgreSQL from DATABASE_URL is not reachable: {error}")


@contextlib.contextmanager
def scratch_database(prefix, directory):
    """The URL of a new, empty database of the test's own, removed afterwards:
    on DATABASE_URL's PostgreSQL server if it names one, else a SQLite file
    in `directory`."""
    if not IS_POSTGRES:
        yield f"sqlite:///{Path(directory) / f'{prefix}.sqlite3'}"
        return
    name = f"{prefix}_{secrets.token_hex(4)}"
    with maintenance_connection() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlsplit(DATABASE_URL)._replace(path=f"/{name}").geturl()
    finally:
        with maintenance_connection() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )


def through(url, proxy):
    """A database URL with its host and port replaced by the proxy's."""
    parts = urllib.parse.urlsplit(url)
    credentials, _, _ = parts.netloc.rpartition("@")
    address = f"127.0.0.1:{proxy.port}"
    return parts._replace(
        netloc=f"{credentials}@{address}" if credentials else address
    ).geturl()


def tail(path, lines=40):
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Answer:
    status: int
    headers: dict
    text: str
    seconds: float


def http_get(url, headers=(), timeout=REQUEST_TIMEOUT):
    """GET `url` (http://127.0.0.1:PORT/path) once, on a new connection."""
    address, _, path = url.removeprefix("http://").partition("/")
    host, _, port = address.partition(":")
    assert ipaddress.ip_address(host).is_loopback, url
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    started = time.monotonic()
    try:
        connection.request("GET", f"/{path}", headers=dict(headers))
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
    finally:
        connection.close()
    return Answer(
        response.status,
        {name.lower(): value for name, value in response.getheaders()},
        body,
        time.monotonic() - started,
    )


def gunicorn_command():
    script = Path(sys.executable).with_name("gunicorn")
    if script.exists():
        return [str(script)]
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "gunicorn"]


@dataclass
class Node:
    """One gunicorn server of the project's gunicorn.conf.py."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines=40):
        return tail(self.log, lines)

    def workers(self):
        """The process ids of its workers (children of the master)."""
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # ended meanwhile
            # "pid (command) state ppid ...": the command may hold spaces.
            if int(stat.rpartition(")")[2].split()[1]) == self.process.pid:
                children.append(int(entry.name))
        return sorted(children)


def start_node(name, env, log):
    """A gunicorn node on a free loopback port with exactly `env`; stop it
    with stop(node.process)."""
    command = gunicorn_command()
    if command is None:
        unavailable("gunicorn is not installed in this environment")
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--config", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Node(name, f"http://127.0.0.1:{port}", process, log)


def wait_until_healthy(node, workers=None):
    """Until /healthz answers 200 (and `workers` workers run), or fail."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            pytest.fail(f"node {node.name} exited early:\n{node.log_tail()}")
        try:
            healthy = http_get(f"{node.url}/healthz", timeout=2).status == 200
        except OSError:
            healthy = False  # not listening yet
        if healthy and (workers is None or len(node.workers()) == workers):
            return
        time.sleep(0.2)
    pytest.fail(
        f"node {node.name} not healthy after {START_TIMEOUT}s:\n{node.log_tail()}"
    )


class RedisServer:
    """A redis-server of the test's own on a free loopback port, without
    persistence, in a directory of its own: killing, pausing or restarting it
    disturbs no one else."""

    def __init__(self, directory):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            unavailable("redis-server is not installed in this environment")
        self.directory = Path(directory)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = self.directory / "redis.log"
        self.process = None

    def client(self):
        """A client of the test's own (not the application's)."""
        return redis.Redis.from_url(
            self.url, socket_connect_timeout=1, socket_timeout=2
        )

    def start(self):
        """Start it on its port, empty; return once it answers PING."""
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
                + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        with self.client() as client:
            while True:
                if self.process.poll() is not None:
                    pytest.fail(f"redis-server exited early:\n{tail(self.log)}")
                try:
                    if client.ping():
                        return
                except redis.RedisError:
                    pass  # not listening yet
                if time.monotonic() > deadline:
                    pytest.fail(f"redis-server not answering after {START_TIMEOUT}s")
                time.sleep(0.05)

    def kill(self):
        """SIGKILL: gone at once, with everything it held; connections refused."""
        self.process.kill()
        self.process.wait(timeout=10)

    def pause(self):
        """SIGSTOP: connections are still accepted, nothing is answered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def restart(self):
        """Start it again, empty, on the same port (killing it first if needed)."""
        if self.process is not None and self.process.poll() is None:
            self.kill()
        self.start()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.resume()  # a stopped process would not act on SIGTERM
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@contextlib.contextmanager
def running_redis(directory):
    """A throwaway redis-server (RedisServer), stopped afterwards."""
    server = RedisServer(directory)
    try:
        server.start()
        yield server
    finally:
        server.stop()


class _Pair:
    """One proxied connection: the client's socket, the server's, and what
    each side sent that the other has not received yet."""

    def __init__(self, client):
        self.client = client
        self.server = None
        self.to_server = bytearray()
        self.to_client = bytearray()
        self.events = {}  # socket -> selector events registered


class TcpProxy:
    """A TCP proxy on a free loopback port in front of a loopback server, run
    by one thread, whose faults a test switches:

    - drop(): close every connection and refuse new ones, as a stopped server;
    - hang(): accept and keep connections, and read what clients send, but
      forward nothing either way, as a server (or a pooler in front of one)
      that stopped answering while its host still acknowledges every packet;
    - restore(): forward again, what clients sent meanwhile included.

    At most LIMIT connections at once (more are closed on arrival) and
    BUFFER bytes held per direction of each: reading stops until it drains.
    """

    LIMIT = 64
    BUFFER = 256 * 1024
    CHUNK = 64 * 1024
    COMMAND_TIMEOUT = 5

    def __init__(self, host, port):
        address = socket.gethostbyname(host)
        if not ipaddress.ip_address(address).is_loopback:
            raise ValueError(f"the proxy forwards to loopback only, not {host}")
        self.upstream = (address, int(port))
        self.mode = "pass"
        self.accepted = 0  # connections accepted so far
        self._pairs = set()
        self._selector = selectors.DefaultSelector()
        self._wake, self._waker = socket.socketpair()
        self._wake.setblocking(False)
        self._selector.register(self._wake, selectors.EVENT_READ, self._woken)
        self._commands = queue.SimpleQueue()
        self.port = None
        self._listener = None
        self._listen()
        self._thread = threading.Thread(
            target=self._run, name=f"tcp-proxy-{self.port}", daemon=True
        )

    @property
    def address(self):
        return ("127.0.0.1", self.port)

    @property
    def connections(self):
        """How many connections it holds now."""
        return self._command("count")

    # The test's side: each command is carried out by the proxy's thread
    # before it returns.

    def start(self):
        self._thread.start()
        return self

    def drop(self):
        self._command("drop")

    def hang(self):
        self._command("hang")

    def restore(self):
        self._command("pass")

    def stop(self):
        if self._thread.is_alive():
            self._command("stop")
            self._thread.join(timeout=self.COMMAND_TIMEOUT)
        self._wake.close()
        self._waker.close()

    def _command(self, name):
        done = queue.SimpleQueue()
        self._commands.put((name, done))
        self._waker.send(b"!")
        try:
            return done.get(timeout=self.COMMAND_TIMEOUT)
        except queue.Empty:
            raise RuntimeError(f"the proxy did not {name} in time") from None

    # The proxy's thread.

    def _run(self):
        while True:
            for key, mask in self._selector.select(timeout=1):
                if key.data(key.fileobj, mask) == "stop":
                    self._selector.close()
                    return

    def _woken(self, sock, mask):
        with contextlib.suppress(BlockingIOError):
            sock.recv(4096)
        while True:
            try:
                name, done = self._commands.get_nowait()
            except queue.Empty:
                return None
            if name == "count":
                done.put(len(self._pairs))
                continue
            if name in ("drop", "stop"):
                for pair in list(self._pairs):
                    self._close(pair)
                self._unlisten()
            else:  # "pass" or "hang"
                self._listen()
            self.mode = name
            for pair in list(self._pairs):
                if name == "pass" and pair.server is None:
                    self._connect(pair)
                self._update(pair)
            done.put(name)
            if name == "stop":
                return "stop"

    def _listen(self):
        if self._listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(self.LIMIT)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._selector.register(listener, selectors.EVENT_READ, self._accept)

    def _unlisten(self):
        if self._listener is not None:
            self._selector.unregister(self._listener)
            self._listener.close()
            self._listener = None

    def _accept(self, listener, mask):
        try:
            client, _ = listener.accept()
        except BlockingIOError:
            return
        self.accepted += 1
        if len(self._pairs) >= self.LIMIT:
            client.close()
            return
        client.setblocking(False)
        pair = _Pair(client)
        self._pairs.add(pair)
        if self.mode == "pass":
            self._connect(pair)
        self._update(pair)

    def _connect(self, pair):
        try:
            server = socket.create_connection(self.upstream, timeout=2)
        except OSError:
            self._close(pair)  # the client sees the server close
            return
        server.setblocking(False)
        pair.server = server

    def _update(self, pair):
        """Register what each socket of the pair waits for."""
        if pair not in self._pairs:
            return
        forwarding = self.mode == "pass" and pair.server is not None
        wanted = {pair.client: 0}
        # Clients are read in every mode, so a client that gives up is seen.
        if len(pair.to_server) < self.BUFFER:
            wanted[pair.client] |= selectors.EVENT_READ
        if forwarding and pair.to_client:
            wanted[pair.client] |= selectors.EVENT_WRITE
        if pair.server is not None:
            wanted[pair.server] = 0
            if forwarding and len(pair.to_client) < self.BUFFER:
                wanted[pair.server] |= selectors.EVENT_READ
            if forwarding and pair.to_server:
                wanted[pair.server] |= selectors.EVENT_WRITE
        for sock, events in wanted.items():
            registered = pair.events.get(sock, 0)
            if events == registered:
                continue
            callback = functools.partial(self._ready, pair)
            if not registered:
                self._selector.register(sock, events, callback)
            elif not events:
                self._selector.unregister(sock)
            else:
                self._selector.modify(sock, events, callback)
            pair.events[sock] = events

    def _ready(self, pair, sock, mask):
        incoming, outgoing = (
            (pair.to_server, pair.to_client)
            if sock is pair.client
            else (pair.to_client, pair.to_server)
        )
        try:
            if mask & selectors.EVENT_READ:
                data = sock.recv(self.CHUNK)
                if not data:  # that side closed: close the other too
                    self._close(pair)
                    return
                incoming.extend(data)
            if mask & selectors.EVENT_WRITE and outgoing:
                del outgoing[: sock.send(outgoing)]
        except BlockingIOError:
            pass
        except OSError:
            self._close(pair)
            return
        self._update(pair)

    def _close(self, pair):
        self._pairs.discard(pair)
        for sock in (pair.client, pair.server):
            if sock is None:
                continue
            if pair.events.get(sock):
                self._selector.unregister(sock)
            sock.close()
        pair.events.clear()


@contextlib.contextmanager
def running_proxy(host, port):
    """A TcpProxy in front of host:port, stopped afterwards."""
    proxy = TcpProxy(host, port).start()
    try:
        yield proxy
    finally:
        proxy.stop()
