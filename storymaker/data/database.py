"""The database: a SQLite file or PostgreSQL, one API, one code path.

`Database` is one per process and URL (`open_database`). Repositories run their
statements inside `db.read()` or `db.write()`: a unit of work on a pooled connection,
one transaction, committed at the end of the block. A unit started inside another one
on the same thread joins it, so core functions compose into one transaction
(`with db.write(): books.create(...); jobs.enqueue(...)`). Nothing outside this
package sees the connection.

SQLite: WAL (readers never wait for the writer), a busy timeout (writers queue instead
of failing), foreign keys on, and `BEGIN IMMEDIATE` for write units, so that
read-then-write is atomic. A lock held longer than the timeout surfaces as
`LibraryBusy`, one typed error every screen turns into a plain message. Each pooled
connection is used by one thread at a time.

The data folder can vanish under a running process (a host that wipes its disk on
restart, a person deleting it). Every checkout compares the file at the path with the
one the connection opened (device and inode, one stat); a connection to a deleted or
replaced file is discarded, and the file now at the path is opened (created and
migrated when it is gone). A write unit that finds its file replaced after taking the
lock writes nothing (`LibraryReplaced`).

PostgreSQL: the same statements, a connection pool with pre-ping, migrations
serialized across processes by an advisory lock.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL

from ..errors import Busy

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0
POOL_SIZE = 10  # connections kept per process (pages, the runner's threads, the sweep)


class LibraryBusy(Busy):
    """The database stayed locked longer than the busy timeout (another program, a backup),
    or a concurrent change got in first. Nothing was written; the same step can simply be
    tried again. The message is for people."""

    def __init__(self, message: str = "The library is busy (another program is writing to it). "
                                      "Nothing was lost: try again in a moment."):
        super().__init__(message)


class LibraryReplaced(LibraryBusy):
    """This connection's database file was deleted or replaced; nothing was written to the old one."""

    def __init__(self) -> None:
        super().__init__("The library was moved or recreated while this was being saved. "
                         "Nothing was lost: try again.")


class LibraryUnavailable(LibraryBusy):
    """The database server cannot be reached (down, restarting, a network fault)."""

    def __init__(self) -> None:
        super().__init__("The library cannot be reached right now. Nothing was lost: try again in a moment.")


MAX_ROW_ID = 2**63 - 1  # the largest row id on both databases; a bigger number cannot even be asked about


def parse_id(value: object) -> int | None:
    """A row id read from a URL, session state or a command line: a whole number from 1 to
    `MAX_ROW_ID`, else None (which screens show as "not found", never as an error)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ROW_ID)):
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ROW_ID else None


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


Identity = tuple[int, int]  # (device, inode) of a database file


def _identity(path: str) -> Identity | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


_replaced = 0  # how many times this process found its database file gone or replaced


def replacements() -> int:
    """How many times this process found its database deleted or replaced (and opened a new one)."""
    return _replaced


def database_url(where: str | Path) -> URL:
    """The SQLAlchemy URL for a database address: a postgresql:// URL (any driver spelling),
    a sqlite:/// URL, or a path to a SQLite file."""
    text = str(where)
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).absolute()))
    url = make_url(text)
    if url.get_backend_name() in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("Storymaker keeps its library in a file: give SQLite a file path.")
        return url.set(database=str(Path(url.database).absolute()))
    raise ValueError(f"Storymaker runs on SQLite or PostgreSQL, not {url.get_backend_name()}.")


