"""The data folder disappears under a running app or worker; pictures go missing under a book.

- `rm -rf data/` while a background runner (in this process) or a separate
  `python -m storymaker worker` runs: the database is recreated and migrated, and a
  book started afterwards is made, with no restart.
- A "Ready" book whose pictures (or whole folder) were deleted says which pictures
  are missing, and one action redraws them, the cover included.

No fixed sleeps: every wait polls SQLite against a deadline.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storymaker import accounts, books, data, storage
from storymaker.services import studio
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.runner import Runner
from storymaker.errors import NotFound

from tests.conftest import make_book, wait_until
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.models import MockImageModel, MockTextModel
from .test_worker_process import start_worker, stop_worker


def new_book(engine: Engine, username: str = "ada", scenes: int = 4) -> tuple[int, int]:
    user = accounts.get_or_create(engine.db(), username)
    return user.id, make_book(engine, user.id, scenes=scenes, run=False)


def status_of(engine: Engine, user_id: int, book_id: int) -> str | None:
    book = books.get(engine.db(), user_id, book_id)
    return book.status if book else None


def test_the_background_runner_keeps_making_books_after_the_data_folder_is_deleted(mock_engine):
    runner = Runner(mock_engine, poll_s=0.05).start()
    try:
        user_id, book_id = new_book(mock_engine)
        wait_until(lambda: status_of(mock_engine, user_id, book_id) == books.READY, what="the first book")
        shutil.rmtree(mock_engine.data_dir)

        user_id, book_id = new_book(mock_engine, "bob")  # this thread finds the folder gone and recreates it
        wait_until(lambda: status_of(mock_engine, user_id, book_id) == books.READY, timeout=15,
                   what="a book started after the wipe")
        folder = storage.book_dir(mock_engine.books_dir, book_id)
        assert storage.cover_path(folder).is_file() and storage.page_path(folder, 4).is_file()
    finally:
        runner.stop()


def test_a_worker_process_keeps_making_books_after_the_data_folder_is_deleted(tmp_path):
    data_dir = tmp_path / "data"
    log = tmp_path / "worker.log"
    engine = Engine(Settings(provider="offline", data_dir=data_dir), text_model=MockTextModel(), image_model=MockImageModel())
    with FakeOpenAI(image_size=(64, 64)) as fake:
        worker = None
        try:
            user_id, book_id = new_book(engine)
            worker = start_worker(data_dir, fake, log, tmp_path)
            wait_until(lambda: status_of(engine, user_id, book_id) == books.READY, timeout=30, what="the first book")
            shutil.rmtree(data_dir)

            user_id, book_id = new_book(engine, "bob")
            wait_until(lambda: status_of(engine, user_id, book_id) == books.READY, timeout=30,
                       what="the worker to make a book started after the wipe")
            assert worker.poll() is None  # still running: nothing crashed
            folder = storage.book_dir(engine.books_dir, book_id)
            assert storage.cover_path(folder).is_file() and storage.page_path(folder, 4).is_file()
        finally:
            if worker is not None:
                stop_worker(worker)
    assert "Traceback" not in log.read_text(errors="replace")


# ---------------------------------------------------------------- pictures missing under a ready book

def ready_book(engine: Engine, scenes: int = 4) -> tuple[int, int]:
    user_id, book_id = new_book(engine, scenes=scenes)
    Runner(engine).run_until_idle()
    assert status_of(engine, user_id, book_id) == books.READY
    return user_id, book_id


def test_a_ready_book_whose_folder_was_deleted_says_what_is_missing_and_redraws_it(mock_engine):
    user_id, book_id = ready_book(mock_engine)
    assert not studio.missing_pictures(mock_engine, user_id, book_id)
    shutil.rmtree(storage.book_dir(mock_engine.books_dir, book_id))

    missing = studio.missing_pictures(mock_engine, user_id, book_id)
    assert missing.cover and missing.pages == (1, 2, 3, 4)
    assert missing.describe() == "The pictures of the cover and pages 1, 2, 3 and 4 are missing."
    assert studio.redraw_missing(mock_engine, user_id, book_id) == missing
    assert status_of(mock_engine, user_id, book_id) == books.GENERATING
    assert not studio.missing_pictures(mock_engine, user_id, book_id)  # queued again: not missing, coming
    Runner(mock_engine).run_until_idle()

    folder = storage.book_dir(mock_engine.books_dir, book_id)
    assert storage.cover_path(folder).is_file() and storage.thumb_path(folder, "cover").is_file()
    assert all(storage.page_path(folder, n).is_file() for n in range(1, 5))
    assert status_of(mock_engine, user_id, book_id) == books.READY
    assert not studio.missing_pictures(mock_engine, user_id, book_id)


def test_one_missing_picture_is_named_and_only_it_is_redrawn(mock_engine):
    user_id, book_id = ready_book(mock_engine)
    folder = storage.book_dir(mock_engine.books_dir, book_id)
    untouched = storage.page_path(folder, 1).stat().st_mtime_ns
    storage.thumb_path(folder, storage.scene_name(3)).unlink()  # a lost thumbnail counts too
    missing = studio.missing_pictures(mock_engine, user_id, book_id)
    assert missing == studio.MissingPictures(False, (3,))
    assert missing.describe() == "The picture of page 3 is missing."
    studio.redraw_missing(mock_engine, user_id, book_id)
    Runner(mock_engine).run_until_idle()
    assert storage.thumb_path(folder, storage.scene_name(3)).is_file()
    assert storage.page_path(folder, 1).stat().st_mtime_ns == untouched


def test_the_cover_of_a_made_book_can_be_drawn_again(mock_engine):
    user_id, book_id = ready_book(mock_engine)
    cover = storage.cover_path(storage.book_dir(mock_engine.books_dir, book_id))
    cover.unlink()
    assert studio.missing_pictures(mock_engine, user_id, book_id) == studio.MissingPictures(True, ())
    studio.redraw_cover(mock_engine, user_id, book_id)
    Runner(mock_engine).run_until_idle()
    assert cover.is_file() and status_of(mock_engine, user_id, book_id) == books.READY


def test_nobody_redraws_someone_elses_pictures(mock_engine):
    user_id, book_id = ready_book(mock_engine)
    bob = accounts.get_or_create(mock_engine.db(), "bob")
    for operation in (studio.missing_pictures, studio.redraw_missing, studio.redraw_cover):
        with pytest.raises(NotFound):
            operation(mock_engine, bob.id, book_id)


def test_an_engine_keeps_its_data_folder_when_the_working_directory_changes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = Engine(Settings(provider="offline", data_dir=Path("data")), MockTextModel(), MockImageModel())
    accounts.get_or_create(engine.db(), "ada")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    data.close_all()  # a new thread's first connection, after the change of directory
    assert accounts.find(engine.db(), "ada") is not None
    assert engine.books_dir == tmp_path / "data" / "storymaker"
    assert not (elsewhere / "data").exists()
