"""The SQLite database: one connection per thread, WAL, a busy timeout, migrations.

SQLite connections must not be shared across threads, so `connect()` hands each
thread its own (cached per database file). WAL lets readers (the app's polling
pages) run while a job writes; the busy timeout makes writers queue instead of
failing with "database is locked".
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import sqlite_utils
from sqlite_utils.migrations import Migrations

BUSY_TIMEOUT_S = 30.0

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


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


_local = threading.local()
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def _open(path: Path) -> sqlite_utils.Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, far fewer fsyncs
    db = sqlite_utils.Database(conn)
    if db.journal_mode != "wal":
        db.enable_wal()
    return db


def connect(path: Path | str) -> sqlite_utils.Database:
    """This thread's connection to the database at `path`, migrated to the latest schema."""
    key = str(Path(path).resolve())
    cache: dict[str, sqlite_utils.Database] = getattr(_local, "dbs", None) or {}
    _local.dbs = cache
    db = cache.get(key)
    if db is None:
        db = cache[key] = _open(Path(key))
    if key not in _migrated:
        with _migrate_lock:
            if key not in _migrated:
                migrate(db)
                _migrated.add(key)
    return db


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
    """
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


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
