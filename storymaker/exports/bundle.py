"""The ZIP (`zip`): everything a book is, in one file to keep or hand on.

One folder named after the book holding story.csv (exactly as the Studio's download
writes it), every picture at full size (pages/scene_01.png ...), cover.png, the PDF to
read, the print-ready interior and cover, and a README.txt saying what each file is
with the print specification. Pictures and PDFs are compressed already, so they are
stored as they are; only the text files are deflated.
"""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader

from .. import exports
from ..files import layout
from ..scenes import Scene, csv_bytes
from .book import BookToExport

BLEED_IN, SAFE_IN = 0.125, 0.5  # the print module's rule, repeated in README.txt for the printer


def story_csv(book: BookToExport) -> bytes:
    return csv_bytes(Scene(p.number, p.title, p.text, p.illustration, p.characters) for p in book.pages)


def _readme(book: BookToExport, options: "exports.ExportOptions", interior_pages: int) -> str:
    width, height = exports.TRIMS[options.trim]
    lines = [
        f"{book.title}" + (f" by {book.author}" if book.author else ""),
        "Made with Storymaker.",
        "",
        "story.csv            the words of every page: scene, title, text, illustration, characters",
        "                     (UTF-8 with a byte order mark; opens in Excel and LibreOffice)",
        "cover.png            the cover at full size",
        "pages/scene_NN.png   each page's picture at full size",
        "book.pdf             the PDF to read: on a screen, by e-mail, or printed at home",
    ]
    spine = interior_pages * exports.PAPERS[options.paper]
    lines += [
        "print-interior.pdf   the print-ready interior, for a print-on-demand service",
        "print-cover.pdf      the print-ready cover: back, spine and front on one sheet",
        "",
        f"Print specification: {width:g} x {height:g} in trim, {BLEED_IN} in bleed (top, bottom and outside "
        f"edges), text inside a {SAFE_IN} in safe margin, pictures at 300 DPI, fonts embedded, "
        f"{interior_pages} interior pages ({options.layout} layout), {options.paper} paper, "
        f"spine {spine:.3f} in.",
    ]
    return "\n".join(lines) + "\n"


def render(book: BookToExport, options: "exports.ExportOptions | None" = None) -> bytes:
    options = options or exports.ExportOptions()
    folder = book.slug
    files: list[tuple[str, bytes, int]] = [
        ("story.csv", story_csv(book), zipfile.ZIP_DEFLATED),
        ("cover.png", book.cover, zipfile.ZIP_STORED),
        *((f"pages/{layout.scene_name(p.number)}.png", p.picture, zipfile.ZIP_STORED) for p in book.pages),
        ("book.pdf", exports.FORMATS["pdf"].render(book, options), zipfile.ZIP_STORED),
    ]
    interior = exports.FORMATS["print"].render(book, options)
    interior_pages = len(PdfReader(io.BytesIO(interior)).pages)
    files += [("print-interior.pdf", interior, zipfile.ZIP_STORED),
              ("print-cover.pdf", exports.FORMATS["cover"].render(book, options), zipfile.ZIP_STORED)]
    files.append(("README.txt", _readme(book, options, interior_pages).encode("utf-8"), zipfile.ZIP_DEFLATED))

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, compression in files:
            archive.writestr(f"{folder}/{name}", data, compress_type=compression)
    return out.getvalue()
