"""The print-ready interior and cover, as a print-on-demand service takes them.

fpdf2 lays the pages out (it embeds subsets of the shipped TrueType fonts and places
JPEG pictures as they are); pypdf then sets TrimBox and BleedBox on every page, which
fpdf2 cannot. Measurements are in inches, as printers give them:

- a page is the trim size plus 0.125 in bleed on the top, bottom and outside edge; the
  inside (gutter) edge has none, so odd (right-hand) pages bleed right and even
  (left-hand) pages bleed left; page 1 is a right-hand page;
- every word stays 0.5 in inside the trim (the safe area);
- pictures fill a page to its bleed edges at 300 DPI or more where the picture allows:
  a book drawn by the offline painter is painted again at print size for the export,
  others are printed as drawn and `resolution_report` says which fall short;
- the page count is padded with end-papers to at least 24 and a multiple of 4.

The cover is one sheet, back + spine + front, with bleed all round; the spine is as wide
as the interior's page count times the paper's thickness.
"""

from __future__ import annotations

import io
import math
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from importlib.resources import files
from typing import Callable, Iterable, TypeVar, cast

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue
from fpdf.fonts import TTFFont
from PIL import Image, ImageChops, ImageOps, ImageStat
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from . import PAPERS, TRIMS, ExportOptions
from ..storyteller.book import language_code
from .book import COVER_ART, BookToExport, ExportPage

BLEED = 0.125  # inches beyond the trim that pictures run into
SAFE = 0.5  # inches inside the trim that every word keeps to
DPI = 300  # what a printer needs at the printed size
MIN_PAGES = 24
PAGE_MULTIPLE = 4  # saddle stitch folds sheets of four pages
SPINE_TEXT_MIN = 0.25  # inches: a narrower spine carries no words
SPINE_TEXT_MARGIN = 0.0625  # inches of spine kept clear either side of its words
PT = 72  # points per inch
CHECK_SIDE = 512  # pixels: the size a picture is painted again at to see that it is the same one
SAME_PICTURE = 4.0  # mean difference per channel (0-255) below which two paintings are one picture
OVERSHOOT = 0.06  # inches a line's glyphs may reach above or below its line box

FONTS = files(__package__ or "storymaker.exports") / "fonts"  # package data, shipped with the package
FALLBACK_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # Debian's, for other scripts, if installed
INK = (52, 38, 84)  # the lettering colour of the app's covers
PAPER = (255, 250, 236)  # the quiet band behind words over a picture
BODY_PT = {"3-5": 30.0, "6-8": 24.0, "9-12": 18.0}  # large type for the youngest readers

Box = tuple[float, float, float, float]  # x, y, width, height in inches from the page's top left


@dataclass(frozen=True)
class Slot:
    """One interior page: what goes on it."""

    kind: str  # title, picture, words, single, end, endpaper
    scene: ExportPage | None = None


def plan(book: BookToExport, layout: str) -> list[Slot]:
    """Every page of the interior in order, padded to the printer's page-count rule."""
    slots = [Slot("title")]
    for page in book.pages:
        # After the title page a picture lands on a left-hand page, its words facing it.
        slots += [Slot("picture", page), Slot("words", page)] if layout == "spread" else [Slot("single", page)]
    slots.append(Slot("end"))
    total = max(MIN_PAGES, math.ceil(len(slots) / PAGE_MULTIPLE) * PAGE_MULTIPLE)
    return slots + [Slot("endpaper")] * (total - len(slots))


def page_count(book: BookToExport, options: ExportOptions) -> int:
    return len(plan(book, options.layout))


def spine_width(book: BookToExport, options: ExportOptions) -> float:
    """Inches: the interior's page count times the paper's thickness per page."""
    return page_count(book, options) * PAPERS[options.paper]


def picture_inches(options: ExportOptions) -> tuple[float, float]:
    """A full-bleed interior picture's printed size: one page to its bleed edges."""
    trim_w, trim_h = TRIMS[options.trim]
    return trim_w + BLEED, trim_h + 2 * BLEED


def front_inches(options: ExportOptions) -> tuple[float, float]:
    """The front cover's picture: the front panel to the bleed at its top, bottom and edge."""
    return picture_inches(options)


