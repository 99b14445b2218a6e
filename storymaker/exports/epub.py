"""EPUB 3: the book as a fixed-layout picture book.

Each page is drawn to a fixed size (`rendition:layout` pre-paginated, a viewport on every
page), as a picture book is: the cover, a title page, then one page per scene with its
picture above its words. Words stay real text (searchable, read aloud by a reader's own
text-to-speech, resizable with the page), set in the shipped fonts, which are embedded:
the SIL Open Font License permits embedding, and each font carries its copyright and
licence in its name table, as the OFL asks of every copy. Pictures go in as JPEG at most
`PICTURE_PX` on their longest side, which keeps a 10-page book to a few megabytes.

ebooklib writes the package (manifest, spine, navigation document and NCX, metadata); the
pages are ours, built with lxml so every title and word a person or a model wrote is
escaped by the serializer, never pasted into markup. Because a fixed page cannot flow on
to the next one, the words are measured here with the same font (Pillow) and set at the
largest size that fits, the picture giving up height only when the words need it.

A book's narration (`BookToExport.narration`) rides along as EPUB 3 media overlays, built in
`overlays`: a narrated page's words become spans a reader lights one by one as its audio plays.
"""

from __future__ import annotations

import io
import os
import pkgutil
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from ebooklib import epub  # type: ignore[import-untyped]  # ebooklib ships no type hints
from xml.etree import ElementTree
from PIL import Image, ImageFont

from . import ExportOptions, overlays
from .. import languages
from ..narration import COVER
from .book import BookToExport, ExportPage
from .overlays import Overlay

PAGE_W, PAGE_H = 1200, 1600  # CSS pixels of every page's viewport: a portrait page, 3:4
PICTURE_PX = 1400  # longest side of a picture in the package; smaller pictures are not enlarged
JPEG_QUALITY = 85
MARGIN = 80  # left and right of the words
BAND_PAD = 48  # above and below the words
MIN_PICTURE_H = 800  # the picture shrinks below its full width only as far as this, before the words do
LINE_HEIGHT = 1.35
PARAGRAPH_GAP = 0.5  # of a line
# The words' size by age band (CSS px on a 1200 px page), the smallest they may go to fit.
WORD_SIZES = {"3-5": 54, "6-8": 44, "9-12": 38}
COMFORTABLE = 0.8  # the words shrink to this share of their size before the picture shrinks
MIN_WORD_SIZE = 22
# Our line breaking measures against a slightly narrower line than the reader has, so a
# reader's own (kerned, differently rounded) lines never need more room than we left.
MEASURE_SLACK = 0.94
BACKGROUND = "#fff8ec"
INK = "#2b2622"
STAMP = uuid.UUID("6f1c2f9e-4d8a-5b3e-9a41-5e0b7a1d2c10")  # the namespace of our urn:uuid identifiers

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"

FONTS = {  # file in storymaker/exports/fonts -> the family the stylesheet names
    "FredokaOne-Regular.ttf": "Fredoka One",
    "SourceSansPro-Regular.ttf": "Source Sans Pro",
}
TITLE_FONT, WORD_FONT = "FredokaOne-Regular.ttf", "SourceSansPro-Regular.ttf"

# "by NAME" on the title page, in the book's language; elsewhere the name stands alone.
BY = {"en": "by {}", "es": "por {}", "fr": "par {}", "de": "von {}", "it": "di {}", "pt": "por {}",
      "pt-BR": "por {}", "nl": "door {}", "ca": "per {}"}


def _xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (controls, lone surrogates), which
    model text may carry: no escape exists for them, ElementTree would write a page no reader
    can parse, and lxml (ebooklib's navigation) refuses them."""
    return "".join(
        c for c in text
        if c in "\t\n" or (unicodedata.category(c) not in ("Cc", "Cs") and c not in "\ufffe\uffff"))


@dataclass(frozen=True)
class Picture:
    name: str  # file name inside images/
    data: bytes
    width: int
    height: int
    edge: str  # the picture's average colour, "#rrggbb": the page around a picture that does not fill it


def picture(name: str, png: bytes) -> Picture:
    """A stored PNG as a JPEG at most PICTURE_PX on its longest side."""
    flat: Image.Image = Image.open(io.BytesIO(png))
    if flat.mode != "RGB":  # transparency goes over white paper
        image = flat.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
    flat.thumbnail((PICTURE_PX, PICTURE_PX), Image.Resampling.LANCZOS)
    red, green, blue = flat.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # type: ignore[misc]  # RGB gives a tuple
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=JPEG_QUALITY)
    return Picture(name, out.getvalue(), flat.width, flat.height, f"#{red:02x}{green:02x}{blue:02x}")


