"""The PDF to read, checked the way a reader's software sees it: pypdf and poppler."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from storymaker import accounts
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.exports import read_pdf, snapshot
from storymaker.runner import Runner
from storymaker.services import studio

from tests.conftest import make_cast

POPPLER = ("pdfinfo", "pdfimages", "pdffonts", "pdftoppm")
if any(shutil.which(tool) is None for tool in POPPLER):
    if os.environ.get("CI"):  # CI installs poppler-utils: a skipped check there hides a broken set-up
        raise RuntimeError("CI needs poppler-utils (pdfinfo, pdfimages, pdffonts, pdftoppm) for the PDF tests")
    pytest.skip("needs poppler-utils", allow_module_level=True)


def poppler(tool: str, *args: str | Path) -> str:
    done = subprocess.run([tool, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.fixture(scope="module")
def offline_book(tmp_path_factory):
    """A real 10-page offline book (what a user gets, at the painter's full size) for the youngest band."""
    engine = Engine(Settings(provider="offline", data_dir=tmp_path_factory.mktemp("read") / "data"))
    user = accounts.get_or_create(engine.db(), "ada")
    book_id = studio.start_book(engine, user.id, BookOptions("The Lighthouse Cat", age_band="3-5", scene_count=10),
                                make_cast(engine, user.id))
    Runner(engine).run_until_idle()
    return snapshot(engine, user.id, book_id)


@pytest.fixture(scope="module")
def pdf_file(offline_book, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "book.pdf"
    path.write_bytes(read_pdf.render(offline_book))
    return path


def test_pages_are_cover_title_every_scene_and_the_end(offline_book, pdf_file):
    reader = PdfReader(pdf_file)
    assert len(reader.pages) == 1 + 1 + 10 + 1
    texts = [page.extract_text() for page in reader.pages]
    assert texts[1].split() == ["The", "Lighthouse", "Cat", "by", "ada"]
    assert "The End" in texts[-1]
    for page, text in zip(offline_book.pages, texts[2:-1], strict=True):
        assert words(page.title) + words(page.text) == [w for w in words(text) if w != str(page.number)]
        assert text.split()[-1] == str(page.number)  # the page number, under the words
    info = poppler("pdfinfo", pdf_file)
    assert re.search(r"Pages:\s+13", info) and "Title:           The Lighthouse Cat" in info


def test_pictures_are_rgb_jpegs_and_the_file_is_small_enough_to_email(pdf_file):
    rows = [line.split() for line in poppler("pdfimages", "-list", pdf_file).splitlines()[2:]]
    assert len(rows) == 11  # the cover and ten pages
    assert {row[5] for row in rows} == {"rgb"} and {row[8] for row in rows} == {"jpeg"}
    assert all(max(int(row[3]), int(row[4])) <= read_pdf.MAX_PX for row in rows)
    assert pdf_file.stat().st_size < 10 * 1024 * 1024


def test_every_font_is_embedded(pdf_file):
    rows = [line.split() for line in poppler("pdffonts", pdf_file).splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows)  # the "emb" column
    assert {row[0].split("+")[1] for row in rows} == {"FredokaOne", "SourceSansPro", "SourceSansProItalic"}


def test_poppler_renders_every_page(pdf_file, tmp_path):
    poppler("pdftoppm", "-r", "20", "-png", pdf_file, tmp_path / "page")
    assert len(list(tmp_path.glob("page-*.png"))) == 13


def test_type_is_large_for_the_youngest_and_smaller_for_older_readers(offline_book):
    sizes = {}
    for band in ("3-5", "9-12"):
        reader = PdfReader(io.BytesIO(read_pdf.render(replace(offline_book, age_band=band))))
        found: list[float] = []

        def seen(text, cm, tm, font, size, found=found):
            if text.strip():
                found.append(size * tm[0])

        reader.pages[2].extract_text(visitor_text=seen)
        sizes[band] = max(set(found), key=found.count)  # the words' size (the title is one line)
    assert sizes["3-5"] == read_pdf.WORDS_PT["3-5"] and sizes["9-12"] == read_pdf.WORDS_PT["9-12"]


def test_a_long_page_still_fits_on_its_page_and_no_author_means_no_by_line(offline_book):
    long_page = replace(offline_book.pages[0], text="A very long page of words. " * 74)  # ~2,000 characters
    book = replace(offline_book, author="", pages=(long_page, *offline_book.pages[1:]))
    reader = PdfReader(io.BytesIO(read_pdf.render(book)))
    assert len(reader.pages) == 13
    assert "by" not in reader.pages[1].extract_text().split()
    assert words(reader.pages[2].extract_text()).count("long") == 74


def test_characters_the_shipped_fonts_lack_fall_back_to_dejavu(offline_book):
    if not Path(read_pdf.FALLBACK_FONT).exists():
        pytest.skip("needs fonts-dejavu")
    page = replace(offline_book.pages[0], text="Pip saw \u2603 and \u263a.")  # a snowman and a smile
    reader = PdfReader(io.BytesIO(read_pdf.render(replace(offline_book, pages=(page, *offline_book.pages[1:])))))
    assert "\u2603" in reader.pages[2].extract_text()