def pixels_for(inches: tuple[float, float]) -> tuple[int, int]:
    return math.ceil(inches[0] * DPI), math.ceil(inches[1] * DPI)


def _dpi(size: tuple[int, int], inches: tuple[float, float]) -> int:
    """The resolution of a picture cropped to fill `inches` without distortion."""
    return math.floor(min(size[0] / inches[0], size[1] / inches[1]))


def _size_of(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def _repaints(book: BookToExport, number: int, png: bytes) -> bool:
    """Whether the painter, asked again, paints this very picture: not so once its scene or
    cast changed after it was drawn. Checked on a small copy (the painter keeps its
    composition at any size), away from the title a cover carries at its top."""
    if book.redraw is None:
        return False
    with Image.open(io.BytesIO(png)) as stored:
        k = min(1.0, CHECK_SIDE / min(stored.size))
        size = (round(stored.width * k), round(stored.height * k))
        small = stored.convert("RGB").resize(size, Image.Resampling.BOX)
    again = book.redraw(number, size)
    if number == COVER_ART:
        lower = (0, round(size[1] * 0.45), size[0], size[1])
        small, again = small.crop(lower), again.crop(lower)
    return max(ImageStat.Stat(ImageChops.difference(again, small)).mean) < SAME_PICTURE


@dataclass(frozen=True)
class _Picture:
    number: int  # a page's, or COVER_ART
    name: str  # as the report names it
    png: bytes


def _pictures(book: BookToExport) -> list[_Picture]:
    return [_Picture(p.number, f"Page {p.number}", p.picture) for p in book.pages] + [
        _Picture(COVER_ART, "The cover", book.cover)]


def _short(book: BookToExport, picture: _Picture, inches: tuple[float, float]) -> str | None:
    """The sentence for a picture that would print below 300 DPI, or None."""
    dpi = _dpi(_size_of(picture.png), inches)
    if dpi >= DPI or _repaints(book, picture.number, picture.png):
        return None
    need_w, need_h = pixels_for(inches)
    line = f"{picture.name}: {dpi} DPI at print size ({DPI} needed: a picture of at least {need_w} x {need_h} pixels)."
    if book.redraw is not None:
        line += " It changed after it was drawn: draw it again in the Studio, then export again."
    return line


def resolution_report(book: BookToExport, options: ExportOptions) -> list[str]:
    """One sentence for each picture the print export prints below 300 DPI, naming the page and
    the shortfall; empty when every picture is sharp enough, as for a book the offline
    painter drew (the export paints its pictures again at print size)."""
    inches = picture_inches(options)
    return [line for line in _in_parallel(partial(_short, book, p, inches) for p in _pictures(book)) if line]


# ---- pictures -------------------------------------------------------------------------

def _print_picture(book: BookToExport, number: int, png: bytes, inches: tuple[float, float]) -> tuple[bytes, bool]:
    """The picture cropped to fill `inches`, as a JPEG, and whether it was painted again: at
    print size when the offline painter drew it, else at the resolution it has (never enlarged)."""
    target = pixels_for(inches)
    drawn = _size_of(png)
    repainted = book.redraw is not None and _dpi(drawn, inches) < DPI and _repaints(book, number, png)
    if repainted and book.redraw is not None:
        # The same picture at the stored shape, just big enough to cover the page.
        scale = max(target[0] / drawn[0], target[1] / drawn[1])
        image = book.redraw(number, (math.ceil(drawn[0] * scale), math.ceil(drawn[1] * scale)))
        image = ImageOps.fit(image, target, Image.Resampling.LANCZOS)
    else:
        image = Image.open(io.BytesIO(png)).convert("RGB")
        aspect = inches[0] / inches[1]
        w, h = image.size
        crop = (min(w, round(h * aspect)), min(h, round(w / aspect)))
        image = ImageOps.fit(image, crop, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Quality 92 with full-resolution colour keeps the painter's hard edges clean.
    image.convert("RGB").save(out, "JPEG", quality=92, subsampling=0, dpi=(DPI, DPI))
    return out.getvalue(), repainted


def _print_jpeg(book: BookToExport, number: int, png: bytes, inches: tuple[float, float]) -> bytes:
    return _print_picture(book, number, png, inches)[0]


T = TypeVar("T")


def _in_parallel(jobs: Iterable[Callable[[], T]]) -> list[T]:
    """Pillow lets go of the interpreter while it paints and encodes: use every core."""
    work = list(jobs)
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda job: job(), work))


