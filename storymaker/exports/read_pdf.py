"""The PDF to read (`pdf`): a book to open on a screen, send by e-mail or print at home.

Cover, title page ("Title", "by AUTHOR"), one page per scene with its picture and its words,
"The End". Pages are landscape, A4 in proportion (297 x 210 mm): the pictures are square, so
one fills the page's height and leaves a column beside it for the words, and picture and
words are seen together, as in the Reader's wide layout, on a laptop or a tablet held
sideways (a square page would put the words under a smaller picture); it also prints on A4
or Letter at home. The picture sits left on odd pages and right on even ones, as in a book.

Small enough to e-mail: every picture is a JPEG of at most `MAX_PX` pixels (quality
`JPEG_QUALITY`) embedded as it is (DCT), RGB only. The type is the shipped fonts (Fredoka One
for titles, Source Sans Pro for the words), subset and embedded by fpdf2; Debian's DejaVu
Sans, when present, fills in characters they lack.
"""

from __future__ import annotations

import functools
import io
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import cast

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from PIL import Image

from .book import BookToExport

FALLBACK_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # Debian's fonts-dejavu, when installed


def font(name: str) -> str:
    """A shipped font's file (package data, like the prompt templates)."""
    return str(resources.files(__package__).joinpath("fonts", name))

PAGE_W, PAGE_H = 297.0, 210.0  # mm, landscape
PICTURE = PAGE_H  # the square picture fills the page's height
PANEL_MARGIN = 11.0  # mm around the words in the column beside the picture
MAX_PX, JPEG_QUALITY = 1400, 85
MIN_TYPE = 7.0  # pt: the smallest size long words are set in (2,000 characters still fit)

# Type for the age band (points): large for the youngest readers, who follow along with a finger.
WORDS_PT = {"3-5": 24.0, "6-8": 17.0, "9-12": 14.0}
TITLE_SCALE = 1.15  # a page's title is this much larger than its words
LEADING = {"3-5": 1.4, "6-8": 1.35, "9-12": 1.3}

PAPER = (255, 250, 240)  # the words' column: warm white
INK = (43, 38, 34)
SOFT_INK = (120, 108, 96)


def _mm(points: float) -> float:
    return points * 25.4 / 72


