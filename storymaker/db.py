"""The SQLite database: one connection per thread, WAL, a busy timeout, migrations.

SQLite connections must not be shared across threads, so `connect()` hands each
thread its own (cached per database file). WAL lets readers (the app's polling
pages) run while a job writes; the busy timeout makes writers queue instead of
failing with "database is locked". A lock held longer than that still fails: it
surfaces as `LibraryBusy`, one typed error every screen turns into a plain message.

The data folder can vanish under a running process (a host that wipes its disk on
restart, a person deleting it). An open connection would go on reading and writing
the deleted file, and a fresh one would find a new empty file that nobody migrates.
So `connect()` compares the file at the path with the one it opened (device and
inode, one stat) and opens, creates and migrates the new one when they differ.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import sqlite_utils
from sqlite_utils.migrations import Migrations

from .errors import Busy

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0


class LibraryBusy(sqlite3.OperationalError, Busy):
    """The database stayed locked longer than the busy timeout (another program, a backup).

    Nothing was written; the same step can simply be tried again. The message is for people.
    """

    def __init__(self, message: str = "The library is busy (another program is writing to it). "
                                      "Nothing was lost: try again in a moment."):
        super().__init__(message)


class LibraryReplaced(LibraryBusy):
    """This connection's database file was deleted or replaced; nothing was written to the old one."""

    def __init__(self) -> None:
        super().__init__("The library was moved or recreated while this was being saved. "
                         "Nothing was lost: try again.")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "database table is locked" in text or "database is busy" in text


def _translated(call, *args):
    try:
        return call(*args)
    except LibraryBusy:
        raise
    except sqlite3.OperationalError as error:
        if _is_busy(error):
            raise LibraryBusy() from error
        raise


class _Connection(sqlite3.Connection):
    """A connection whose "database is locked" errors are `LibraryBusy`, wherever the write came from."""

    def execute(self, sql, parameters=(), /):
        return _translated(super().execute, sql, parameters)

    def executemany(self, sql, parameters, /):
        return _translated(super().executemany, sql, parameters)


migrations = Migrations("storymaker")


