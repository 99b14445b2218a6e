"""The EPUB export: a fixed-layout picture book that epubcheck accepts with no errors and no
warnings, whatever its words hold, in the book's language."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from storymaker import accounts, characters, data, exports, languages
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.exports import ExportOptions
from storymaker.exports import epub as epub_export
from storymaker.runner import Runner
from storymaker.services import studio

from tests.conftest import make_cast
from tests.core.epub_support import NS, X, Package, book, epubcheck, png, text_of, viewport


@pytest.fixture(scope="module")
def offline_book(tmp_path_factory):
    """A real 10-page book from the offline models, as a user gets it (made once for the module)."""
    folder = tmp_path_factory.mktemp("offline")
    engine = Engine(Settings(provider="offline", data_dir=folder / "data", concurrency=4))
    user = accounts.get_or_create(engine.db(), "ada")
    cast = [characters.create(engine.db(), user.id, "Mia", "a curious girl with red boots").id,
            characters.create(engine.db(), user.id, "Pip", "a tiny grey cat").id]
    book_id = studio.start_book(engine, user.id, BookOptions("The Lighthouse Cat", scene_count=10), cast)
    Runner(engine).run_until_idle()
    snapshot = exports.snapshot(engine, user.id, book_id)
    data.close_all()
    return snapshot


@pytest.fixture(scope="module")
def offline_epub(offline_book):
    """The offline book's EPUB, and the CPU and wall seconds its export took."""
    cpu, wall = time.process_time(), time.perf_counter()
    made = epub_export.render(offline_book, ExportOptions())
    return made, time.process_time() - cpu, time.perf_counter() - wall


def test_a_ten_page_offline_book_passes_epubcheck(offline_epub, tmp_path, capsys):
    made, cpu, wall = offline_epub
    with capsys.disabled():  # the speed target (under 2 s) is bench/export.py's to measure
        print(f"\nEPUB of a 10-page offline book: {wall:.2f} s wall, {cpu:.2f} s CPU, {len(made) / 1e6:.2f} MB")
    assert len(made) < 5_000_000  # small enough to e-mail
    assert epubcheck(made, tmp_path) == []


def test_it_is_a_fixed_layout_book_in_reading_order(offline_book, offline_epub):
    package = Package.open(offline_epub[0])
    assert package.first_entry == "mimetype" and package.files["mimetype"] == b"application/epub+zip"
    assert package.metadata("rendition:layout") == ["pre-paginated"]
    assert package.metadata("rendition:spread") == ["landscape"]
    assert package.metadata("dc:language") == ["en"]
    assert package.metadata("dc:title") == ["The Lighthouse Cat"]
    assert package.metadata("dc:creator") == ["ada"]  # the author line: the account's name
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", package.metadata("dcterms:modified")[0])
    spine = package.spine
    assert spine == ["cover.xhtml", "title.xhtml", *(f"page_{n:02d}.xhtml" for n in range(1, 11))]
    for href in spine:  # every fixed-layout page has its own size
        assert re.fullmatch(r"width=\d+, height=\d+", viewport(package.document(href)) or "")
    assert [href for href, _label in package.toc()] == spine
    labels = dict(package.toc())
    for page in offline_book.pages:
        assert labels[f"page_{page.number:02d}.xhtml"] == f"{page.number}. {page.title}"


def test_every_page_holds_its_words_as_text_and_its_picture(offline_book, offline_epub):
    package = Package.open(offline_epub[0])
    for page in offline_book.pages:
        document = package.document(f"page_{page.number:02d}.xhtml")
        assert text_of(document, "p") == [" ".join(page.text.split())]
        assert document.attrib["{http://www.w3.org/XML/1998/namespace}lang"] == "en"
        (img,) = document.iter(f"{X}img")
        picture = Image.open(io.BytesIO(package.files[package.path(img.attrib["src"])]))
        assert picture.format == "JPEG" and max(picture.size) <= epub_export.PICTURE_PX
        assert img.attrib["alt"] == page.title
    title = package.document("title.xhtml")
    assert text_of(title, "h1") == ["The Lighthouse Cat"] and text_of(title, "p") == ["by ada"]
    cover = package.document("cover.xhtml")
    (img,) = cover.iter(f"{X}img")
    manifest = {item.attrib["href"]: item for item in package.manifest.values()}
    assert manifest[img.attrib["src"]].get("properties") == "cover-image"


