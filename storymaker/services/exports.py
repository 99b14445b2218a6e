"""Exports as a service: a user's book as a file (see `storymaker.exports`)."""

from __future__ import annotations

import importlib

from storymaker import exports
from storymaker.engine import Engine
from storymaker.exports import ExportOptions, Exported, book as exported_book

FORMATS = exports.FORMATS


def export(engine: Engine, user_id: int, book_id: int | str | None, fmt: str,
           options: ExportOptions | None = None) -> Exported:
    """`NotFound` for a book that is not the user's; `NotReady` (an `Invalid`) for one that
    cannot be exported yet; the file otherwise."""
    return exports.make(engine, user_id, book_id, fmt, options)


def check_ready(engine: Engine, user_id: int, book_id: int | str | None) -> None:
    """`export`'s refusals without making anything (cheap: no picture is read), for a screen
    deciding whether to offer downloads."""
    exported_book.check_ready(engine, user_id, book_id)


def file_name(title: str, book_id: int, fmt: str) -> str:
    """What the download of `fmt` is called, before it is made."""
    return exports.file_name(exported_book.slug(title, book_id), FORMATS[fmt])


def resolution_report(engine: Engine, user_id: int, book_id: int | str | None,
                      options: ExportOptions | None = None) -> list[str]:
    """The pages whose pictures would print below 300 DPI, in plain sentences (the print module's report)."""
    print_pdf = importlib.import_module("storymaker.exports.print_pdf")
    report: list[str] = print_pdf.resolution_report(exports.snapshot(engine, user_id, book_id),
                                                    (options or ExportOptions()).checked())
    return report
