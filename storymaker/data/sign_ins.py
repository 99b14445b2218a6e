"""The sign-in throttle's table: failed sign-ins counted per key ('user:<name>', 'client:<address>').

Every process serving sign-ins shares it. `lock` is what makes the throttle's
check-and-count atomic on both databases: inside one write unit it makes sure each
key has a row and locks those rows (SQLite's write lock already covers the whole
unit; PostgreSQL locks the rows, so a second attempt on the same key waits for the
first to commit and then sees its count).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import case, delete, func, or_, select, update

from .database import Database
from .rows import from_row, insert_on_conflict
from .schema import sign_in_failures as failures_table


@dataclass(frozen=True)
class Failures:
    key: str
    failures: int
    last_at: float  # unix time of the last failure counted; 0 for a row no failure was counted on yet


def lock(db: Database, keys: Sequence[str]) -> dict[str, Failures]:
    """The rows of `keys`, locked until the caller's write unit ends (made empty when missing)."""
    ordered = sorted(set(keys))  # always the same order, so two attempts never deadlock
    with db.write() as conn:
        insert_on_conflict(conn, failures_table, [{"key": key, "failures": 0, "last_at": 0.0} for key in ordered])
        rows = conn.execute(
            select(failures_table).where(failures_table.c.key.in_(ordered))
            .order_by(failures_table.c.key).with_for_update()
        ).all()
    return {row.key: from_row(Failures, row) for row in rows}


def count_failure(db: Database, keys: Sequence[str], now: float, forget_before: float) -> None:
    """One more failure on each of `keys` (rows `lock` made); a count older than `forget_before` starts again."""
    table = failures_table
    with db.write() as conn:
        conn.execute(
            update(table).where(table.c.key.in_(list(keys))).values(
                failures=case((table.c.last_at > forget_before, table.c.failures + 1), else_=1),
                last_at=now,
            )
        )


def forget(db: Database, key: str) -> None:
    with db.write() as conn:
        conn.execute(delete(failures_table).where(failures_table.c.key == key))


def take_back_one(db: Database, key: str) -> None:
    """Undo one counted failure of `key` (never below zero)."""
    table = failures_table
    with db.write() as conn:
        conn.execute(update(table).where(table.c.key == key).values(
            failures=case((table.c.failures > 0, table.c.failures - 1), else_=0)))


def prune(db: Database, forget_before: float, max_rows: int) -> None:
    """Delete rows older than `forget_before`, and the oldest beyond the newest `max_rows`.

    Rows another attempt holds are skipped, not waited for: pruning is housekeeping, and
    two attempts each waiting for the other's rows would deadlock on PostgreSQL.
    """
    table = failures_table
    # The time of the newest row beyond the bound (none while there are fewer): it and older ones go.
    cutoff = select(table.c.last_at).order_by(table.c.last_at.desc()).offset(max_rows).limit(1).scalar_subquery()
    doomed = (select(table.c.key).where(or_(table.c.last_at < forget_before, table.c.last_at <= cutoff))
              .with_for_update(skip_locked=True))
    with db.write() as conn:
        conn.execute(delete(table).where(table.c.key.in_(doomed.scalar_subquery())))


def find(db: Database, key: str) -> Failures | None:
    with db.read() as conn:
        row = conn.execute(select(failures_table).where(failures_table.c.key == key)).first()
    return from_row(Failures, row) if row else None


def count(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(failures_table)).scalar_one()
