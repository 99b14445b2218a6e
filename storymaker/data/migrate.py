"""Bringing a database to the current schema with Alembic, on the connection in hand.

A database with no tables is created from `schema.metadata` in one step and stamped
with the newest revision (Alembic's recipe for a fresh database; a test keeps the
migrations and the metadata equal). A database that has tables is upgraded through the
numbered revisions in `migrations/versions/`. A SQLite library made before Alembic
(its migrations were recorded by sqlite-utils in `_sqlite_migrations`) is first
stamped with the revision it had reached, so nothing is applied twice.

Two processes starting at once: on SQLite the write lock (`BEGIN IMMEDIATE`), on
PostgreSQL an advisory lock, lets one migrate while the other waits and then finds
nothing left to do.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from .rows import take_turns
from .schema import metadata

MIGRATIONS = Path(__file__).with_name("migrations")
# Migrations recorded by sqlite-utils before Alembic, and the revision each one is.
LEGACY_REVISIONS = {
    "0001_initial": "0001",
    "0002_retry_budget": "0002",
    "0003_sign_in_throttle": "0003",
    "0004_illustration_without_boilerplate": "0004",
}


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@functools.cache
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    return scripts().get_current_head() or ""


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: Connection) -> None:
    """Bring the database on `conn` (not in a transaction) to the newest revision."""
    with conn.begin():
        take_turns(conn, "storymaker migrations")
        if current(conn) == head():
            return
        tables = set(inspect(conn).get_table_names())
        if not tables - {"alembic_version"}:
            metadata.create_all(conn)
            MigrationContext.configure(conn).stamp(scripts(), "head")
            return
        if "_sqlite_migrations" in tables and current(conn) is None:
            done = {row[0] for row in conn.execute(text(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'storymaker'"))}
            reached = [revision for name, revision in LEGACY_REVISIONS.items() if name in done]
            if reached:
                MigrationContext.configure(conn).stamp(scripts(), max(reached))
        run_migrations(conn)


def run_migrations(conn: Connection, target: str = "head") -> None:
    """Apply the numbered revisions up to `target` on `conn` (in its transaction, if any)."""
    script = scripts()

    def steps(revision, context):
        return script._upgrade_revs(target, revision)

    with EnvironmentContext(config(), script, fn=steps) as env:
        env.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        env.run_migrations()
