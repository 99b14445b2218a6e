"""A real PostgreSQL for the tests: a throwaway cluster, or an existing server named by
STORYMAKER_TEST_DATABASE_URL.

`PostgresServer.start()` runs initdb in a temporary folder and starts the server on a
free port of 127.0.0.1 (its unix socket inside that folder too), tuned for speed over
durability; `stop()` kills it and deletes the folder. PostgreSQL refuses to run as root,
so under root the cluster belongs to the `postgres` account and every server program runs
through `runuser`. `PostgresServer.for_tests()` is what the `postgres_server` fixture
calls: the server the environment names, else a new throwaway one.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

TEST_DATABASE_URL = "STORYMAKER_TEST_DATABASE_URL"
# The unprivileged account the cluster belongs to when the tests run as root.
SERVICE_ACCOUNT = "postgres"
# Durability costs time and a throwaway cluster has nothing to keep.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}
START_TIMEOUT = 30.0


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot run here (not installed, or no account to run it as): a reason to skip."""


def newest_version_bindir(paths: list[str]) -> Path | None:
    """The bin folder of the highest version among `/usr/lib/postgresql/<version>/bin` paths."""

    def version(path: str) -> tuple[int, ...]:
        numbers = re.findall(r"\d+", Path(path).parent.name)
        return tuple(int(n) for n in numbers)

    usable = [p for p in paths if (Path(p) / "initdb").is_file()]
    return Path(max(usable, key=version)) if usable else None


