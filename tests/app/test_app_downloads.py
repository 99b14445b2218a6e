"""Download buttons on the Reader and the Studio: offered for a finished book, made on click, explained otherwise."""

from __future__ import annotations

import importlib.util
from typing import Callable

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from storymaker import characters
from storymaker.books import BookOptions
from storymaker.files import layout
from storymaker.services import studio

from .support import texts

READER, STUDIO = "app_pages/reader.py", "app_pages/studio.py"
EVERY = ["pdf", "epub", "zip", "print", "cover"]
LABELS = {"pdf": "PDF to read", "epub": "EPUB", "zip": "ZIP", "print": "Print interior", "cover": "Print cover"}


def installed(fmt: str) -> bool:
    module = {"pdf": "read_pdf", "epub": "epub", "zip": "bundle", "print": "print_pdf", "cover": "print_pdf"}[fmt]
    return importlib.util.find_spec(f"storymaker.exports.{module}") is not None


def downloads(at, where: str, book_id: int) -> dict[str, object]:
    return {fmt: b for fmt in EVERY for b in at.download_button if b.key == f"{where}_download_{fmt}_{book_id}"}


@pytest.fixture
def clicks(monkeypatch) -> dict[str, Callable[[], bytes]]:
    """file name -> what clicking its download button runs (Streamlit keeps the callable for the click)."""
    kept: dict[str, Callable[[], bytes]] = {}
    add = MediaFileManager.add_deferred

    def keep(self, data, mimetype, coordinates, file_name=None, **kwargs):
        kept[file_name] = data
        return add(self, data, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return kept


def test_the_reader_offers_every_format_of_a_finished_book(app_env, clicks):
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=4)
    at = app_env.app(user, to=READER, book=str(book_id))
    assert not at.exception
    buttons = downloads(at, "reader", book_id)
    assert set(buttons) == {fmt for fmt in EVERY if installed(fmt)}
    assert {fmt: b.label for fmt, b in buttons.items()} == {fmt: LABELS[fmt] for fmt in buttons}
    for fmt in EVERY:
        if not installed(fmt):  # a partial install says so instead of breaking the page
            assert f"{LABELS[fmt]} is not available in this installation" in texts(at)
    assert not app_env.engine.store.list(f"{layout.book_prefix(book_id)}exports/")  # nothing made by opening the page
    assert clicks["the-lighthouse-cat.pdf"]().startswith(b"%PDF")
    assert len(app_env.engine.store.list(f"{layout.book_prefix(book_id)}exports/")) == 1  # kept for the next click
    assert [s.label for s in at.selectbox][1:] == ["Trim size", "Layout", "Paper"]  # the print options


def test_the_studio_offers_them_with_the_whole_book_actions(app_env, clicks):
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=4)
    at = app_env.app(user, to=STUDIO, book=str(book_id))
    assert not at.exception
    buttons = downloads(at, "studio", book_id)
    assert set(buttons) == {fmt for fmt in EVERY if installed(fmt)}
    assert clicks["the-lighthouse-cat.zip"]().startswith(b"PK")


def test_the_print_options_reach_the_print_files(app_env, clicks):
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=4)
    at = app_env.app(user, to=READER, book=str(book_id))
    at.selectbox(key=f"reader_download_trim_{book_id}").select("8x10").run()
    clicks["the-lighthouse-cat.zip"]()
    [key] = app_env.engine.store.list(f"{layout.book_prefix(book_id)}exports/")
    assert "zip-8x10-spread-white-" in key


def test_a_book_being_made_explains_instead_of_offering_downloads(app_env):
    user = app_env.user()
    ids = [characters.create(app_env.engine.db(), user.id, "Mia", "a girl").id]
    book_id = studio.start_book(app_env.engine, user.id, BookOptions("Still Painting", scene_count=4), ids)  # not run
    at = app_env.app(user, to=READER, book=str(book_id))
    assert not at.exception and not at.download_button
    assert "This book is still being made. Export it once every page is drawn." in texts(at)


def test_a_missing_picture_is_named_instead_of_a_traceback(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=4)
    app_env.engine.store.delete(layout.page_key(book_id, 2))
    at = app_env.app(user, to=READER, book=str(book_id))
    assert not at.exception and not downloads(at, "reader", book_id)
    assert "Page 2 has no picture yet." in texts(at)


def test_the_resolution_report_is_worked_out_only_while_the_print_section_is_open(app_env, monkeypatch):
    """The report reads every picture, so it waits for the section to open (a stand-in print module
    counts the calls; the real one is tested in tests/core/test_print_pdf.py)."""
    import sys
    import types

    calls = []
    stand_in = types.ModuleType("storymaker.exports.print_pdf")
    stand_in.resolution_report = lambda book, options: calls.append(options) or [  # type: ignore[attr-defined]
        f"Page {p.number}: 8 DPI at print size (300 needed)" for p in book.pages]
    monkeypatch.setitem(sys.modules, "storymaker.exports.print_pdf", stand_in)
    user = app_env.user()
    book_id = app_env.ready_book(user, scenes=4)
    at = app_env.app(user, to=READER, book=str(book_id))
    assert not at.exception and not calls and "300 DPI" not in texts(at)
    at.session_state[f"reader_download_print_open_{book_id}"] = True  # the person opens the section
    at.run()
    assert not at.exception and len(calls) == 1
    [warning] = [w.value for w in at.warning if "300 DPI" in w.value]
    assert "Page 1: 8 DPI at print size (300 needed)" in warning and "Page 4:" in warning
