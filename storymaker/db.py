"""Transitional: the names core modules imported from here before the data layer.

Everything lives in `storymaker.data` now; this module goes away when the last caller
has moved to a repository.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .data.database import (MAX_ROW_ID, Database, LibraryBusy, LibraryReplaced, close_all, now_iso,
                            open_database, parse_id, replacements)

__all__ = ["MAX_ROW_ID", "Database", "LibraryBusy", "LibraryReplaced", "close_all", "connect", "now_iso",
           "parse_id", "replacements", "write_transaction"]


def connect(where: Path | str) -> Database:
    return open_database(where)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    with db.write():
        yield db
