"""What every repository shares: rows into dataclasses by column name, and the one
statement whose spelling differs between the databases (INSERT ... ON CONFLICT)."""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Sequence, TypeVar

from sqlalchemy import Table
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
    Both databases have the clause; SQLAlchemy spells it per dialect, so it is built here once."""
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table).values(values)
    if update:
        statement = insert.on_conflict_do_update(index_elements=list(conflict or ()), set_=dict(update))
    else:
        statement = insert.on_conflict_do_nothing(index_elements=list(conflict) if conflict else None)
    return conn.execute(statement)
