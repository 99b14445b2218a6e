"""The print-ready interior and cover, checked the way a print-on-demand service checks them:
page and trim sizes, bleed, boxes on every page, page count, picture resolution at the
printed size, embedded fonts, words in the text and inside the safe margin."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from storymaker import accounts, books, exports
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.exports import PAPERS, TRIMS, BookToExport, ExportOptions, print_pdf
from storymaker.exports.book import COVER_ART, ExportPage
from tests.conftest import make_book
from tests.core.export_support import (
    PT,
    fonts,
    images,
    page_boxes,
    page_texts,
    render_every_page,
    require_poppler,
    saved,
    words,
)

require_poppler()

BLEED, SAFE = 0.125, 0.5
WORDS = ("Mia ran down to the harbour where the boats bobbed. “Look!” said Pip, and the gulls "
         "called all day long over the bright green water.")


def _png(size: int, colour=(90, 140, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "PNG")
    return out.getvalue()


def mock_book(scenes: int = 4, px: int = 256, author: str = "Ada Lovelace") -> BookToExport:
    """A finished book whose pictures are `px` pixels a side, as a model that draws small gives."""
    picture = _png(px)
    pages = tuple(ExportPage(n, f"Page {n}", f"{WORDS} Page {n} ends here.", picture) for n in range(1, scenes + 1))
    return BookToExport(7, "The Lighthouse Cat", author, "en", "6-8", "watercolor", ("Mia", "Pip"),
                        _png(px, (200, 120, 80)), pages, "v1")


@pytest.fixture(scope="module")
def offline_book(tmp_path_factory) -> BookToExport:
    """A real four-page book drawn by the offline painter (what a user without a key gets)."""
    engine = Engine(Settings(provider="offline", data_dir=tmp_path_factory.mktemp("offline")))
    user = accounts.get_or_create(engine.db(), "ada")
    book = exports.snapshot(engine, user.id, make_book(engine, user.id))
    assert book.redraw is not None
    return book


def _pages(tmp_path: Path, data: bytes, name: str = "book.pdf") -> Path:
    return saved(data, tmp_path / name)


def _safe(box: tuple[float, float, float, float], page_h: float) -> tuple[float, float, float, float]:
    """A trim box (points, from the bottom left) as the safe area from the top left."""
    x0, y0, x1, y1 = box
    inset = SAFE * PT
    return x0 + inset, page_h - y1 + inset, x1 - inset, page_h - y0 - inset


def _inside(word, area, slack: float = 0.5) -> bool:
    x0, y0, x1, y1 = area
    return word.x0 >= x0 - slack and word.y0 >= y0 - slack and word.x1 <= x1 + slack and word.y1 <= y1 + slack


@pytest.mark.parametrize("trim", list(TRIMS))
@pytest.mark.parametrize("layout", ["spread", "single"])
def test_every_page_is_trim_plus_bleed_with_its_boxes(tmp_path, trim, layout):
    pdf = _pages(tmp_path, print_pdf.render(mock_book(), ExportOptions(trim=trim, layout=layout)))
    trim_w, trim_h = (v * PT for v in TRIMS[trim])
    bleed = BLEED * PT
    pages = page_boxes(pdf)
    assert len(pages) == 24
    for number, page in enumerate(pages, start=1):
        assert page.size == pytest.approx((trim_w + bleed, trim_h + 2 * bleed), abs=0.01)
        assert page.bleed == pytest.approx(page.media, abs=0.01)
        # Odd pages are right-hand pages and bleed right; even pages bleed left; never the gutter.
        left = 0.0 if number % 2 else bleed
        assert page.trim == pytest.approx((left, bleed, left + trim_w, bleed + trim_h), abs=0.01), number


@pytest.mark.parametrize("scenes", [4, 10, 16])
@pytest.mark.parametrize("layout", ["spread", "single"])
def test_page_count_is_at_least_24_and_a_multiple_of_4(tmp_path, scenes, layout):
    book = mock_book(scenes, px=64)
    texts = page_texts(print_pdf.render(book, ExportOptions(layout=layout)))
    content = 1 + scenes * (2 if layout == "spread" else 1) + 1  # title page, scenes, The End
    assert len(texts) >= 24 and len(texts) % 4 == 0
    assert len(texts) - content < 4 or len(texts) == 24  # padded no further than the rule needs
    assert len(texts) == print_pdf.page_count(book, ExportOptions(layout=layout))
    assert "The End" in texts[content - 1]
    assert all(not text for text in texts[content:])  # end-papers carry no words


@pytest.mark.parametrize("layout", ["spread", "single"])
def test_every_page_has_its_words_title_page_and_the_end(tmp_path, layout):
    book = mock_book(4)
    texts = page_texts(print_pdf.render(book, ExportOptions(layout=layout)))
    assert "The Lighthouse Cat" in texts[0] and "by Ada Lovelace" in texts[0]
    for page in book.pages:
        where = 2 * page.number if layout == "spread" else page.number  # 0-based: after the title page
        assert " ".join(page.text.split()) in texts[where], page.number
    no_author = page_texts(print_pdf.render(replace(book, author=""), ExportOptions(layout=layout)))
    assert "The Lighthouse Cat" in no_author[0] and "by" not in no_author[0].split()


@pytest.mark.parametrize("trim", list(TRIMS))
@pytest.mark.parametrize("layout", ["spread", "single"])
def test_every_word_is_inside_the_safe_margin(tmp_path, trim, layout):
    book = mock_book(4)
    # Long words at the youngest readers' size push the text to its limits.
    book = replace(book, age_band="3-5", pages=tuple(replace(p, text=p.text * 4) for p in book.pages))
    pdf = _pages(tmp_path, print_pdf.render(book, ExportOptions(trim=trim, layout=layout)))
    boxes = page_boxes(pdf)
    found = words(pdf)
    assert len(found) > 200
    for word in found:
        page = boxes[word.page - 1]
        assert _inside(word, _safe(page.trim, page.size[1])), word


def test_an_offline_book_prints_every_picture_at_300_dpi_with_fonts_embedded(tmp_path, offline_book):
    options = ExportOptions()
    began = time.perf_counter()
    data = print_pdf.render(offline_book, options)
    print(f"print: {time.perf_counter() - began:.1f} s for {len(offline_book.pages)} offline pages")
    pdf = _pages(tmp_path, data)
    placed = images(pdf)
    assert len(placed) == len(offline_book.pages)
    assert all(p.x_ppi >= 300 and p.y_ppi >= 300 for p in placed), placed
    assert print_pdf.resolution_report(offline_book, options) == []
    found = fonts(pdf)
    assert found and all(embedded for _, embedded in found), found
    assert len(render_every_page(pdf, tmp_path)) == 24
    texts = page_texts(data)
    for page in offline_book.pages:
        assert " ".join(page.text.split()) in texts[2 * page.number]


def test_characters_the_shipped_fonts_lack_come_from_dejavu_embedded_too(tmp_path):
    book = mock_book(4, px=32)
    book = replace(book, pages=(replace(book.pages[0], text="Mia drew an umbrella: ☂"), *book.pages[1:]))
    pdf = _pages(tmp_path, print_pdf.render(book, ExportOptions()))
    found = fonts(pdf)
    assert all(embedded for _, embedded in found), found
    if Path(print_pdf.FALLBACK_FONT).exists():
        assert any("DejaVu" in name for name, _ in found)
        assert "Mia drew an umbrella: ☂" in page_texts(pdf.read_bytes())[2]


def test_the_painter_redraws_the_same_picture_bigger(offline_book):
    stored = Image.open(io.BytesIO(offline_book.pages[0].picture)).convert("RGB")
    assert offline_book.redraw is not None
    big = offline_book.redraw(1, (2 * stored.width, 2 * stored.height))
    assert big.size == (2 * stored.width, 2 * stored.height)
    difference = ImageStat.Stat(ImageChops.difference(big.resize(stored.size, Image.Resampling.BOX), stored)).mean
    assert max(difference) < 4, difference  # the same composition, not another picture
    art = offline_book.redraw(COVER_ART, (600, 600))
    assert art.size == (600, 600)


def test_a_small_picture_is_reported_by_page_and_shortfall(tmp_path):
    book = mock_book(3, px=256)
    options = ExportOptions()
    report = print_pdf.resolution_report(book, options)
    # 256 px over 8.75 in: 29 DPI.
    assert report[:3] == [f"Page {n}: 29 DPI at print size (300 needed: a picture of at least 2588 x 2625 pixels)."
                          for n in (1, 2, 3)]
    assert report[3].startswith("The cover: 29 DPI")
    big = mock_book(3, px=2700)
    assert print_pdf.resolution_report(big, options) == []
    # It still prints, at the resolution it has, cropped to the page's shape.
    pdf = _pages(tmp_path, print_pdf.render(book, options))
    assert {(p.x_ppi, p.y_ppi) for p in images(pdf)} == {(29, 29)}


@pytest.mark.parametrize("trim", list(TRIMS))
def test_the_cover_is_back_spine_and_front_with_bleed_all_round(tmp_path, trim):
    book = mock_book(10, px=64)
    options = ExportOptions(trim=trim, paper="cream")
    pdf = _pages(tmp_path, print_pdf.render_cover(book, options), "cover.pdf")
    trim_w, trim_h = TRIMS[trim]
    spine = print_pdf.page_count(book, options) * PAPERS["cream"]
    (page,) = page_boxes(pdf)
    width = (2 * trim_w + spine + 2 * BLEED) * PT
    height = (trim_h + 2 * BLEED) * PT
    assert page.size == pytest.approx((width, height), abs=0.02)
    assert page.bleed == pytest.approx(page.media, abs=0.01)
    assert page.trim == pytest.approx((BLEED * PT, BLEED * PT, width - BLEED * PT, height - BLEED * PT), abs=0.02)
    assert all(embedded for _, embedded in fonts(pdf))
    render_every_page(pdf, tmp_path)
    # Every word on the back or the front, inside its safe area; none on a spine this narrow.
    back = (BLEED + SAFE, BLEED + SAFE, BLEED + trim_w - SAFE, BLEED + trim_h - SAFE)
    front_x = BLEED + trim_w + spine
    front = (front_x + SAFE, BLEED + SAFE, front_x + trim_w - SAFE, BLEED + trim_h - SAFE)
    found = words(pdf)
    assert {"Mia", "Pip"} <= {w.text.strip(",.") for w in found}  # the back's line names the cast
    for word in found:
        assert any(_inside(word, tuple(v * PT for v in area)) for area in (back, front)), word


def test_a_wide_spine_carries_the_title_and_a_narrow_one_nothing(tmp_path):
    options = ExportOptions()
    thick = mock_book(60, px=32)  # 124 pages: a spine over a quarter of an inch
    spine = print_pdf.spine_width(thick, options)
    assert spine >= 0.25
    x0, x1 = (BLEED + TRIMS["8.5x8.5"][0]) * PT, (BLEED + TRIMS["8.5x8.5"][0] + spine) * PT
    on_spine = [w for w in words(_pages(tmp_path, print_pdf.render_cover(thick, options), "thick.pdf"))
                if w.x0 >= x0 - 0.5 and w.x1 <= x1 + 0.5]
    assert {"Lighthouse", "Lovelace"} <= {w.text for w in on_spine}
    thin = mock_book(10, px=32)
    assert print_pdf.spine_width(thin, options) < 0.25
    assert not [w for w in words(_pages(tmp_path, print_pdf.render_cover(thin, options), "thin.pdf"))
                if w.x0 >= x0 - 0.5 and w.x1 <= x1 + 0.5]


def test_an_offline_cover_is_painted_at_print_size_with_the_title_set_in_type(tmp_path, offline_book):
    pdf = _pages(tmp_path, print_pdf.render_cover(offline_book, ExportOptions()), "cover.pdf")
    placed = images(pdf)
    assert len(placed) == 1 and placed[0].x_ppi >= 300 and placed[0].y_ppi >= 300
    front = " ".join(page_texts(pdf.read_bytes()))
    assert offline_book.title in front


def test_make_prints_the_interior_and_cover_once_per_version(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    options = ExportOptions(trim="8x10", layout="single")
    first = exports.make(mock_engine, user.id, book_id, "print", options)
    assert first.made and first.filename.endswith("-print.pdf") and first.data.startswith(b"%PDF")
    assert not exports.make(mock_engine, user.id, book_id, "print", options).made
    cover = exports.make(mock_engine, user.id, book_id, "cover", options)
    assert cover.made and cover.filename.endswith("-cover.pdf")
    assert exports.snapshot(mock_engine, user.id, book_id).redraw is None  # only the offline painter redraws


def test_an_offline_book_has_a_new_version_when_a_scene_it_would_redraw_changes(offline_engine):
    user = accounts.get_or_create(offline_engine.db(), "ada")
    book_id = make_book(offline_engine, user.id)
    before = exports.snapshot(offline_engine, user.id, book_id)
    scene = books.get_scene(offline_engine.db(), book_id, 1)
    assert scene is not None
    books.update_scene_words(offline_engine.db(), book_id, [replace(scene, illustration="a red kite over the hill")])
    after = exports.snapshot(offline_engine, user.id, book_id)
    same = [(p.number, p.title, p.text, p.picture) for p in before.pages]
    assert [(p.number, p.title, p.text, p.picture) for p in after.pages] == same  # the same words and pictures...
    assert after.version != before.version  # ...but the print export would paint page 1 anew
    # The stored picture no longer is what the painter paints for page 1: it is printed as
    # drawn, and the report says so, while the other pages are painted at print size.
    report = print_pdf.resolution_report(after, ExportOptions())
    assert len(report) == 1 and report[0].startswith("Page 1: 117 DPI at print size (300 needed")
    assert "draw it again in the Studio" in report[0]
