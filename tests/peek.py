"""A test's own look at the rows (the app goes through repositories)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text


def sql(db, statement: str, **params: Any) -> Any:
    """Run one statement with :named parameters: a SELECT's rows as tuples, else how many rows changed."""
    reading = statement.lstrip().upper().startswith("SELECT")
    with (db.read() if reading else db.write()) as conn:
        result = conn.execute(text(statement), params)
        return [tuple(row) for row in result] if result.returns_rows else result.rowcount


def one(db, statement: str, **params: Any) -> Any:
    """The first row of a SELECT (a tuple), or None."""
    rows = sql(db, statement, **params)
    return rows[0] if rows else None


def value(db, statement: str, **params: Any) -> Any:
    """The first column of the first row of a SELECT."""
    return one(db, statement, **params)[0]