class Database:
    """One database (SQLite file or PostgreSQL), its connection pool and its schema."""

    def __init__(self, where: str | Path | URL) -> None:
        self.url = where if isinstance(where, URL) else database_url(where)
        self.dialect = self.url.get_backend_name()
        self.is_sqlite = self.dialect == "sqlite"
        self.path = Path(self.url.database) if self.is_sqlite and self.url.database else None
        self._local = threading.local()
        self._migrate_lock = threading.Lock()
        self._migrated: set[object] = set()  # schema markers: a file's identity, or the server
        self.engine = self._create_engine()

    def __repr__(self) -> str:  # never a password
        return f"Database({self.address!r})"

    @property
    def address(self) -> str:
        """Where the data is, for people and logs: the SQLite file, or the server's URL without its password."""
        return str(self.path) if self.path is not None else self.url.render_as_string(hide_password=True)

    # ------------------------------------------------------------------ units of work

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only unit (one snapshot of the data), or the unit this thread is already in."""
        with self._unit(write=False) as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write unit (committed at the end, rolled back on any error), or the unit this
        thread is already in. On SQLite it holds the write lock from its first statement."""
        with self._unit(write=True) as conn:
            yield conn

    def in_unit(self) -> bool:
        return getattr(self._local, "conn", None) is not None

    @contextmanager
    def _unit(self, write: bool) -> Iterator[Connection]:
        outer: Connection | None = getattr(self._local, "conn", None)
        if outer is not None:
            if write and not self._local.writing:
                # SQLite cannot promote a read to a write without risking a deadlock with another writer.
                raise RuntimeError("a write unit cannot start inside a read unit; make the outer one a write")
            yield outer
            return
        try:
            with self.engine.connect() as conn:
                self._ensure_schema(conn)
                conn.execution_options(storymaker_write=write)
                with conn.begin():
                    if write and self.is_sqlite and not self._is_current(conn):
                        conn.invalidate()
                        raise LibraryReplaced()
                    self._local.conn, self._local.writing = conn, write
                    try:
                        yield conn
                    finally:
                        self._local.conn = None
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            raise self._translated(error) from error

    def _translated(self, error: sa_exc.DBAPIError) -> Exception:
        original = error.orig
        if self.is_sqlite:
            text = str(original).lower()
            if "locked" in text or "database is busy" in text:
                return LibraryBusy()
            return error
        code = getattr(original, "sqlstate", None) or ""
        if code in ("40001", "40P01", "55P03"):  # serialization failure, deadlock, lock not available
            return LibraryBusy()
        if error.connection_invalidated or code.startswith("08") or code in ("57P01", "57P02", "57P03") or not code:
            return LibraryUnavailable()
        return error

    # ------------------------------------------------------------------ schema

    def _ensure_schema(self, conn: Connection) -> None:
        if conn.info.get("storymaker_schema"):
            return
        marker: object = conn.info.get("storymaker_identity") if self.is_sqlite else "server"
        with self._migrate_lock:
            if marker not in self._migrated:
                from .migrate import upgrade  # alembic loads only when a schema is checked
                conn.execution_options(storymaker_write=True)
                upgrade(conn)
                self._migrated.add(marker)
        conn.info["storymaker_schema"] = True

    # ------------------------------------------------------------------ SQLite specifics

    def _is_current(self, conn: Connection) -> bool:
        return self.path is None or conn.info.get("storymaker_identity") == _identity(str(self.path))

    def _create_engine(self) -> Engine:
        if not self.is_sqlite:
            return create_engine(self.url, pool_size=POOL_SIZE, max_overflow=2 * POOL_SIZE,
                                 pool_pre_ping=True, pool_recycle=1800)
        assert self.path is not None
        path = str(self.path)
        engine = create_engine(self.url, pool_size=POOL_SIZE, max_overflow=-1,
                               connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

        @event.listens_for(engine, "do_connect")
        def _before_open(dialect: Any, record: Any, cargs: Any, cparams: dict) -> None:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            if _identity(path) is None:
                # A write-ahead log whose database file is gone belongs to the deleted database;
                # SQLite would replay its pages into the new, empty file.
                for suffix in ("-wal", "-shm"):
                    Path(path + suffix).unlink(missing_ok=True)
                # The new file may be given an old file's inode: whatever was migrated, this is new.
                with self._migrate_lock:
                    self._migrated.clear()
            cparams["timeout"] = BUSY_TIMEOUT_S

        @event.listens_for(engine, "connect")
        def _on_open(dbapi: sqlite3.Connection, record: Any) -> None:
            dbapi.isolation_level = None  # transactions are begun below, not by the driver
            dbapi.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            dbapi.execute("PRAGMA foreign_keys = ON")
            dbapi.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, far fewer fsyncs
            if dbapi.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                dbapi.execute("PRAGMA journal_mode = WAL")
            record.info["storymaker_identity"] = _identity(path)

        @event.listens_for(engine, "checkout")
        def _on_checkout(dbapi: sqlite3.Connection, record: Any, proxy: Any) -> None:
            global _replaced
            opened = record.info.get("storymaker_identity")
            if opened != _identity(path):
                log.warning("the database %s was deleted or replaced; opening the file now there", path)
                with self._migrate_lock:
                    _replaced += 1
                    # Once closed, the old file's inode may be given to the new file: migrate that anyway.
                    self._migrated.discard(opened)
                raise sa_exc.DisconnectionError("the database file was deleted or replaced")

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("storymaker_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def dispose(self) -> None:
        """Close every pooled connection (tests, worker shutdown)."""
        self.engine.dispose()


_databases: dict[str, Database] = {}
_databases_lock = threading.Lock()


_by_address: dict[str, Database] = {}  # the address as given -> its Database, skipping the URL parsing


def open_database(where: str | Path) -> Database:
    """This process's `Database` for an address (one pool and one schema check per address)."""
    given = str(where)
    if os.path.isabs(given) or "://" in given:  # a relative path depends on the working directory
        known = _by_address.get(given)
        if known is not None:
            return known
        database = _open_database(where)
        _by_address[given] = database
        return database
    return _open_database(where)


def _open_database(where: str | Path) -> Database:
    url = database_url(where)
    key = url.render_as_string(hide_password=False)
    with _databases_lock:
        database = _databases.get(key)
        if database is None:
            database = _databases[key] = Database(url)
        return database


def close_all() -> None:
    """Close every pooled connection of every database this process opened."""
    with _databases_lock:
        for database in _databases.values():
            database.dispose()
