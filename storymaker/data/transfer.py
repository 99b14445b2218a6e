"""Copying one database into another (SQLite into PostgreSQL, say), safe to run again.

Tables are copied in foreign-key order, each in one transaction on the target, with
their ids: a row the target already has (the same key) is left as it is, so a second
run copies only what is new and never duplicates a row. On PostgreSQL each id
sequence is then moved past the copied ids, so the next row made there gets a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from sqlalchemy import select
from sqlalchemy import exc as sa_exc

from ..errors import Invalid
from .database import Database, LibraryBusy, database_url, open_database
from .rows import ids_follow_rows, insert_on_conflict
from .schema import metadata, users

BATCH = 500  # rows per INSERT: well under both databases' limits on bound parameters
CONNECT_TIMEOUT_S = 10

Adjust = Callable[[dict[str, Any]], dict[str, Any]]


class TargetUnusable(Invalid):
    """The copy cannot be made: the target database cannot be opened, reached or written, or
    there is no source to copy; the message says which and why."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    copied: int
    already_there: int


def open_source(address: str) -> Database:
    """The database to copy from; a SQLite file that is not there is refused, not created
    (the command was run where no install lives)."""
    source = open_database(address)
    if source.path is not None and not source.path.exists():
        raise TargetUnusable(f"There is no library at {source.path} to copy: run the command where the app runs, "
                             "or set STORYMAKER_DATA_DIR (or STORYMAKER_DATABASE_URL) to the install's.")
    return source


def open_target(address: str, source: Database) -> Database:
    """The target database, at the newest schema. Refuses the source itself, an address
    that names no database Storymaker runs on, and a server it cannot reach."""
    try:
        url = database_url(address)
    except sa_exc.ArgumentError:
        raise TargetUnusable("--to-database is not a database address: give postgresql://user:password@host/name "
                             "or a SQLite file.") from None
    except ValueError as error:  # a database Storymaker does not run on, said for people
        raise TargetUnusable(f"--to-database: {error}") from None
    if url == source.url:
        raise TargetUnusable("--to-database names the database being copied; give another one.")
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})  # an address that never answers
    target = open_database(url.render_as_string(hide_password=False))
    try:
        with target.write():  # the first unit brings the schema to the newest revision
            pass
    except (sa_exc.SQLAlchemyError, LibraryBusy, OSError) as error:
        raise TargetUnusable(f"Cannot open the target database {_shown(target)}: {_reason(error)}") from None
    return target


def check_same_accounts(source: Database, target: Database) -> None:
    """Refuse a target whose accounts are other people's under the same ids (another
    install's database): copying into it would file one person's books under another."""
    with source.read() as conn:
        mine = dict(conn.execute(select(users.c.id, users.c.username)).all())
    with target.read() as conn:
        theirs = conn.execute(select(users.c.id, users.c.username)).all()
    clashes = [name for user_id, name in theirs if user_id in mine and mine[user_id] != name]
    if clashes:
        raise TargetUnusable(
            f"The target database already holds other accounts under the same ids ({len(clashes)}, "
            f"e.g. {clashes[0]!r}); copy into an empty database, or the one copied to before.")


def copy_tables(source: Database, target: Database,
                adjust: Mapping[str, Adjust] | None = None) -> Iterator[TableCopy]:
    """Copy every table, parents first, yielding each table's counts when it is done.
    `adjust` may change a table's rows on the way (e.g. a running job arrives queued)."""
    adjust = adjust or {}
    try:
        # One read unit: the whole copy comes from one snapshot of the source.
        with source.read() as reading:
            for table in metadata.sorted_tables:
                copied = already = 0
                with target.write() as writing:
                    result = reading.execute(
                        select(table).order_by(*table.primary_key.columns).execution_options(yield_per=BATCH))
                    for batch in result.mappings().partitions():
                        rows = [dict(row) for row in batch]
                        if table.name in adjust:
                            rows = [adjust[table.name](row) for row in rows]
                        inserted = insert_on_conflict(writing, table, rows).rowcount
                        copied += inserted
                        already += len(rows) - inserted
                    ids_follow_rows(writing, table)
                yield TableCopy(table.name, copied, already)
    except sa_exc.IntegrityError as error:
        raise TargetUnusable(
            "The target database holds rows that clash with the ones copied (another install's data?); "
            f"nothing of that table was copied: {_reason(error)}") from None
    except (sa_exc.OperationalError, sa_exc.InterfaceError, LibraryBusy) as error:
        raise TargetUnusable(f"The copy stopped: {_reason(error)}. Tables already copied stay; "
                             "run the command again to copy the rest.") from None


def _shown(db: Database) -> str:
    return db.url.render_as_string(hide_password=True)


def _reason(error: BaseException) -> str:
    if isinstance(error, LibraryBusy):
        return str(error)
    original = getattr(error, "orig", None) or error
    first = str(original).strip().splitlines()
    return first[0] if first else type(original).__name__