MEASURE_SIZE = 200  # px: widths are measured once at this size and scaled, as outlines scale


@lru_cache(maxsize=4)
def font_data(file: str) -> bytes:
    """A shipped font file (package data, like the prompt templates: not the store's)."""
    data = pkgutil.get_data(__package__, f"fonts/{file}")
    if data is None:  # only a broken install gets here: the fonts ship inside the package
        raise RuntimeError(f"The font {file} is missing from storymaker/exports/fonts.")
    return data


@lru_cache(maxsize=4)
def _font(file: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(io.BytesIO(font_data(file)), MEASURE_SIZE)


@lru_cache(maxsize=8192)
def em_width(file: str, text: str) -> float:
    """The width of `text` in ems (1 em = the font's size)."""
    return _font(file).getlength(text) / MEASURE_SIZE


def wrap(text: str, file: str, size: int, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` px at `size` px, as a reader breaks them
    (at spaces; a word longer than a line is cut). Each word is measured once, whatever the
    size, so trying many sizes costs arithmetic, not measuring."""
    limit = width / size
    space = em_width(file, " ")
    lines: list[str] = []
    line, line_w = "", 0.0
    for word in text.split():
        word_w = em_width(file, word)
        if line and line_w + space + word_w <= limit:
            line, line_w = f"{line} {word}", line_w + space + word_w
            continue
        if line:
            lines.append(line)
        if word_w > limit:  # a word wider than the page breaks anywhere
            piece, piece_w = "", 0.0
            for char in word:
                char_w = em_width(file, char)
                if piece and piece_w + char_w > limit:
                    lines.append(piece)
                    piece, piece_w = "", 0.0
                piece, piece_w = piece + char, piece_w + char_w
            word, word_w = piece, piece_w
        line, line_w = word, word_w
    if line:
        lines.append(line)
    return lines


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.splitlines() if p.strip()]


@dataclass(frozen=True)
class WordsLayout:
    size: int  # CSS px
    height: int  # of the words, without the band's padding


def words_height(paras: list[str], size: int) -> int:
    line = size * LINE_HEIGHT
    lines = sum(len(wrap(p, WORD_FONT, size, (PAGE_W - 2 * MARGIN) * MEASURE_SLACK)) for p in paras)
    return round(lines * line + max(0, len(paras) - 1) * PARAGRAPH_GAP * line)


def fit_words(paras: list[str], age_band: str, room: int) -> WordsLayout:
    """The largest size, down from the age band's, at which the words fit `room` px; at the
    smallest size the words take what they need (a page never loses words)."""
    size = WORD_SIZES.get(age_band, WORD_SIZES["6-8"])
    while size > MIN_WORD_SIZE:
        height = words_height(paras, size)
        if height <= room:
            return WordsLayout(size, height)
        size -= 2
    return WordsLayout(MIN_WORD_SIZE, words_height(paras, MIN_WORD_SIZE))


def el(tag: str, *children: ElementTree.Element | str, **attributes: str) -> ElementTree.Element:
    """An element; a str child is its text. Attribute names: `class_` for class, `epub_type`
    for epub:type. ElementTree escapes every text and attribute value it writes."""
    element = ElementTree.Element(tag, {name.rstrip("_").replace("epub_", "epub:"): value
                                        for name, value in attributes.items()})
    for child in children:
        if isinstance(child, str):
            element.text = (element.text or "") + child
        else:
            element.append(child)
    return element


def _document(lang: str, direction: str | None, title: str, width: int, height: int,
              body: ElementTree.Element) -> bytes:
    html = el("html",
              el("head",
                 el("meta", charset="utf-8"),
                 el("meta", name="viewport", content=f"width={width}, height={height}"),
                 el("title", title),
                 el("link", rel="stylesheet", type="text/css", href="style/book.css")),
              body)
    # Written as plain attributes: ElementTree would otherwise invent its own prefixes.
    html.attrib.update({"xmlns": XHTML, "xmlns:epub": OPS, "lang": lang, "xml:lang": lang})
    if direction:
        html.set("dir", direction)
    markup = ElementTree.tostring(html, encoding="unicode", short_empty_elements=True)
    return f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n{markup}\n'.encode()


def _box(left: float, top: float, width: float, height: float, extra: str = "") -> str:
    return (f"position:absolute;left:{round(left)}px;top:{round(top)}px;"
            f"width:{round(width)}px;height:{round(height)}px;{extra}")


def cover_page(book_title: str, lang: str, direction: str | None, image: Picture) -> bytes:
    """The cover picture (the title is lettered on it) filling a page of its own size."""
    body = el("body",
              el("div",
                 el("img", src=f"images/{image.name}", alt=book_title, style=_box(0, 0, image.width, image.height)),
                 class_="page", style=_box(0, 0, image.width, image.height)),
              epub_type="cover")
    return _document(lang, direction, book_title, image.width, image.height, body)


def title_page(book_title: str, author: str, lang: str, direction: str | None, spoken: bool = False) -> bytes:
    """The title, as large as fits the page's width in up to four lines, and the author line
    under it. `spoken`: the cover's narration says the title, so the title has an id to light."""
    width = (PAGE_W - 2 * MARGIN) * MEASURE_SLACK
    size = 110
    while size > 40 and len(wrap(book_title, TITLE_FONT, size, width)) > 4:
        size -= 6
    title_h = len(wrap(book_title, TITLE_FONT, size, width)) * size * 1.2
    top = PAGE_H * 0.3
    parts = [el("h1", book_title, class_="title",
                style=_box(MARGIN, top, PAGE_W - 2 * MARGIN, title_h, f"font-size:{size}px;line-height:{size * 1.2:.1f}px;"))]
    if spoken:
        parts[0].set("id", overlays.TITLE_ID)
    if author:
        byline = BY.get(lang, BY.get(lang.split("-")[0], "{}")).format(author)
        parts.append(el("p", byline, class_="author",
                        style=_box(MARGIN, top + title_h + 80, PAGE_W - 2 * MARGIN, 200, "font-size:48px;line-height:60px;")))
    body = el("body", el("div", *parts, class_="page", style=_box(0, 0, PAGE_W, PAGE_H)), epub_type="titlepage")
    return _document(lang, direction, book_title, PAGE_W, PAGE_H, body)


def _spoken_paragraph(text: str, page: int, first: int) -> ElementTree.Element:
    """A paragraph whose words are spans a media overlay can light, one a word, ids counted
    across the page from `first`; the spaces between them stay, so it lays out as plain text."""
    paragraph = el("p")
    span = None
    for n, word in enumerate(text.split(" ")):
        if span is not None:
            span.tail = " "
        span = el("span", word, id=overlays.word_id(page, first + n))
        paragraph.append(span)
    return paragraph


def scene_page(page: ExportPage, age_band: str, lang: str, direction: str | None, image: Picture,
               spoken: bool = False) -> bytes:
    """The picture across the top at full width, the words under it; when the words need more
    room than is left, they shrink a little first, then the picture gives up height.
    `spoken`: the page has narration, so each word is a span with an id its overlay lights
    (the words, and so their measuring and fitting, are the same)."""
    paras = paragraphs(page.text)
    natural_h = PAGE_W * image.height / image.width  # the picture at the page's full width
    words = fit_words(paras, age_band, round(PAGE_H - natural_h - 2 * BAND_PAD))
    if words.size < WORD_SIZES.get(age_band, WORD_SIZES["6-8"]) * COMFORTABLE:
        words = fit_words(paras, age_band, PAGE_H - MIN_PICTURE_H - 2 * BAND_PAD)
    picture_h = min(natural_h, PAGE_H - words.height - 2 * BAND_PAD)
    shown_w = min(PAGE_W, picture_h * image.width / image.height)
    band_top = picture_h + (PAGE_H - picture_h - words.height) / 2
    line = words.size * LINE_HEIGHT
    if spoken:
        firsts = [sum(len(p.split(" ")) for p in paras[:n]) for n in range(len(paras))]
        blocks = [_spoken_paragraph(p, page.number, first) for p, first in zip(paras, firsts, strict=True)]
    else:
        blocks = [el("p", p) for p in paras]
    text = el("div", *blocks, class_="words",
              style=_box(MARGIN, band_top, PAGE_W - 2 * MARGIN, words.height + line,  # a line to spare
                         f"font-size:{words.size}px;line-height:{line:.1f}px;"))
    frame = el("div",
               el("img", src=f"images/{image.name}", alt=page.title,
                  style=_box((PAGE_W - shown_w) / 2, 0, shown_w, picture_h)),
               class_="picture", style=_box(0, 0, PAGE_W, picture_h, f"background-color:{image.edge};"))
    body = el("body", el("div", frame, text, class_="page", style=_box(0, 0, PAGE_W, PAGE_H)), epub_type="bodymatter")
    return _document(lang, direction, f"{page.number}. {page.title}", PAGE_W, PAGE_H, body)


def stylesheet(narrated: bool = False) -> bytes:
    """The book's one stylesheet; `narrated` adds the class a media overlay lights the word being said with."""
    faces = "".join(
        f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: normal; '
        f'src: url("../fonts/{file}"); }}\n' for file, family in FONTS.items())
    return (faces + f"""
html, body {{ margin: 0; padding: 0; }}
body {{ width: {PAGE_W}px; height: {PAGE_H}px; overflow: hidden; background-color: {BACKGROUND}; color: {INK}; }}
.page {{ overflow: hidden; background-color: {BACKGROUND}; }}
.picture {{ overflow: hidden; }}
.picture img {{ display: block; }}
.words {{ font-family: "{FONTS[WORD_FONT]}", "DejaVu Sans", sans-serif; hyphens: none; -epub-hyphens: none;
  overflow-wrap: break-word; text-align: center; }}
.words p {{ margin: 0 0 {PARAGRAPH_GAP * LINE_HEIGHT:.3f}em 0; }}
.title {{ font-family: "{FONTS[TITLE_FONT]}", "DejaVu Sans", sans-serif; font-weight: normal; margin: 0;
  text-align: center; overflow-wrap: break-word; }}
.author {{ font-family: "{FONTS[WORD_FONT]}", "DejaVu Sans", sans-serif; margin: 0; text-align: center; }}
""" + (f".{overlays.ACTIVE_CLASS} {{ background-color: {overlays.HIGHLIGHT}; border-radius: 0.15em; }}\n"
          if narrated else "")).encode()


class _Page(epub.EpubHtml):
    """An XHTML page we wrote whole: ebooklib would re-parse it as HTML and rebuild its head
    (losing the viewport's place and the body's attributes), so it is packaged as it is."""

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.content


def identifier(book: BookToExport) -> str:
    """Stable for one version of one book: exporting it again gives the same identifier."""
    return f"urn:uuid:{uuid.uuid5(STAMP, f'storymaker-book-{book.id}-{book.version}')}"


def _overlays(book: BookToExport, title: str, pages: list[ExportPage]) -> dict[int, Overlay]:
    """The media overlay of each narrated page whose narration fits its words (see `overlays`):
    the cover's lights the title on the title page."""
    found = {}
    documents = [(COVER, "title.xhtml", title.split()),
                 *((p.number, f"page_{p.number:02d}.xhtml", p.text.split()) for p in pages)]
    for number, document, words in documents:
        made = overlays.overlay(number, book.narration.get(number), document, words, clean=_xml_text)
        if made is not None:
            found[number] = made
    return found


def _add_overlays(package: epub.EpubBook, found: dict[int, Overlay], documents: dict[str, epub.EpubHtml]) -> None:
    """Each overlay's audio and SMIL in the manifest, its document pointing at its SMIL, and the
    durations and active class in the metadata. ebooklib writes the `media-overlay` attribute
    and the SMIL items; the SMIL documents and the metadata are ours."""
    for n, overlay in enumerate(found.values()):
        package.add_item(epub.EpubItem(uid=f"audio{n}", file_name=overlay.audio_file, media_type=overlay.mime,
                                       content=overlay.audio))
        package.add_item(epub.EpubSMIL(uid=f"overlay{n}", file_name=overlay.smil_file, content=overlay.smil()))
        documents[overlay.document].media_overlay = f"overlay{n}"
        package.add_metadata(None, "meta", overlays.clock(overlay.duration_ms),
                             {"property": "media:duration", "refines": f"#overlay{n}"})
    total = sum(overlay.duration_ms for overlay in found.values())  # of the rounded figures, so they add up
    package.add_metadata(None, "meta", overlays.clock(total), {"property": "media:duration"})
    package.add_metadata(None, "meta", overlays.ACTIVE_CLASS, {"property": "media:active-class"})


def render(book: BookToExport, options: ExportOptions) -> bytes:
    """The book as an EPUB 3 file. `options` (trim, layout, paper) are for print and not read.

    Pages with narration (`book.narration`) that fits their words carry it as media overlays:
    the audio, a SMIL document lighting each word as it is said, and their durations.
    """
    del options
    lang = languages.tag_for(book.language)
    direction = "rtl" if languages.right_to_left(lang) else None
    title = _xml_text(book.title)
    author = _xml_text(book.author)

    package = epub.EpubBook()
    package.set_identifier(identifier(book))
    package.set_title(title)
    package.set_language(lang)
    if direction:
        package.set_direction(direction)
    if author:
        package.add_author(author)
    for prop, value in (("rendition:layout", "pre-paginated"), ("rendition:orientation", "auto"),
                        ("rendition:spread", "landscape")):  # two pages side by side only on a landscape screen
        package.add_metadata(None, "meta", value, {"property": prop})

    shown = [ExportPage(p.number, _xml_text(p.title), _xml_text(p.text), p.picture) for p in book.pages]
    found = _overlays(book, title, shown)
    style = epub.EpubItem(uid="style", file_name="style/book.css", media_type="text/css",
                          content=stylesheet(narrated=bool(found)))
    package.add_item(style)
    for n, file in enumerate(FONTS):
        package.add_item(epub.EpubItem(uid=f"font{n}", file_name=f"fonts/{file}", media_type="font/ttf",
                                       content=font_data(file)))

    # Decoding and encoding pictures is most of the time, and Pillow does it outside the GIL.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        cover_picture, *images = pool.map(picture, ["cover.jpg", *(f"page_{p.number:02d}.jpg" for p in book.pages)],
                                          [book.cover, *(p.picture for p in book.pages)])
    package.set_cover(f"images/{cover_picture.name}", cover_picture.data, create_page=False)
    cover = _Page(uid="cover", file_name="cover.xhtml", title="Cover", lang=lang,
                  content=cover_page(title, lang, direction, cover_picture))
    opening = _Page(uid="titlepage", file_name="title.xhtml", title=title, lang=lang,
                    content=title_page(title, author, lang, direction, spoken=COVER in found))
    pages = []
    for page, image in zip(shown, images, strict=True):
        package.add_item(epub.EpubImage(uid=f"image{page.number}", file_name=f"images/{image.name}",
                                        media_type="image/jpeg", content=image.data))
        pages.append(_Page(uid=f"page{page.number}", file_name=f"page_{page.number:02d}.xhtml",
                           title=f"{page.number}. {page.title}", lang=lang,
                           content=scene_page(page, book.age_band, lang, direction, image,
                                              spoken=page.number in found)))
    for document in (cover, opening, *pages):
        package.add_item(document)
    if found:
        _add_overlays(package, found, {d.file_name: d for d in (opening, *pages)})

    package.toc = [cover, opening, *pages]
    package.guide = [{"type": "cover", "href": cover.file_name, "title": "Cover"}]
    package.guide += [{"type": "text", "href": p.file_name, "title": p.title} for p in pages[:1]]
    package.add_item(epub.EpubNcx())
    package.add_item(epub.EpubNav(title=title))
    package.spine = [cover, opening, *pages]

    out = io.BytesIO()
    # raise_exceptions: a failed write is an error here, not a warning and a False
    epub.write_epub(out, package, {"mtime": datetime.now(timezone.utc), "raise_exceptions": True})
    return out.getvalue()
