"""Exports as the Studio, the Reader and the CLI make them: refusals, the cache per version, the ZIP.

Every test runs on SQLite and on PostgreSQL (the `mock_engine` fixture)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from pypdf import PdfReader

from storymaker import accounts, books
from storymaker.books import BookError, BookOptions
from storymaker.errors import Invalid, NotFound
from storymaker.exports import ExportOptions, NotReady, snapshot
from storymaker.files import layout
from storymaker.runner import Runner
from storymaker.services import exports, review, studio

from tests.conftest import make_book, make_cast



def stored_exports(engine, book_id: int) -> list[str]:
    return sorted(engine.store.list(f"{layout.book_prefix(book_id)}exports/"))


def test_another_users_book_is_not_found(mock_engine, user, book_id):
    grace = accounts.get_or_create(mock_engine.db(), "grace")
    for fmt in ("pdf", "zip"):
        with pytest.raises(NotFound):
            exports.export(mock_engine, grace.id, book_id, fmt)
    with pytest.raises(NotFound):
        exports.check_ready(mock_engine, grace.id, book_id)
    with pytest.raises(NotFound):
        exports.export(mock_engine, user.id, "not-a-number", "pdf")
    assert stored_exports(mock_engine, book_id) == []


def test_a_book_being_made_is_not_ready(mock_engine, user):
    book_id = make_book(mock_engine, user.id, run=False)
    for check in (lambda: exports.export(mock_engine, user.id, book_id, "pdf"),
                  lambda: exports.check_ready(mock_engine, user.id, book_id)):
        with pytest.raises(NotReady, match="still being made"):
            check()


def test_a_missing_picture_is_not_ready_and_named(mock_engine, user, book_id):
    mock_engine.store.delete(layout.page_key(book_id, 3))
    for check in (lambda: exports.export(mock_engine, user.id, book_id, "pdf"),
                  lambda: exports.check_ready(mock_engine, user.id, book_id)):
        with pytest.raises(NotReady, match="Page 3 has no picture"):
            check()
    mock_engine.store.delete(layout.cover_key(book_id))
    mock_engine.store.put(layout.page_key(book_id, 3), b"back")
    with pytest.raises(NotReady, match="cover"):
        exports.check_ready(mock_engine, user.id, book_id)


def test_bad_format_or_options_are_explained(mock_engine, user, book_id):
    with pytest.raises(Invalid, match="Unknown format"):
        exports.export(mock_engine, user.id, book_id, "docx")
    with pytest.raises(Invalid, match="trim size"):
        exports.export(mock_engine, user.id, book_id, "zip", ExportOptions(trim="6x9"))


def test_made_once_per_version_and_cached(mock_engine, user, book_id):
    first = exports.export(mock_engine, user.id, book_id, "pdf")
    again = exports.export(mock_engine, user.id, book_id, "pdf")
    assert first.made and not again.made and again.data == first.data
    assert first.filename == "the-lighthouse-cat.pdf" == exports.file_name("The Lighthouse Cat", book_id, "pdf")
    assert first.mime == "application/pdf" and first.data.startswith(b"%PDF")
    assert len(stored_exports(mock_engine, book_id)) == 1


def test_a_word_edit_makes_a_new_version_and_the_old_one_goes(mock_engine, user, book_id):
    before = exports.export(mock_engine, user.id, book_id, "pdf")
    old_keys = stored_exports(mock_engine, book_id)
    review.save_edits(mock_engine, user.id, book_id, {2: {"text": "Pip found a shiny blue shell."}})
    after = exports.export(mock_engine, user.id, book_id, "pdf")
    assert after.made and after.data != before.data
    assert "shiny blue shell" in " ".join(PdfReader(io.BytesIO(after.data)).pages[3].extract_text().split())
    keys = stored_exports(mock_engine, book_id)
    assert len(keys) == 1 and keys != old_keys  # the stale version was deleted
    # an edit to what a picture shows changes story.csv in the ZIP, so it is a new version too
    exports.export(mock_engine, user.id, book_id, "zip")
    review.save_edits(mock_engine, user.id, book_id, {1: {"illustration": "A lighthouse under the stars."}})
    assert exports.export(mock_engine, user.id, book_id, "zip").made


def test_a_redrawn_picture_makes_a_new_version(mock_engine, user, book_id):
    before = exports.export(mock_engine, user.id, book_id, "pdf")
    studio.regenerate_page(mock_engine, user.id, book_id, 1)
    Runner(mock_engine).run_until_idle()
    after = exports.export(mock_engine, user.id, book_id, "pdf")
    assert after.made and after.data != before.data
    assert len(stored_exports(mock_engine, book_id)) == 1


def test_each_format_and_options_are_cached_apart(mock_engine, user, book_id):
    exports.export(mock_engine, user.id, book_id, "pdf")
    exports.export(mock_engine, user.id, book_id, "zip")
    exports.export(mock_engine, user.id, book_id, "zip", ExportOptions(trim="8x10"))
    assert len(stored_exports(mock_engine, book_id)) == 3
    assert not exports.export(mock_engine, user.id, book_id, "pdf").made


def test_the_zip_holds_the_whole_book(mock_engine, user, book_id):
    made = exports.export(mock_engine, user.id, book_id, "zip")
    assert made.filename == "the-lighthouse-cat.zip" and made.mime == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(made.data))
    names = set(archive.namelist())
    folder = "the-lighthouse-cat/"
    expected = {"story.csv", "cover.png", "book.pdf", "README.txt", "print-interior.pdf", "print-cover.pdf",
                *(f"pages/scene_{n:02d}.png" for n in range(1, 5))}
    assert names == {folder + name for name in expected}
    assert archive.read(folder + "story.csv") == review.export_csv(mock_engine, user.id, book_id)  # as the Studio writes it
    assert archive.read(folder + "cover.png") == mock_engine.store.get(layout.cover_key(book_id))
    for n in range(1, 5):
        assert archive.read(f"{folder}pages/scene_{n:02d}.png") == mock_engine.store.get(layout.page_key(book_id, n))
    assert len(PdfReader(io.BytesIO(archive.read(folder + "book.pdf"))).pages) == 4 + 3
    readme = archive.read(folder + "README.txt").decode()
    assert readme.startswith("The Lighthouse Cat by ada\n") and "story.csv" in readme and "book.pdf" in readme
    interior = PdfReader(io.BytesIO(archive.read(folder + "print-interior.pdf")))
    assert f"{len(interior.pages)} interior pages" in readme and "8.5 x 8.5 in trim" in readme
    assert archive.testzip() is None


# ---------------------------------------------------------------- the author line


def test_the_author_line_defaults_to_the_account_and_can_be_set_or_left_out(mock_engine, user):
    cast = make_cast(mock_engine, user.id)

    def author_of(options: BookOptions) -> str:
        book_id = studio.start_book(mock_engine, user.id, options, cast)
        Runner(mock_engine).run_until_idle()
        page = PdfReader(io.BytesIO(exports.export(mock_engine, user.id, book_id, "pdf").data)).pages[1]
        return page.extract_text().split("\n", 1)[1] if "\n" in page.extract_text() else ""

    assert author_of(BookOptions("Snow Day", scene_count=4)) == "by ada"  # none given: the account's name
    assert author_of(BookOptions("Snow Day", scene_count=4, author="  Grandma\u200b  Rose ")) == "by Grandma Rose"
    assert author_of(BookOptions("Snow Day", scene_count=4, author="")) == ""  # cleared: no "by" line


def test_the_author_line_is_checked_like_a_title(mock_engine, user):
    assert BookOptions("Snow Day", author="Ada\x00 Lovelace\n").cleaned().author == "Ada Lovelace"
    assert BookOptions("Snow Day").cleaned().author is None
    with pytest.raises(BookError) as error:
        BookOptions("Snow Day", author="x" * (books.MAX_AUTHOR + 1)).cleaned()
    assert set(error.value.fields) == {"author"}
    book_id = studio.start_book(mock_engine, user.id, BookOptions("Snow Day", author="Ada"),
                                make_cast(mock_engine, user.id))
    assert books.get(mock_engine.db(), user.id, book_id).author == "Ada"


@pytest.mark.sqlite_only  # the database does not matter here; the bucket does
def test_exports_are_cached_in_a_bucket_and_follow_the_book(mock_engine, user, s3_store):
    """With the pictures in an S3-compatible bucket (a real SeaweedFS), an export is made from
    them, kept beside the book in the bucket, read back on the next call, and made anew (the old
    one deleted) once a page's words change."""
    mock_engine.store = s3_store  # every picture of the book below goes to the bucket
    book_id = make_book(mock_engine, user.id)
    first = exports.export(mock_engine, user.id, book_id, "pdf")
    assert first.made and stored_exports(mock_engine, book_id) == [
        f"{layout.book_prefix(book_id)}exports/pdf-{snapshot(mock_engine, user.id, book_id).version}.pdf"]
    again = exports.export(mock_engine, user.id, book_id, "pdf")
    assert not again.made and again.data == first.data
    scene = books.get_scene(mock_engine.db(), book_id, 1)
    assert scene is not None
    books.update_scene_words(mock_engine.db(), book_id, [replace(scene, text="A new first page.")])
    edited = exports.export(mock_engine, user.id, book_id, "pdf")
    assert edited.made and len(stored_exports(mock_engine, book_id)) == 1
    assert "A new first page." in "".join(page.extract_text() for page in PdfReader(io.BytesIO(edited.data)).pages)