def jpeg(png: bytes) -> tuple[bytes, tuple[int, int, int]]:
    """The picture as an RGB JPEG at most MAX_PX on a side, and its average edge colour."""
    with Image.open(io.BytesIO(png)) as source:
        picture = source.convert("RGB")
    if max(picture.size) > MAX_PX:
        picture.thumbnail((MAX_PX, MAX_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=JPEG_QUALITY)
    edge = picture.resize((8, 8), Image.Resampling.BOX)
    border: list[tuple[int, int, int]] = [
        edge.getpixel((x, y)) for x in range(8) for y in range(8) if x in (0, 7) or y in (0, 7)]  # type: ignore[misc]
    red, green, blue = (sum(p[i] for p in border) // len(border) for i in range(3))
    return out.getvalue(), (red, green, blue)


@functools.cache
def _characters(file: str) -> frozenset[int]:
    with TTFont(file, lazy=True) as ttf:
        return frozenset(ttf.getBestCmap())


def _needs_fallback(book: BookToExport) -> bool:
    """Whether any text has a character the shipped fonts lack (loading DejaVu costs a quarter second)."""
    have = _characters(font("SourceSansPro-Regular.ttf")) & _characters(font("FredokaOne-Regular.ttf"))
    texts = [book.title, book.author, *(p.title for p in book.pages), *(p.text for p in book.pages)]
    return any(ord(c) not in have and not c.isspace() for text in texts for c in text)


class _Pdf(FPDF):
    def __init__(self, book: BookToExport) -> None:
        super().__init__(orientation="L", unit="mm", format=(PAGE_H, PAGE_W))
        self.set_auto_page_break(False)  # each page is laid out whole; nothing may spill onto a new one
        self.set_margins(0, 0, 0)
        self.add_font("Title", "", font("FredokaOne-Regular.ttf"))
        self.add_font("Words", "", font("SourceSansPro-Regular.ttf"))
        if book.author:
            self.add_font("Words", "I", font("SourceSansPro-It.ttf"))
        if _needs_fallback(book):
            try:
                self.add_font("Fallback", "", FALLBACK_FONT)
            except OSError:  # not installed: those characters are left out, the rest is set as usual
                return
            self.set_fallback_fonts(["Fallback"], exact_match=False)

    def fill_page(self, colour: tuple[int, int, int]) -> None:
        self.set_fill_color(*colour)
        self.rect(0, 0, PAGE_W, PAGE_H, style="F")

    def centred(self, text: str, y: float, family: str, style: str, size: float, colour: tuple[int, int, int],
                width: float = PAGE_W - 60) -> float:
        """`text` centred across the page from `y`; the y under it."""
        self.set_font(family, style, size)
        self.set_text_color(*colour)
        self.set_xy((PAGE_W - width) / 2, y)
        self.multi_cell(width, _mm(size * 1.2), text, align="C", new_x="LMARGIN", new_y="NEXT")
        return self.get_y()

    def height_of(self, text: str, width: float, family: str, style: str, size: float, leading: float) -> float:
        self.set_font(family, style, size)
        height = self.multi_cell(width, _mm(size * leading), text, align="L", dry_run=True, output="HEIGHT")
        return cast(float, height)


def _title_page(pdf: _Pdf, book: BookToExport) -> None:
    pdf.add_page()
    pdf.fill_page(PAPER)
    size = 40.0 if len(book.title) <= 40 else 30.0
    title_h = pdf.height_of(book.title, PAGE_W - 60, "Title", "", size, 1.2)
    author_h = _mm(20 * 1.2) + 8 if book.author else 0
    y = (PAGE_H - title_h - author_h) / 2
    y = pdf.centred(book.title, y, "Title", "", size, INK)
    if book.author:
        pdf.centred(f"by {book.author}", y + 8, "Words", "I", 20, SOFT_INK)


def _scene_page(pdf: _Pdf, book: BookToExport, index: int, picture: bytes) -> None:
    page = book.pages[index]
    pdf.add_page()
    pdf.fill_page(PAPER)
    picture_left = page.number % 2 == 1
    panel_x = PICTURE if picture_left else 0.0
    pdf.image(io.BytesIO(picture), x=0 if picture_left else PAGE_W - PICTURE, y=0, w=PICTURE, h=PICTURE)

    width = PAGE_W - PICTURE - 2 * PANEL_MARGIN
    height = PAGE_H - 2 * PANEL_MARGIN - 10  # room for the page number under the words
    leading = LEADING.get(book.age_band, 1.35)
    size = WORDS_PT.get(book.age_band, 17.0)
    gap = 0.0
    while True:  # the age band's size, smaller only when a long page would not fit
        gap = _mm(size * 0.6) if page.title else 0.0
        title_h = pdf.height_of(page.title, width, "Title", "", size * TITLE_SCALE, 1.2) if page.title else 0.0
        words_h = pdf.height_of(page.text, width, "Words", "", size, leading)
        if title_h + gap + words_h <= height or size <= MIN_TYPE:
            break
        size = max(MIN_TYPE, size - 1)
    y = PANEL_MARGIN + max(0.0, (height - title_h - gap - words_h) / 2)
    x = panel_x + PANEL_MARGIN
    pdf.set_text_color(*INK)
    if page.title:
        pdf.set_font("Title", "", size * TITLE_SCALE)
        pdf.set_xy(x, y)
        pdf.multi_cell(width, _mm(size * TITLE_SCALE * 1.2), page.title, align="L")
        y += title_h + gap
    pdf.set_font("Words", "", size)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, _mm(size * leading), page.text, align="L")

    pdf.set_font("Words", "", 10)
    pdf.set_text_color(*SOFT_INK)
    pdf.set_xy(panel_x, PAGE_H - PANEL_MARGIN - 5)
    pdf.cell(PAGE_W - PICTURE, 5, str(page.number), align="C")


def render(book: BookToExport, options: object = None) -> bytes:
    """The book as a PDF to read (the options are the print formats'; this one has none)."""
    # The pictures are converted on other threads (decoding and encoding release the GIL)
    # while the fonts load and the pages are laid out; each page waits only for its own.
    with ThreadPoolExecutor(max_workers=2) as pool:
        cover_job = pool.submit(jpeg, book.cover)
        page_jobs = [pool.submit(jpeg, page.picture) for page in book.pages]
        pdf = _Pdf(book)
        pdf.set_title(book.title)
        if book.author:
            pdf.set_author(book.author)
        pdf.set_creator("Storymaker")

        cover, cover_colour = cover_job.result()
        pdf.add_page()
        pdf.fill_page(cover_colour)  # the cover's own colour beside it
        pdf.image(io.BytesIO(cover), x=(PAGE_W - PICTURE) / 2, y=0, w=PICTURE, h=PICTURE)

        _title_page(pdf, book)
        for index, job in enumerate(page_jobs):
            _scene_page(pdf, book, index, job.result()[0])

    pdf.add_page()
    pdf.fill_page(PAPER)
    pdf.centred("The End", (PAGE_H - _mm(54 * 1.2)) / 2, "Title", "", 54, INK)
    return bytes(pdf.output())