def test_the_shipped_fonts_are_embedded_and_used(offline_epub):
    package = Package.open(offline_epub[0])
    fonts = {href: item.attrib["media-type"] for href, item in
             ((i.attrib["href"], i) for i in package.manifest.values()) if href.startswith("fonts/")}
    assert fonts == {"fonts/FredokaOne-Regular.ttf": "font/ttf", "fonts/SourceSansPro-Regular.ttf": "font/ttf"}
    shipped = Path(epub_export.__file__).parent / "fonts"
    for href in fonts:
        assert package.files[package.path(href)] == (shipped / Path(href).name).read_bytes()
    css = package.files[package.path("style/book.css")].decode()
    assert 'src: url("../fonts/FredokaOne-Regular.ttf")' in css and '"Source Sans Pro"' in css


def test_the_identifier_is_stable_for_one_version_of_one_book(offline_book, offline_epub):
    first = Package.open(offline_epub[0]).metadata("dc:identifier")
    again = Package.open(epub_export.render(offline_book, ExportOptions())).metadata("dc:identifier")
    assert first == again and re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", first[0])
    other = book([("One", "Words.")])
    assert epub_export.identifier(other) != first[0]


HOSTILE_TITLE = 'Cats </p><script>alert("x")</script> & \'quotes\' "too" <!-- ]]>'


def test_hostile_text_stays_text_and_epubcheck_still_passes(tmp_path):
    words = ('She said "hi" & left]]> <b>bold?</b> <![CDATA[ nope ]]> &amp; &lt; \x00\x0b\ufffe'
             '\n\nA second paragraph, with an emoji 🐱 and \u202eRTL override.')
    hostile = book(
        [("<script>1</script>", words), ("]]>", "x" * 300 + " " + "Long words. " * 150),
         ("Empty & quiet", ""), ("Tall", "A tall picture.")],
        title=HOSTILE_TITLE, author='<i>Ann</i> & "Bo"',
        # odd pictures too: wide, transparent, tall, and one larger than the package keeps
        pictures=[png((1536, 1024)), png((600, 600), (10, 200, 30, 0), mode="RGBA"), png((800, 1400)),
                  png((2400, 2400))])
    made = epub_export.render(hostile, ExportOptions())
    package = Package.open(made)
    assert package.metadata("dc:title") == [HOSTILE_TITLE]
    assert package.metadata("dc:creator") == ['<i>Ann</i> & "Bo"']
    for href in package.spine:  # each parses as XML, and nothing in it became markup
        document = package.document(href)
        assert not list(document.iter(f"{X}script")) and not list(document.iter(f"{X}b"))
    title = package.document("title.xhtml")
    assert text_of(title, "h1") == [HOSTILE_TITLE]
    assert text_of(title, "p") == ['by <i>Ann</i> & "Bo"']
    first = package.document("page_01.xhtml")
    assert text_of(first, "p") == [
        'She said "hi" & left]]> <b>bold?</b> <![CDATA[ nope ]]> &amp; &lt;',  # control characters dropped
        "A second paragraph, with an emoji 🐱 and \u202eRTL override."]
    assert "".join(first.find(f"{X}head/{X}title").itertext()) == "1. <script>1</script>"  # type: ignore[union-attr]
    assert ("page_02.xhtml", "2. ]]>") in package.toc()
    assert text_of(package.document("page_03.xhtml"), "p") == []
    images = [Image.open(io.BytesIO(package.files[package.path(f"images/page_{n:02d}.jpg")])) for n in (1, 2, 4)]
    assert [i.size for i in images] == [(1400, 933), (600, 600), (1400, 1400)]
    assert images[1].getpixel((300, 300)) == pytest.approx((255, 255, 255), abs=3)  # transparency is white paper
    assert epubcheck(made, tmp_path) == []