# ---- the document ---------------------------------------------------------------------

class _Sheet(FPDF):
    """An fpdf2 document in inches with the shipped fonts and no automatic anything."""

    def __init__(self, book: BookToExport) -> None:
        super().__init__(unit="in")
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.c_margin = 0
        self.add_font("title", "", str(FONTS / "FredokaOne-Regular.ttf"))
        self.add_font("body", "", str(FONTS / "SourceSansPro-Regular.ttf"))
        self.add_font("body", "B", str(FONTS / "SourceSansPro-Semibold.ttf"))
        self.add_font("body", "I", str(FONTS / "SourceSansPro-It.ttf"))
        # Debian's DejaVu for characters the shipped fonts lack; loading it costs a second,
        # so only when the book has such characters.
        covered = set(cast(TTFFont, self.fonts["body"]).cmap) & set(cast(TTFFont, self.fonts["title"]).cmap)
        words = " ".join([book.title, book.author, *book.cast, *(p.text for p in book.pages)])
        if any(ord(ch) not in covered for ch in words if not ch.isspace()):
            try:
                self.add_font("fallback", "", FALLBACK_FONT)
            except FileNotFoundError:
                pass  # without DejaVu such characters print as the shipped fonts' blank
            else:
                self.set_fallback_fonts(["fallback"], exact_match=False)
        self.set_title(book.title)
        if book.author:
            self.set_author(book.author)
        self.set_creator("Storymaker")
        tag = language_code(book.language) or book.language.strip()
        if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", tag):  # a language tag, not a name we cannot map
            self.set_lang(tag)

    def fit_text(self, text: str, family: str, style: str, size: float, box: Box,
                 align: Align = Align.C, middle: bool = True, smallest: float = 9.0) -> float:
        """Set `text` inside `box`, shrinking the type until it fits; returns the height used."""
        x, y, w, h = box
        # A display face's ascenders and accents reach past its line height: keep clear of the edges.
        y, h = y + OVERSHOOT, h - 2 * OVERSHOOT
        while True:
            self.set_font(family, style, size)
            line_h = size * 1.3 / PT
            height = self.line_count(text, w, line_h) * line_h
            if height <= h or size <= smallest:
                break
            size = max(smallest, size * 0.92)
        self.set_xy(x, y + (max(0.0, h - height) / 2 if middle else 0.0))
        self.multi_cell(w, line_h, text, align=align)
        return height

    def line_count(self, text: str, width: float, line_h: float) -> int:
        """How many lines `text` takes in the current font at `width`."""
        lines = self.multi_cell(width, line_h, text, align=Align.C, dry_run=True, output=MethodReturnValue.LINES)
        return len(cast(list[str], lines))

    def text_size(self, text: str, family: str, style: str, size: float, width: float) -> float:
        """The largest size up to `size` at which `text` fits on one line of `width`."""
        self.set_font(family, style, size)
        return min(size, size * width / max(self.get_string_width(text), 1e-6))


@dataclass(frozen=True)
class _Page:
    width: float
    height: float
    trim: Box  # inside the page, from the top left

    @property
    def safe(self) -> Box:
        x, y, w, h = self.trim
        return x + SAFE, y + SAFE, w - 2 * SAFE, h - 2 * SAFE


def _interior_page(options: ExportOptions, number: int) -> _Page:
    trim_w, trim_h = TRIMS[options.trim]
    right_hand = number % 2 == 1
    return _Page(trim_w + BLEED, trim_h + 2 * BLEED, (0.0 if right_hand else BLEED, BLEED, trim_w, trim_h))


def _quiet(rgb: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    """`rgb` washed towards white: a colour that sits quietly behind words."""
    r, g, b = rgb
    return (round(r + (255 - r) * amount), round(g + (255 - g) * amount), round(b + (255 - b) * amount))


def _cover_colour(book: BookToExport) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(book.cover)) as image:
        r, g, b = image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # type: ignore[misc]
    return int(r), int(g), int(b)