def find_bindir() -> Path | None:
    """Where initdb, pg_ctl and postgres live: pg_config's answer, else the newest Debian
    version folder, else PATH. pg_config can come from a client-only package whose bindir
    has no server, so each answer must hold initdb."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            answer = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            answer = None
        if answer and answer.returncode == 0 and (Path(answer.stdout.strip()) / "initdb").is_file():
            return Path(answer.stdout.strip())
    debian = newest_version_bindir(glob.glob("/usr/lib/postgresql/*/bin"))
    if debian:
        return debian
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A PostgreSQL server the tests may create and drop databases on.

    Either a throwaway cluster this object started (`start`; `stop` ends it and deletes its
    folder) or an existing server (`from_url`; `stop` leaves it running)."""

    def __init__(self, admin_url: URL, folder: Path | None = None, process: subprocess.Popen | None = None,
                 bindir: Path | None = None, run_as: list[str] | None = None):
        self.admin_url = admin_url
        self.folder = folder
        self._process = process
        self._bindir = bindir
        self._run_as = run_as or []

    # -- the two ways to get one ----------------------------------------------------------

    @classmethod
    def for_tests(cls) -> PostgresServer:
        """The server STORYMAKER_TEST_DATABASE_URL names, else a new throwaway cluster."""
        url = os.environ.get(TEST_DATABASE_URL, "").strip()
        return cls.from_url(url) if url else cls.start()

    @classmethod
    def from_url(cls, url: str) -> PostgresServer:
        """An existing server; `url` names a database to connect to for creating others
        (`postgresql://user:pw@host:5432/postgres`, any driver suffix)."""
        try:
            parsed = make_url(url)
        except Exception as error:  # SQLAlchemy raises ArgumentError and ValueError alike
            raise ValueError(f"{TEST_DATABASE_URL} is not a database URL: {error}") from None
        if parsed.get_backend_name() != "postgresql":
            raise ValueError(f"{TEST_DATABASE_URL} must be a postgresql:// URL, not {parsed.get_backend_name()}://")
        return cls(parsed.set(drivername="postgresql+psycopg", database=parsed.database or "postgres"))

    @classmethod
    def start(cls, bindir: Path | None = None) -> PostgresServer:
        """initdb a cluster in a new temporary folder and start it on a free port."""
        bindir = bindir or find_bindir()
        if bindir is None:
            raise PostgresUnavailable("PostgreSQL is not installed (no initdb; Debian package `postgresql`)")
        run_as: list[str] = []
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(SERVICE_ACCOUNT)
            except KeyError:
                raise PostgresUnavailable(f"PostgreSQL will not run as root and there is no {SERVICE_ACCOUNT!r} account") from None
            run_as = ["runuser", "-u", SERVICE_ACCOUNT, "--"]
        folder = Path(tempfile.mkdtemp(prefix="storymaker-pg-"))
        server = None
        try:
            if owner is not None:
                os.chown(folder, owner.pw_uid, owner.pw_gid)
            data = folder / "data"
            initdb = subprocess.run(
                [*run_as, str(bindir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres",
                 "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                capture_output=True, text=True, timeout=120,
            )
            if initdb.returncode != 0:
                raise RuntimeError(f"initdb failed: {initdb.stderr.strip() or initdb.stdout.strip()}")
            with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.write("\n# storymaker tests\n")
                for name, value in {**SETTINGS, "unix_socket_directories": f"'{folder}'"}.items():
                    conf.write(f"{name} = {value}\n")
            server = cls._launch(folder, bindir, run_as)
            return server
        except BaseException:
            if server is None:
                shutil.rmtree(folder, ignore_errors=True)
            raise

    @classmethod
    def _launch(cls, folder: Path, bindir: Path, run_as: list[str]) -> PostgresServer:
        """Start the postmaster as a child (so a crash at start shows at once, not after a
        timeout) and wait until it accepts connections; another process may take the free
        port first, so a lost race is tried again on a new port."""
        log_path = folder / "postgres.log"
        for attempt in range(3):
            port = free_port()
            with open(log_path, "ab") as log:
                process = subprocess.Popen(
                    [*run_as, str(bindir / "postgres"), "-D", str(folder / "data"), "-p", str(port)],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                )
            server = cls(URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1", port=port,
                                    database="postgres"), folder, process, bindir, run_as)
            if server._wait_until_ready():
                return server
            log_text = log_path.read_text(errors="replace")
            if "Address already in use" in log_text and attempt < 2:
                continue
            server.stop(delete=False)
            raise RuntimeError(f"PostgreSQL did not start; its log ({log_path}):\n{log_text[-2000:]}")
        raise AssertionError("unreachable")

    def _wait_until_ready(self) -> bool:
        """True once the server takes a connection; False if it exits first or never does."""
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            try:
                self._connect().close()
                return True
            except psycopg.OperationalError:
                time.sleep(0.01)
        return False

    # -- using it -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.admin_url.port or 5432

    @property
    def started_here(self) -> bool:
        return self._process is not None

    def url(self, database: str) -> str:
        """A SQLAlchemy URL for `database` on this server (psycopg 3 driver)."""
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def _connect(self, database: str | None = None) -> psycopg.Connection:
        u = self.admin_url
        params: dict = {k: v for k, v in u.query.items() if isinstance(v, str)}
        return psycopg.connect(host=u.host or "localhost", port=self.port, user=u.username, password=u.password,
                               dbname=database or u.database, connect_timeout=5, autocommit=True, **params)

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create `name` (a copy of `template` when given; nobody may be connected to the
        template) and return its URL."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        with self._connect() as connection:
            connection.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop `name` if it exists, ending every session still connected to it."""
        with self._connect() as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def databases(self) -> list[str]:
        with self._connect() as connection:
            return [row[0] for row in connection.execute("SELECT datname FROM pg_database ORDER BY datname")]

    def stop(self, delete: bool = True) -> None:
        """End a server started here and delete its folder; an existing server is left alone."""
        if self._process is None:
            return
        if self._process.poll() is None:
            assert self._bindir is not None and self.folder is not None
            subprocess.run([*self._run_as, str(self._bindir / "pg_ctl"), "stop", "-D", str(self.folder / "data"),
                            "-m", "immediate", "-w"], capture_output=True, timeout=60)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if delete and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __repr__(self) -> str:
        where = f"throwaway in {self.folder}" if self.started_here else "existing"
        return f"PostgresServer({self.admin_url.render_as_string()}, {where})"


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> NoReturn:
    """Skip a test that needs a missing server; under CI, which installs it, fail instead:
    a skipped PostgreSQL test there would hide a broken set-up."""
    if under_ci():
        pytest.fail(f"CI needs PostgreSQL for this test: {reason}", pytrace=False)
    pytest.skip(reason)