def test_the_words_fit_their_page_at_the_largest_size_they_can():
    picture = epub_export.Picture("p.jpg", b"", 1024, 1024, "#ffffff")

    def layout(text: str, age_band: str) -> tuple[int, float, float]:
        page = epub_export.ExportPage(1, "Page", text, b"")
        document = epub_export.scene_page(page, age_band, "en", None, picture).decode()
        size = int(re.search(r"font-size:(\d+)px", document).group(1))  # type: ignore[union-attr]
        boxes = [tuple(map(float, found)) for found in
                 re.findall(r"left:(-?[\d.]+)px;top:(-?[\d.]+)px;width:([\d.]+)px;height:([\d.]+)px", document)]
        picture_h = boxes[1][3]
        words_top = boxes[3][1]
        return size, picture_h, words_top

    short = "Mia found a shell."
    assert layout(short, "3-5")[0] == epub_export.WORD_SIZES["3-5"]
    assert layout(short, "9-12")[0] == epub_export.WORD_SIZES["9-12"]
    size, picture_h, _ = layout(short, "6-8")
    assert picture_h == epub_export.PAGE_W  # a square picture keeps the page's full width
    longest = "Once upon a time the lighthouse keeper's cat watched the boats. " * 31  # ~2000 characters
    size, picture_h, words_top = layout(longest, "9-12")
    assert epub_export.MIN_WORD_SIZE <= size < epub_export.WORD_SIZES["9-12"]
    assert picture_h < epub_export.PAGE_W  # the picture gave up room
    lines = len(epub_export.wrap(longest.strip(), epub_export.WORD_FONT, size,
                                 (epub_export.PAGE_W - 2 * epub_export.MARGIN) * epub_export.MEASURE_SLACK))
    assert words_top >= picture_h and words_top + lines * size * epub_export.LINE_HEIGHT <= epub_export.PAGE_H
    began = time.process_time()  # one 2000-character word: cut into lines, and measured once, not per size
    size, picture_h, words_top = layout("W" * 2000, "3-5")
    assert time.process_time() - began < 5.0  # about 0.05 s; the bound only catches work per size or per letter
    assert size == epub_export.MIN_WORD_SIZE and 0 < picture_h < words_top < epub_export.PAGE_H


@pytest.mark.parametrize(("typed", "tag"), [
    ("English", "en"), ("Spanish", "es"), ("español", "es"), (" Brazilian  Portuguese ", "pt-BR"), ("es", "es"),
    ("pt-br", "pt-BR"), ("zh-Hant", "zh-hant"), ("Spanish (Mexico)", "es"), ("Mexican Spanish", "es"),
    ("Klingon", "und"), ("", "und"), ("<script>", "und")])
def test_languages_as_people_type_them_become_tags(typed, tag):
    assert languages.tag_for(typed) == tag


def test_a_book_in_spanish_declares_it():
    made = epub_export.render(book([("La playa", "Mia encontró una concha.")], title="El gato del faro",
                                   author="Ana", language="Spanish"), ExportOptions())
    package = Package.open(made)
    assert package.metadata("dc:language") == ["es"]
    for href in package.spine:
        assert package.document(href).attrib["{http://www.w3.org/XML/1998/namespace}lang"] == "es"
    assert text_of(package.document("title.xhtml"), "p") == ["por Ana"]


def test_a_right_to_left_book_turns_its_pages_right_to_left(tmp_path):
    made = epub_export.render(book([("البحر", "وجدت ميا صدفة على الشاطئ.")], title="قطة المنارة", author="",
                                   language="Arabic"), ExportOptions())
    package = Package.open(made)
    assert package.metadata("dc:language") == ["ar"]
    assert package.metadata("dc:creator") == []  # no author line, no creator
    assert package.opf.find("opf:spine", NS).get("page-progression-direction") == "rtl"  # type: ignore[union-attr]
    assert package.document("page_01.xhtml").get("dir") == "rtl"
    assert text_of(package.document("title.xhtml"), "p") == []
    assert epubcheck(made, tmp_path) == []


def test_the_export_service_makes_the_epub_once_per_version(mock_engine):
    user = accounts.get_or_create(mock_engine.db(), "ada")
    book_id = studio.start_book(mock_engine, user.id, BookOptions("The Lighthouse Cat", scene_count=4),
                                make_cast(mock_engine, user.id))
    Runner(mock_engine).run_until_idle()
    first = exports.make(mock_engine, user.id, book_id, "epub")
    assert (first.filename, first.mime, first.made) == ("the-lighthouse-cat.epub", "application/epub+zip", True)
    assert zipfile.ZipFile(io.BytesIO(first.data)).read("mimetype") == b"application/epub+zip"
    again = exports.make(mock_engine, user.id, book_id, "epub")
    assert (again.made, again.data) == (False, first.data)
    assert Package.open(first.data).spine[2:] == [f"page_{n:02d}.xhtml" for n in range(1, 5)]
