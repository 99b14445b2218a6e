"""My Books and the Reader's core: the shelf, reading a book, deleting one, the sample book, usage."""

import pytest

from tests.peek import sql
from storymaker import accounts, books, data, storage, usage
from storymaker.services import library, review, samples, studio
from storymaker.books import BookOptions
from storymaker.runner import Runner
from storymaker.errors import NotFound

from tests.conftest import make_book




def test_read_lays_out_the_cover_then_the_pages(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    reading = library.read(mock_engine, user.id, book_id)
    assert [p.number for p in reading.pages] == [0, 1, 2, 3, 4]
    assert reading.pages[0].title == "The Lighthouse Cat" and "Mia and Pip" in reading.pages[0].text
    assert reading.pages[0].picture.name == "cover.png"
    assert all(p.picture and p.picture.exists() for p in reading.pages)
    assert reading.pages[2].text == "Something lovely happens on page 2."
    assert reading.page(99).number == 4 and reading.page(-3).number == 0


def test_nobody_reads_someone_elses_book(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    eve = accounts.get_or_create(mock_engine.db(), "eve")
    assert library.read(mock_engine, eve.id, book_id) is None
    assert library.shelf(mock_engine, eve.id) == []
    assert library.read(mock_engine, user.id, book_id + 100) is None


def test_pages_not_drawn_yet_have_no_picture(mock_engine, user):
    book_id = make_book(mock_engine, user.id, run=False)
    reading = library.read(mock_engine, user.id, book_id)
    assert len(reading.pages) == 1 and reading.pages[0].picture is None  # no story yet: just the cover page


def test_the_shelf_shows_covers_progress_and_pages_of_24(mock_engine, user):
    ready = make_book(mock_engine, user.id, "Ready")
    waiting = make_book(mock_engine, user.id, "Waiting", run=False)
    items = {item.book.id: item for item in library.shelf(mock_engine, user.id)}
    assert items[ready].cover is not None and items[ready].progress is None
    assert items[waiting].book.status == books.GENERATING and items[waiting].progress == 0.0
    assert library.any_generating(mock_engine, user.id)
    for n in range(24):
        books.create(mock_engine.db(), user.id, BookOptions(f"Book {n}"), [(None, books.CharacterLook("Mia"), None)])
    assert books.count_for(mock_engine.db(), user.id) == 26
    assert library.shelf_pages(mock_engine, user.id) == 2
    assert len(library.shelf(mock_engine, user.id, 1)) == 24 and len(library.shelf(mock_engine, user.id, 2)) == 2


def test_delete_removes_the_book_and_its_folder_for_the_owner_only(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    folder = storage.book_dir(mock_engine.books_dir, book_id)
    assert folder.is_dir()
    eve = accounts.get_or_create(mock_engine.db(), "eve")
    assert not books.delete(mock_engine.db(), eve.id, book_id, mock_engine.store)
    assert folder.is_dir()
    assert books.delete(mock_engine.db(), user.id, book_id, mock_engine.store)
    assert not folder.exists() and books.get(mock_engine.db(), user.id, book_id) is None
    assert sql(mock_engine.db(), "SELECT COUNT(*) FROM jobs WHERE book_id = :id", id=book_id) == [(0,)]


def test_a_job_still_running_for_a_deleted_book_writes_nothing(mock_engine, user):
    book_id = make_book(mock_engine, user.id, run=False)
    deleted = []

    def delete_while_drawing(request):
        if not deleted:
            deleted.append(books.delete(mock_engine.db(), user.id, book_id, mock_engine.store))

    mock_engine.image_model.gate = delete_while_drawing
    Runner(mock_engine).run_until_idle()
    assert deleted == [True]
    assert not storage.book_dir(mock_engine.books_dir, book_id).exists()


def test_the_sample_book_reuses_sample_characters(mock_engine, user):
    first = samples.make_sample_book(mock_engine, user.id)
    second = samples.make_sample_book(mock_engine, user.id)
    Runner(mock_engine).run_until_idle()
    book = books.get(mock_engine.db(), user.id, first, mock_engine.data_dir)
    assert book.title == samples.OPTIONS.title and book.names == ["Mia", "Pip"]
    assert books.get(mock_engine.db(), user.id, second).status == books.READY
    assert len(studio.characters.list_for(mock_engine.db(), user.id)) == 2


def test_usage_per_book_is_the_users_own(mock_engine, user):
    book_id = make_book(mock_engine, user.id)
    eve = accounts.get_or_create(mock_engine.db(), "eve")
    make_book(mock_engine, eve.id, "Eve's")
    rows = usage.for_user(mock_engine.db(), user.id)
    assert [(i, t) for i, t, _ in rows] == [(book_id, "The Lighthouse Cat")]
    assert rows[0][2].images == 5 and rows[0][2].input_tokens == 100


@pytest.mark.parametrize("count, pages", [(0, 1), (24, 1), (25, 2), (100, 5)])
def test_shelf_pages(mock_engine, user, count, pages):
    for n in range(count):
        books.create(mock_engine.db(), user.id, BookOptions(f"Book {n}"), [(None, books.CharacterLook("Mia"), None)])
    assert library.shelf_pages(mock_engine, user.id) == pages


# ---------------------------------------------------------------- ids from outside

@pytest.mark.parametrize("value, expected", [
    ("7", 7), (" 42 ", 42), (7, 7), ("007", 7), (2**63 - 1, 2**63 - 1), (str(2**63 - 1), 2**63 - 1),
    ("99999999999999999999", None), (2**63, None), ("0", None), ("-1", None), ("1.5", None), ("abc", None),
    ("", None), (None, None), (True, None), ("²", None), ("1e3", None), ("٣", None),
])
def test_one_helper_parses_every_id_that_comes_from_outside(value, expected):
    assert data.parse_id(value) == expected


def test_an_id_too_big_for_sqlite_is_simply_not_found(mock_engine, user):
    make_book(mock_engine, user.id)
    huge = 99999999999999999999
    assert books.get(mock_engine.db(), user.id, huge) is None
    assert library.read(mock_engine, user.id, huge) is None
    for operation in (studio.progress, studio.cancel, studio.regenerate_all_pages, review.grid):
        with pytest.raises(NotFound):
            operation(mock_engine, user.id, huge)
    assert not books.delete(mock_engine.db(), user.id, 2**63, mock_engine.store)
