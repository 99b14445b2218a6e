"""Moving an install: its database and its files into another database and store (`migrate-data`).

The source is what this process is configured with (by default the SQLite file and the
data folder); the target is given by address. The copy can be run again at any time:
rows keep their ids and a row already there is left as it is; a file is copied when the
target lacks it or holds other bytes under its key. The target database is checked and
migrated first, then the files are copied, then the rows, so a book that shows up on
the target finds its pictures there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

from .config import Settings
from .data import Database
from .data.transfer import TableCopy, check_same_accounts, copy_tables, open_source, open_target
from .errors import Invalid, StorymakerError
from .files import Store, as_store, layout, open_store
from .status import JobStatus

# What a person calls the tables the summary names.
_NOUNS = {"users": "accounts", "books": "books"}
# Everything a store holds for the app: the books' folders and the avatars (not the database file).
PREFIXES = (f"{layout.BOOKS}/", f"{layout.AVATARS}/")


class TransferError(Invalid):
    """The copy cannot start or cannot go on; the message says why and what to do."""


@dataclass
class Report:
    tables: list[TableCopy] = field(default_factory=list)
    files_copied: int = 0
    files_already_there: int = 0
    pictures_copied: int = 0

    def copied(self, table: str) -> int:
        return sum(t.copied for t in self.tables if t.table == table)

    def summary(self) -> str:
        rows = sum(t.copied for t in self.tables)
        rows_there = sum(t.already_there for t in self.tables)
        return (f"Copied {self.copied('users')} accounts, {self.copied('books')} books, "
                f"{self.pictures_copied} pictures ({rows} rows, {self.files_copied} files in all); "
                f"{rows_there + self.files_already_there} already there "
                f"({rows_there} rows, {self.files_already_there} files).")


def source_store(settings: Settings) -> Store:
    """The store this install keeps its files in (the engine's: a bucket or the data folder)."""
    return open_store(settings)


def store_at(address: str, settings: Settings) -> Store:
    """The store a --to-storage address names: an s3:// bucket (credentials, region and
    endpoint as configured, from the AWS_* settings), or a folder (a path or a file:// address)."""
    scheme, sep, rest = address.partition("://")
    if scheme == "s3":
        try:
            return open_store(replace(settings, storage_url=address))
        except StorymakerError as error:
            raise TransferError(f"--to-storage: {error}") from None
    if sep and scheme != "file":
        raise TransferError(f"--to-storage: {scheme}:// is not a store this version can write to; "
                            "give a folder or an s3:// bucket.")
    folder = (rest if sep else address).strip()
    if not folder:
        raise TransferError("--to-storage needs a folder.")
    return as_store(folder)


def _arrives_queued(row: dict[str, Any]) -> dict[str, Any]:
    # A running job's worker is on the old database: nobody on the new one owns it.
    if row["status"] == JobStatus.RUNNING:
        row.update(status=JobStatus.QUEUED.value, worker=None, lease_until=None, not_before=0.0)
    return row


def copy_files(source: Store, target: Store, report: Report) -> None:
    """Copy every file of the app's that the target lacks or holds other bytes for."""
    for prefix in PREFIXES:
        for key in source.list(prefix):
            data = source.get(key)
            if data is None:  # deleted since it was listed
                continue
            if target.get(key) == data:
                report.files_already_there += 1
                continue
            try:
                target.put(key, data)
            except OSError as error:
                raise TransferError(f"Cannot write {key} to {target.location('')}: {error.strerror or error}. "
                                    "Files already copied stay; run the command again to copy the rest.") from None
            report.files_copied += 1
            report.pictures_copied += key.endswith(".png")


def migrate(settings: Settings, to_database: str | None, to_storage: str | None,
            progress: Callable[[str], None] = lambda line: None) -> Report:
    """Copy this install's database into `to_database` and its files into `to_storage`
    (either may be None: that part is not copied)."""
    if not to_database and not to_storage:
        raise TransferError("Say where to copy to: --to-database URL, --to-storage URL, or both.")
    source_db = open_source(settings.database)
    target_db: Database | None = None
    if to_database:
        target_db = open_target(to_database, source_db)
        check_same_accounts(source_db, target_db)
    report = Report()
    if to_storage:
        source, target = source_store(settings), store_at(to_storage, settings)
        if target.name == source.name:
            raise TransferError("--to-storage names the store being copied; give another one.")
        progress(f"copying files to {target.location('')}")
        copy_files(source, target, report)
        progress(f"files: {report.files_copied} copied, {report.files_already_there} already there")
    if target_db is not None:
        for table in copy_tables(source_db, target_db, adjust={"jobs": _arrives_queued}):
            report.tables.append(table)
            progress(f"{_NOUNS.get(table.table, table.table)}: {table.copied} copied, "
                     f"{table.already_there} already there")
    return report
