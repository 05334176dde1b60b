"""The database and cache the benchmark's servers use."""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse

from .config import (
    OWN_REDIS,
    PG_MARK,
    PG_PREFIX,
    REDIS_MARK,
    SERVICE_PROCESSES,
    HarnessError,
    say,
)
from .proc import all_pids, cmdline
from .server import free_port


class Stack:
    """The database and cache the benchmark's servers use.

    PostgreSQL when BENCH_DATABASE_URL (else DATABASE_URL) names a server: the
    benchmark makes databases of its own there and drops them at the end. Else
    SQLite files in the temp dir. Redis when BENCH_CACHE_URL (else CACHE_URL) is
    a Redis URL (that database only, emptied only once known to be the
    benchmark's) or `redis-server` (a server of its own on a free port); else
    per-process local memory.
    """

    def __init__(self, tmp):
        self.tmp = tmp
        self.db_variable, self.given_db = first_set(
            "BENCH_DATABASE_URL", "DATABASE_URL"
        )
        self.cache_variable, self.given_cache = first_set(
            "BENCH_CACHE_URL", "CACHE_URL"
        )
        scheme = urllib.parse.urlsplit(self.given_db).scheme
        if self.given_db and scheme not in ("postgres", "postgresql", "pgsql"):
            raise HarnessError(
                f"{self.db_variable} must be a PostgreSQL URL (or unset for "
                f"SQLite), not {scheme}://"
            )
        self.postgres = bool(self.given_db)
        self.own_redis = self.given_cache == OWN_REDIS
        self.redis = self.own_redis or urllib.parse.urlsplit(
            self.given_cache
        ).scheme in ("redis", "rediss", "rediscache")
        if self.given_cache and not self.redis:
            raise HarnessError(
                f"{self.cache_variable} must be a Redis URL or {OWN_REDIS!r} (or "
                "unset for local memory)"
            )
        self.redis_proc = None
        self.redis_url = "" if self.own_redis else self.given_cache
        # A given Redis database is emptied only once claim_cache() found it
        # to be the benchmark's.
        self.claimed = False
        self.created = []

    @property
    def database(self):
        return "postgresql" if self.postgres else "sqlite"

    @property
    def cache(self):
        return "redis" if self.redis else "locmem"

    @property
    def cache_url(self):
        return self.redis_url if self.redis else "locmemcache://"

    def db_name(self, role):
        """The database of `role`; the pid keeps two benchmarks apart."""
        return f"{PG_PREFIX}{os.getpid()}_{role}"

    def database_url(self, role):
        if not self.postgres:
            return f"sqlite:///{self.tmp / f'{role}.sqlite3'}"
        parts = urllib.parse.urlsplit(self.given_db)
        return urllib.parse.urlunsplit(parts._replace(path="/" + self.db_name(role)))

    def admin(self):
        """A connection for CREATE and DROP DATABASE on the server of the URL.

        It goes to the `postgres` maintenance database, and to the database the
        URL names only where `postgres` is refused; nothing is written in either.
        """
        import psycopg

        try:
            return psycopg.connect(
                self.given_db, dbname="postgres", autocommit=True, connect_timeout=10
            )
        except psycopg.OperationalError as error:
            given = urllib.parse.urlsplit(self.given_db).path.lstrip("/")
            if not given or given == "postgres":
                raise HarnessError(
                    f"cannot connect to {self.db_variable}: {error}"
                ) from None
            try:
                return psycopg.connect(
                    self.given_db, autocommit=True, connect_timeout=10
                )
            except psycopg.OperationalError:
                raise HarnessError(
                    f"cannot connect to {self.db_variable}: {error}"
                ) from None

    def mark(self):
        return f"{PG_MARK} host={socket.gethostname()} pid={os.getpid()}"

    def drop_leftovers(self, connection):
        """Drop the databases of earlier benchmarks on this host that died."""
        from psycopg import sql

        rows = connection.execute(
            "SELECT datname, shobj_description(oid, 'pg_database') FROM "
            "pg_database WHERE datname LIKE %s",
            [PG_PREFIX + "%"],
        ).fetchall()
        for name, comment in rows:
            # Only databases with the mark of a benchmark on this host whose
            # process is gone: a running benchmark keeps its own.
            mark = re.fullmatch(
                re.escape(PG_MARK) + r" host=(\S+) pid=(\d+)", comment or ""
            )
            if not mark or mark.group(1) != socket.gethostname():
                continue
            pid = int(mark.group(2))
            if not name.startswith(f"{PG_PREFIX}{pid}_") or pid_alive(pid):
                continue
            say(f"dropping {name}, left over by benchmark pid {pid}")
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )

    def create_database(self, role, template=None):
        """An empty database, or a copy of the `template` role's."""
        if not self.postgres:
            if template:
                shutil.copyfile(
                    self.tmp / f"{template}.sqlite3", self.tmp / f"{role}.sqlite3"
                )
            return
        from psycopg import sql

        name = self.db_name(role)
        with self.admin() as connection:
            if not self.created:
                self.drop_leftovers(connection)
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists:
                raise HarnessError(f"database {name} exists already; drop it first")
            create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template:
                create += sql.SQL(" TEMPLATE {}").format(
                    sql.Identifier(self.db_name(template))
                )
            connection.execute(create)
            self.created.append(name)
            connection.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(name), sql.Literal(self.mark())
                )
            )

    def drop_databases(self):
        if not self.created:
            return
        from psycopg import sql

        with self.admin() as connection:
            for name in list(self.created):
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )
                self.created.remove(name)
                say(f"dropped database {name}")

    # Redis

    def start_redis(self):
        """Start the benchmark's own redis-server, if asked for one."""
        if not self.own_redis:
            return
        binary = shutil.which("redis-server")
        if not binary:
            raise HarnessError(
                f"{self.cache_variable}={OWN_REDIS} needs redis-server (Debian: "
                "apt-get install redis-server)"
            )
        port = free_port()
        folder = self.tmp / "redis"
        folder.mkdir()
        command = [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--logfile",
            str(folder / "redis.log"),
        ]
        self.redis_proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 20
        while True:
            if self.redis_proc.poll() is not None:
                raise HarnessError(
                    f"redis-server exited ({self.redis_proc.returncode}) on port {port}"
                )
            with contextlib.suppress(Exception), self.redis_client() as client:
                if client.ping():
                    break
            if time.monotonic() > deadline:
                raise HarnessError(f"redis-server on port {port} did not answer")
            time.sleep(0.1)
        say(f"redis-server of the benchmark's own on port {port}")

    def stop_redis(self):
        if self.redis_proc is None:
            return
        self.redis_proc.terminate()
        try:
            self.redis_proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.redis_proc.kill()
            self.redis_proc.wait(timeout=10)
        self.redis_proc = None

    def redis_client(self):
        import redis

        url = self.redis_url
        if url.startswith("rediscache://"):
            url = "redis://" + url.removeprefix("rediscache://")
        return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)

    def claim_cache(self):
        """Make sure the given Redis database is the benchmark's to empty.

        It is when empty, or when it holds REDIS_MARK, left by an earlier run;
        anything else is someone else's, and the benchmark refuses to start.
        """
        if not self.redis or self.own_redis:
            return
        with self.redis_client() as client:
            if client.dbsize() and not client.exists(REDIS_MARK):
                raise HarnessError(
                    f"{redact(self.redis_url)} holds keys the benchmark did not "
                    f"write; give {self.cache_variable} a free database (or "
                    f"{OWN_REDIS!r})"
                )
            client.set(REDIS_MARK, 1)
        self.claimed = True

    def flush_cache(self):
        """Empty the benchmark's Redis database (only that one), keeping the mark."""
        if not (self.own_redis and self.redis_proc) and not self.claimed:
            return
        with self.redis_client() as client:
            client.flushdb()
            if not self.own_redis:
                client.set(REDIS_MARK, 1)

    def service_pids(self):
        """Processes serving the benchmark: its PostgreSQL backends, Redis."""
        names = [f" {name} " for name in self.created]
        if not (names or self.redis):
            return []
        pids = []
        for pid in all_pids():
            line = cmdline(pid)
            if names and line.startswith("postgres:") and any(n in line for n in names):
                pids.append(pid)
        if self.redis_proc is not None:
            pids.append(self.redis_proc.pid)
        elif self.redis:
            pids += [
                pid for pid in all_pids() if cmdline(pid).startswith(SERVICE_PROCESSES)
            ]
        return pids

    def versions(self):
        info = {
            "database": self.database,
            "cache": self.cache,
            "database_from": self.db_variable or None,
            "cache_from": self.cache_variable or None,
        }
        if self.postgres:
            with self.admin() as connection:
                info["database_version"] = connection.execute(
                    "SHOW server_version"
                ).fetchone()[0]
            info["database_url"] = redact(self.database_url("small"))
        else:
            import sqlite3

            info["database_version"] = sqlite3.sqlite_version
        if self.redis:
            with self.redis_client() as client:
                info["cache_version"] = client.info("server")["redis_version"]
            info["cache_url"] = redact(self.redis_url)
            info["cache_flushed"] = (
                "the benchmark's own redis-server"
                if self.own_redis
                else f"the {self.cache_variable} database, before each server run"
            )
        return info


def first_set(*names):
    """(name, value) of the first of these variables set, or ("", "")."""
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return name, value
    return "", ""


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def redact(url):
    parts = urllib.parse.urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urllib.parse.urlunsplit(parts)
