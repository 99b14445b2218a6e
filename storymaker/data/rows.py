"""What every repository shares: rows into dataclasses by column name, and the few
statements whose spelling differs between the databases (INSERT ... ON CONFLICT, a lock
on a name)."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any, Mapping, Sequence, TypeVar

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Result, Row

T = TypeVar("T")


def from_row(cls: type[T], row: Row | Mapping[str, Any], **extra: Any) -> T:
    """A dataclass from a row, field by field by column name (columns it has no field for are ignored)."""
    mapping = row._mapping if isinstance(row, Row) else row
    names = _field_names(cls)
    return cls(**{k: v for k, v in mapping.items() if k in names}, **extra)


def from_rows(cls: type[T], result: Result) -> list[T]:
    """Every row of a result as a `cls`, by column name; the names are matched once per result,
    not once per row (lists of rows are read on every progress poll)."""
    names = _field_names(cls)
    wanted = [(i, key) for i, key in enumerate(result.keys()) if key in names]
    return [cls(**{key: row[i] for i, key in wanted}) for row in result]


_fields: dict[type, frozenset[str]] = {}  # per dataclass: looked up once, not once per row


def _field_names(cls: type) -> frozenset[str]:
    names = _fields.get(cls)
    if names is None:
        names = _fields[cls] = frozenset(f.name for f in dataclasses.fields(cls) if f.init)
    return names


def insert_on_conflict(conn: Connection, table: Table, values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
                       conflict: Sequence[str] | None = None, update: Mapping[str, Any] | None = None):
    """INSERT ... ON CONFLICT (conflict) DO UPDATE SET update, or DO NOTHING without `update`.
    Both databases have the clause; SQLAlchemy spells it per dialect, so it is built here once.
    The result's `rowcount` is how many rows were inserted or updated (not the ones left as they were)."""
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table).values(values)
    if update:
        statement = insert.on_conflict_do_update(index_elements=list(conflict or ()), set_=dict(update))
    else:
        statement = insert.on_conflict_do_nothing(index_elements=list(conflict) if conflict else None)
    # Without it PostgreSQL's driver result says -1: callers count what was inserted.
    return conn.execute(statement.execution_options(preserve_rowcount=True))


def take_turns(conn: Connection, name: str) -> None:
    """Hold a lock named `name` until the unit ends, so units that check and then insert
    under the same name run one after another. A SQLite write unit already holds the whole
    database's write lock; on PostgreSQL rows that do not exist yet cannot be locked, so a
    transaction-scoped advisory lock stands for them."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        conn.execute(select(func.pg_advisory_xact_lock(key)))


def ids_follow_rows(conn: Connection, table: Table) -> None:
    """After rows were inserted with their ids given: the next id the database hands out
    is above every one of them. SQLite takes the largest rowid plus one by itself;
    PostgreSQL's sequence knows nothing of ids it did not hand out, so it is moved."""
    if conn.dialect.name == "postgresql" and "id" in table.c:
        largest = select(func.max(table.c.id)).scalar_subquery()
        conn.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), largest)))