def _with_boxes(data: bytes, trims: list[Box]) -> bytes:
    """Set every page's TrimBox (from `trims`, in inches from the top left) and its BleedBox
    (the whole page), which fpdf2 does not write."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page, (x, y, w, h) in zip(writer.pages, trims, strict=True):
        height = float(page.mediabox.height)
        page.trimbox = RectangleObject([x * PT, height - (y + h) * PT, (x + w) * PT, height - y * PT])
        page.bleedbox = RectangleObject(page.mediabox)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render(book: BookToExport, options: ExportOptions) -> bytes:
    """The print-ready interior."""
    slots = plan(book, options.layout)
    inches = picture_inches(options)
    pictured = [s.scene for s in slots if s.kind in ("picture", "single") and s.scene is not None]
    jpegs = dict(zip([p.number for p in pictured], _in_parallel(
        partial(_print_jpeg, book, p.number, p.picture, inches) for p in pictured), strict=True))
    endpaper = _quiet(_cover_colour(book), 0.8)
    body = BODY_PT.get(book.age_band, BODY_PT["6-8"])

    pdf = _Sheet(book)
    trims = []
    for number, slot in enumerate(slots, start=1):
        page = _interior_page(options, number)
        pdf.add_page(format=(page.width, page.height))
        trims.append(page.trim)
        sx, sy, sw, sh = page.safe
        pdf.set_text_color(*INK)
        if slot.kind in ("picture", "single") and slot.scene is not None:
            pdf.image(io.BytesIO(jpegs[slot.scene.number]), 0, 0, page.width, page.height)
        if slot.kind == "title":
            pdf.fit_text(book.title, "title", "", 44, (sx, sy + sh * 0.2, sw, sh * 0.4))
            if book.author:
                pdf.fit_text(f"by {book.author}", "body", "", 20, (sx, sy + sh * 0.65, sw, sh * 0.2), middle=False)
        elif slot.kind == "words" and slot.scene is not None:
            pdf.fit_text(slot.scene.text, "body", "", body, (sx, sy, sw, sh - 0.4))
            pdf.fit_text(str(number), "body", "", 11, (sx, sy + sh - 0.25, sw, 0.25))
        elif slot.kind == "single" and slot.scene is not None:
            _words_on_band(pdf, slot.scene.text, body, page.safe)
        elif slot.kind == "end":
            pdf.fit_text("The End", "title", "", 44, (sx, sy, sw, sh))
        elif slot.kind == "endpaper":
            pdf.set_fill_color(*endpaper)
            pdf.rect(0, 0, page.width, page.height, style="F")
    return _with_boxes(bytes(pdf.output()), trims)


def _words_on_band(pdf: _Sheet, text: str, size: float, safe: Box) -> None:
    """The words at the top of the safe area, over the sky (the painter stands its figures in
    the lower half), on a quiet band that lets the picture show through."""
    sx, sy, sw, sh = safe
    pad = 0.2
    inner = sw - 2 * pad
    # Measure first: the band is as tall as the words (at most half the page).
    room = sh / 2 - 2 * pad
    while True:
        pdf.set_font("body", "", size)
        height = pdf.line_count(text, inner, size * 1.3 / PT) * size * 1.3 / PT
        if height <= room or size <= 9:
            break
        size = max(9.0, size * 0.92)
    band_h = min(sh, height + 2 * pad)
    top = sy
    with pdf.local_context(fill_opacity=0.88):
        pdf.set_fill_color(*PAPER)
        pdf.rect(sx, top, sw, band_h, style="F", round_corners=True, corner_radius=0.15)
    pdf.fit_text(text, "body", "", size, (sx + pad, top + pad, inner, band_h - 2 * pad))


def render_cover(book: BookToExport, options: ExportOptions) -> bytes:
    """The cover sheet: back, spine and front side by side, with bleed all round."""
    trim_w, trim_h = TRIMS[options.trim]
    spine = spine_width(book, options)
    width, height = 2 * trim_w + spine + 2 * BLEED, trim_h + 2 * BLEED
    front_x = BLEED + trim_w + spine
    colour = _cover_colour(book)

    pdf = _Sheet(book)
    pdf.add_page(format=(width, height))
    # Back and spine: a quiet colour taken from the cover, to the bleed edge.
    pdf.set_fill_color(*_quiet(colour, 0.75))
    pdf.rect(0, 0, front_x, height, style="F")
    pdf.set_fill_color(*_quiet(colour, 0.35))
    pdf.rect(BLEED + trim_w, 0, spine, height, style="F")

    # Front: the cover picture to the bleed on three sides. An offline cover is painted
    # again at print size without its title, which is then set in type inside the safe area;
    # any other cover already carries its title in the picture.
    inches = front_inches(options)
    picture, redrawn = _print_picture(book, COVER_ART, book.cover, inches)
    pdf.image(io.BytesIO(picture), front_x, 0, inches[0], inches[1])
    pdf.set_text_color(*INK)
    if redrawn:
        fx, fy, fw = front_x + SAFE, BLEED + SAFE, trim_w - 2 * SAFE
        _title_band(pdf, book, (fx, fy, fw, (trim_h - 2 * SAFE) * 0.45))

    # Back: a short line about the book inside the safe area (the lower right is left clear
    # for the barcode a print-on-demand service adds).
    bx, by, bw = BLEED + SAFE, BLEED + SAFE, trim_w - 2 * SAFE
    pdf.fit_text(book.title, "title", "", 28, (bx, by, bw, 0.9), middle=False)
    pdf.fit_text(_back_line(book), "body", "I", 16, (bx, by + 1.0, bw, 1.6), middle=False)

    if spine >= SPINE_TEXT_MIN:
        _spine_words(pdf, book, BLEED + trim_w, spine, height)
    return _with_boxes(bytes(pdf.output()), [(BLEED, BLEED, width - 2 * BLEED, trim_h)])


def _title_band(pdf: _Sheet, book: BookToExport, box: Box) -> None:
    """The title (and author) on a soft band at the top of the front's safe area."""
    x, y, w, h = box
    pad = 0.2
    size = max(24.0, pdf.text_size(book.title, "title", "", 54, w - 2 * pad))
    line_h = size * 1.2 / PT
    while True:
        pdf.set_font("title", "", size)
        author_h = 0.4 if book.author else 0.0
        band_h = pdf.line_count(book.title, w - 2 * pad, line_h) * line_h + author_h + 2 * pad
        if band_h <= h or size <= 14:
            break
        size, line_h = size * 0.9, size * 0.9 * 1.2 / PT
    with pdf.local_context(fill_opacity=0.85):
        pdf.set_fill_color(*PAPER)
        pdf.rect(x, y, w, band_h, style="F", round_corners=True, corner_radius=0.2)
    pdf.set_xy(x + pad, y + pad)
    pdf.multi_cell(w - 2 * pad, line_h, book.title, align=Align.C)
    if book.author:
        pdf.fit_text(f"by {book.author}", "body", "B", 18, (x + pad, y + band_h - pad - 0.35, w - 2 * pad, 0.35))


def _back_line(book: BookToExport) -> str:
    who = list(book.cast)
    if not who:
        return f"A picture book in {len(book.pages)} pages."
    names = who[0] if len(who) == 1 else f"{', '.join(who[:-1])} and {who[-1]}"
    return f"A story with {names}, in {len(book.pages)} pictures."


def _spine_words(pdf: _Sheet, book: BookToExport, x: float, spine: float, height: float) -> None:
    """Title (and author) along the spine, reading top to bottom, clear of both folds."""
    words = f"{book.title}  ·  {book.author}" if book.author else book.title
    room = height - 2 * (BLEED + SAFE)  # along the spine
    size = min((spine - 2 * SPINE_TEXT_MARGIN) * PT * 0.7, pdf.text_size(words, "title", "", 24, room))
    pdf.set_font("title", "", size)
    length = pdf.get_string_width(words)
    cx, cy = x + spine / 2, height / 2
    with pdf.rotation(-90, cx, cy):
        # Rotated about the spine's centre: lay the line out as if horizontal there.
        pdf.set_xy(cx - length / 2, cy - size / PT / 2)
        pdf.cell(length, size / PT, words, align=Align.C)
