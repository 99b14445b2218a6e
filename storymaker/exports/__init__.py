"""The book leaves the app: a PDF to read, a print-ready interior and cover, an EPUB and a ZIP.

Every format is one module with `render(book: BookToExport, options: ExportOptions) -> bytes`
(`book.py` reads the book once for all of them). `make` is the one way in: it refuses what
cannot be exported yet, and keeps each export in the picture store next to the book, under
the book's version and the options, so it is made once per version of the book and
editing a page or redrawing a picture makes a new one.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from ..engine import Engine
from ..errors import Invalid
from ..files import layout
from .book import BookToExport, NotReady, snapshot

__all__ = ["FORMATS", "BookToExport", "ExportOptions", "Exported", "Format", "NotReady", "make", "snapshot"]

# Trim sizes a print-on-demand picture book comes in (inches, width x height).
TRIMS = {"8.5x8.5": (8.5, 8.5), "8x10": (8.0, 10.0), "8.5x11": (8.5, 11.0)}
LAYOUTS = ("spread", "single")  # a scene as picture + facing words, or one page with words over a quiet band
PAPERS = {"white": 0.002252, "cream": 0.0025}  # inches of spine per page (a common POD interior stock)


@dataclass(frozen=True)
class ExportOptions:
    trim: str = "8.5x8.5"
    layout: str = "spread"
    paper: str = "white"

    def checked(self) -> "ExportOptions":
        if self.trim not in TRIMS:
            raise Invalid(f"The trim size must be one of {', '.join(TRIMS)} (inches).")
        if self.layout not in LAYOUTS:
            raise Invalid(f"The layout must be one of {', '.join(LAYOUTS)}.")
        if self.paper not in PAPERS:
            raise Invalid(f"The paper must be one of {', '.join(PAPERS)}.")
        return self

    @property
    def key(self) -> str:
        return f"{self.trim}-{self.layout}-{self.paper}"


@dataclass(frozen=True)
class Format:
    name: str  # as the command line and the download buttons name it
    label: str
    extension: str
    mime: str
    renderer: str  # "module:function" inside this package, imported on first use
    uses_options: bool = False  # only print formats depend on the trim, layout and paper

    def render(self, book: BookToExport, options: ExportOptions) -> bytes:
        module, function = self.renderer.split(":")
        render: Callable[[BookToExport, ExportOptions], bytes] = getattr(
            importlib.import_module(f"{__name__}.{module}"), function)
        return render(book, options)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("pdf", "PDF to read", "pdf", "application/pdf", "read_pdf:render"),
    Format("print", "Print-ready PDF (interior)", "pdf", "application/pdf", "print_pdf:render", uses_options=True),
    Format("cover", "Print-ready cover", "pdf", "application/pdf", "print_pdf:render_cover", uses_options=True),
    Format("epub", "EPUB", "epub", "application/epub+zip", "epub:render"),
    # The ZIP holds the print PDFs too, so it depends on the print options.
    Format("zip", "ZIP of everything", "zip", "application/zip", "bundle:render", uses_options=True),
)}


@dataclass(frozen=True)
class Exported:
    filename: str
    mime: str
    data: bytes
    made: bool  # False when it came from the cache


def export_key(book_id: int, fmt: Format, options: ExportOptions, version: str) -> str:
    variant = f"-{options.key}" if fmt.uses_options else ""
    return f"{layout.book_prefix(book_id)}exports/{fmt.name}{variant}-{version}.{fmt.extension}"


def file_name(slug: str, fmt: Format) -> str:
    """The download's name, e.g. the-lighthouse-cat-print.pdf (`slug`: `BookToExport.slug`)."""
    suffix = {"print": "-print", "cover": "-cover"}.get(fmt.name, "")
    return f"{slug}{suffix}.{fmt.extension}"


def make(engine: Engine, user_id: int, book_id: int | str | None, fmt_name: str,
         options: ExportOptions | None = None) -> Exported:
    """The user's book as `fmt_name`, made now or taken from the cache."""
    fmt = FORMATS.get(fmt_name)
    if fmt is None:
        raise Invalid(f"Unknown format {fmt_name!r}: choose one of {', '.join(FORMATS)}.")
    options = (options or ExportOptions()).checked()
    book = snapshot(engine, user_id, book_id)
    key = export_key(book.id, fmt, options, book.version)
    filename = file_name(book.slug, fmt)
    cached = engine.store.get(key)
    if cached is not None:
        return Exported(filename, fmt.mime, cached, made=False)
    data = fmt.render(book, options)
    stale_prefix = key.rsplit("-", 1)[0] + "-"  # the same format and options, another version
    for old in engine.store.list(f"{layout.book_prefix(book.id)}exports/"):
        if old.startswith(stale_prefix) and old != key:
            engine.store.delete(old)
    engine.store.put(key, data)
    return Exported(filename, fmt.mime, data, made=True)