@migrations(name="0001_initial")
def _m0001_initial(db: sqlite_utils.Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT,            -- NULL for the CLI's local account
            created_at TEXT NOT NULL
        );
        CREATE TABLE characters (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            look TEXT NOT NULL DEFAULT '',
            personality TEXT NOT NULL DEFAULT '',
            avatar_path TEXT,              -- relative to the data folder
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_characters_user ON characters(user_id);
        CREATE TABLE books (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            premise TEXT NOT NULL DEFAULT '',
            age_band TEXT NOT NULL,
            style TEXT NOT NULL,
            language TEXT NOT NULL,
            scene_count INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',
            error TEXT,
            text_model TEXT,
            image_model TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_books_user ON books(user_id, created_at);
        CREATE TABLE book_characters (
            book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
            character_id INTEGER REFERENCES characters(id) ON DELETE SET NULL,
            position INTEGER NOT NULL,
            -- a copy, so a book keeps its cast when a character is edited or deleted
            name TEXT NOT NULL,
            look TEXT NOT NULL DEFAULT '',
            personality TEXT NOT NULL DEFAULT '',
            avatar_path TEXT,
            PRIMARY KEY (book_id, position)
        );
        CREATE TABLE scenes (
            id INTEGER PRIMARY KEY,
            book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
            scene INTEGER NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            illustration TEXT NOT NULL,
            characters TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'pending',
            error TEXT,
            image_version INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            UNIQUE (book_id, scene)
        );
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            scene INTEGER,
            status TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL DEFAULT 3,
            error TEXT,
            not_before REAL NOT NULL DEFAULT 0,
            lease_until REAL,
            worker TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT
        );
        CREATE INDEX idx_jobs_claim ON jobs(status, not_before, id);
        CREATE INDEX idx_jobs_book ON jobs(book_id, kind, scene);
        CREATE TABLE usage (
            id INTEGER PRIMARY KEY,
            book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,            -- 'text' or 'image'
            model TEXT NOT NULL,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            images INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_usage_book ON usage(book_id);
        """
    )


@migrations(name="0002_retry_budget")
def _m0002_retry_budget(db: sqlite_utils.Database) -> None:
    # A job's transient-failure budget, apart from `attempts` (claims, which crash recovery counts):
    # retries = requeues after transient failures, http_tries = failed HTTP requests spent,
    # retry_deadline = when the retry window closes, waiting = why a requeued job waits (for screens).
    _run_script(
        db,
        """
        ALTER TABLE jobs ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN http_tries INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN retry_deadline REAL;
        ALTER TABLE jobs ADD COLUMN waiting TEXT
        """
    )


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    # Not executescript(): it COMMITs first, which would break the migration's transaction.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


MAX_ROW_ID = 2**63 - 1  # SQLite's largest integer; a bigger number cannot even be asked about


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


_local = threading.local()
# Files (path, device, inode) migrated by this process: a file recreated at the same path is new.
_migrated: set[tuple[str, tuple[int, int]]] = set()
_migrate_lock = threading.Lock()
_replaced = 0  # how many times this process found its database file gone or replaced

Identity = tuple[int, int]  # (device, inode) of a database file


def _identity(path: str) -> Identity | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def _open(path: Path) -> sqlite_utils.Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, factory=_Connection)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, far fewer fsyncs
    db = sqlite_utils.Database(conn)
    if db.journal_mode != "wal":
        db.enable_wal()
    return db


def _resolved(path: str) -> str:
    # Every core call asks for its connection, and resolving a path costs more than the rest of
    # connect(); an absolute path resolves the same way each time (a relative one depends on the
    # working directory, so it is resolved anew).
    if os.path.isabs(path):
        return _resolved_absolute(path)
    return str(Path(path).resolve())


@functools.lru_cache(maxsize=64)
def _resolved_absolute(path: str) -> str:
    return str(Path(path).resolve())


def connect(path: Path | str) -> sqlite_utils.Database:
    """This thread's connection to the database at `path`, migrated to the latest schema.

    When the file was deleted or replaced since this thread opened it, the old
    connection is closed and the file at the path is opened (created and migrated
    when it is gone), so nothing keeps using a file nobody else can see.
    """
    global _replaced
    key = _resolved(str(path))
    cache: dict[str, sqlite_utils.Database] = getattr(_local, "dbs", None) or {}
    _local.dbs = cache
    db = cache.get(key)
    identity = _identity(key)
    if db is not None and (identity is None or identity != _opened_identity(db)):
        log.warning("the database %s was deleted or replaced; opening %s", key,
                    "a new one" if identity is None else "the file now there")
        with _migrate_lock:
            _replaced += 1
            # Once closed, the old file's inode number may be given to the new file: migrate that anyway.
            _migrated.discard((key, _opened_identity(db) or (0, 0)))
        cache.pop(key, None)
        db.conn.close()  # SQLite neither checkpoints into nor deletes files of a moved database
        db = None
    if db is None:
        if identity is None:
            _drop_orphan_logs(key)
        db = _open(Path(key))
        identity = _identity(key)
        db._storymaker_opened = (key, identity)  # type: ignore[attr-defined]
        cache[key] = db
    marker = (key, identity or (0, 0))
    if marker not in _migrated:
        with _migrate_lock:
            if marker not in _migrated:
                migrate(db)
                _migrated.add(marker)
    return db


def _drop_orphan_logs(key: str) -> None:
    # A write-ahead log whose database file is gone belongs to the deleted database;
    # SQLite would replay its pages into the new, empty file.
    for suffix in ("-wal", "-shm"):
        Path(key + suffix).unlink(missing_ok=True)


def _opened_identity(db: sqlite_utils.Database) -> Identity | None:
    opened = getattr(db, "_storymaker_opened", None)
    return opened[1] if opened else None


def is_current(db: sqlite_utils.Database) -> bool:
    """False when the file this connection opened is no longer the one at its path."""
    opened = getattr(db, "_storymaker_opened", None)
    return opened is None or _identity(opened[0]) == opened[1]


def replacements() -> int:
    """How many times this process found its database deleted or replaced (and opened a new one)."""
    return _replaced


def migrate(db: sqlite_utils.Database) -> None:
    """Apply pending migrations; tolerate another process migrating at the same time."""
    for attempt in range(5):
        try:
            migrations.apply(db)
            return
        except sqlite3.IntegrityError:
            # Another process recorded the same migration first; look again.
            time.sleep(0.05 * (attempt + 1))
    migrations.apply(db)


def close_all() -> None:
    """Close this thread's connections (tests and worker shutdown)."""
    for db in (getattr(_local, "dbs", None) or {}).values():
        db.conn.close()
    _local.dbs = {}


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE: take the write lock up front so read-then-write is atomic.

    Nested use joins the outer transaction, so core functions can be composed.
    A connection whose file was deleted or replaced writes nothing: `LibraryReplaced`
    (a job finishing after the data folder was wiped must not publish into the void,
    nor put its picture into the folder of a new book that took its id).
    """
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if not is_current(db):
            raise LibraryReplaced()
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise


@migrations(name="0003_sign_in_throttle")
def _m0003_sign_in_throttle(db: sqlite_utils.Database) -> None:
    # Failed sign-ins live in the database so every process serving sign-ins shares one
    # count, and a write transaction makes checking and recording one step.
    _run_script(
        db,
        """
        CREATE TABLE sign_in_failures (
            key TEXT PRIMARY KEY,          -- 'user:<canonical name>' or 'client:<address>'
            failures INTEGER NOT NULL,
            last_at REAL NOT NULL          -- unix time of the last failure counted
        );
        CREATE INDEX idx_sign_in_failures_last ON sign_in_failures(last_at);
        -- canonical: NFKC + case folded, one account per name; skeleton: the TR39 look-alike key
        ALTER TABLE users ADD COLUMN canonical TEXT;
        ALTER TABLE users ADD COLUMN skeleton TEXT;
        """
    )
    # Existing accounts get their canonical form; the rare pair that folds to one name
    # keeps working by its exact username (the second one's canonical stays NULL).
    from .accounts import canonical_username, skeleton  # the one place these are defined

    seen: set[str] = set()
    for user_id, username in db.execute("SELECT id, username FROM users ORDER BY id").fetchall():
        canon = canonical_username(username)
        db.execute(
            "UPDATE users SET canonical = ?, skeleton = ? WHERE id = ?",
            [None if canon in seen else canon, skeleton(username), user_id],
        )
        seen.add(canon)
    _run_script(
        db,
        """
        CREATE UNIQUE INDEX idx_users_canonical ON users(canonical);
        CREATE INDEX idx_users_skeleton ON users(skeleton);
        """
    )


@migrations(name="0004_illustration_without_boilerplate")
def _m0004_illustration_without_boilerplate(db: sqlite_utils.Database) -> None:
    # The offline writer used to end every illustration with this sentence; the picture
    # prompt (generate_chapter.md) asks for no text itself, and the preview showed it as if
    # it were part of the page.
    db.execute(
        "UPDATE scenes SET illustration = RTRIM(REPLACE(illustration, ' No words or letters in the picture.', '')) "
        "WHERE illustration LIKE '% No words or letters in the picture.%'"
    )
