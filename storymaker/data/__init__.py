"""The data layer: the database (SQLite or PostgreSQL), its schema, migrations and repositories.

Every SQL statement in Storymaker lives in this package. Repositories (`accounts`,
`characters`, `books`, `jobs`, `usage`, `sign_ins`, `drafts`) take a `Database`, build their
statements from `schema` with SQLAlchemy Core, and return dataclasses filled by column
name. Callers compose repository calls into one transaction with `db.write()`.
"""

from .database import (MAX_ROW_ID, Database, LibraryBusy, LibraryReplaced, LibraryUnavailable, close_all,
                       now_iso, open_database, parse_id, replacements)

__all__ = ["MAX_ROW_ID", "Database", "LibraryBusy", "LibraryReplaced", "LibraryUnavailable", "close_all",
           "now_iso", "open_database", "parse_id", "replacements"]
