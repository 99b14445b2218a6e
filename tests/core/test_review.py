import base64
import sqlite3

import pytest

from storymaker import accounts, books, data, storage
from storymaker.services import review, studio
from storymaker.books import BookOptions
from storymaker.runner import Runner
from storymaker.scenes import SceneError, parse_csv
from storymaker.errors import NotFound
from storymaker.files import layout

from tests.conftest import make_cast


def csv_scenes(engine, book_id):
    path = storage.story_path(storage.book_dir(engine.books_dir, book_id))
    return parse_csv(path.read_bytes(), 4, ["Mia", "Pip"])


def test_grid_rows_carry_small_thumbnails(mock_engine, user, book_id):
    rows = review.grid(mock_engine, user.id, book_id)
    assert [r.scene for r in rows] == [1, 2, 3, 4]
    assert all(r.status == books.DONE and r.version == 1 for r in rows)
    for row in rows:
        assert row.picture.startswith("data:image/webp;base64,")
        assert base64.b64decode(row.picture.split(",", 1)[1])[:4] == b"RIFF"


def test_rows_before_drawing_have_no_picture(mock_engine, user):
    book_id = studio.start_book(mock_engine, user.id, BookOptions("T", scene_count=4), make_cast(mock_engine, user.id))
    assert review.grid(mock_engine, user.id, book_id) == []


def test_saved_edits_reach_the_database_and_story_csv(mock_engine, user, book_id):
    review.save_edits(mock_engine, user.id, book_id, {2: {"text": "Pip, said \"hello\",\nand waved.", "characters": "Pip"}})
    row = books.scene_rows(mock_engine.db(), book_id)[1]
    assert row.scene.text == 'Pip, said "hello",\nand waved.' and row.scene.characters == ("Pip",)
    assert row.status == books.DONE and row.image_version == 1  # the picture is not touched
    assert csv_scenes(mock_engine, book_id)[1] == row.scene


def test_a_bad_edit_saves_nothing(mock_engine, user, book_id):
    before = csv_scenes(mock_engine, book_id)
    with pytest.raises(SceneError) as error:
        review.save_edits(mock_engine, user.id, book_id, {1: {"title": "New"}, 3: {"text": " ", "characters": "Bob"}})
    assert any("text is empty" in p for p in error.value.problems)
    assert any("unknown character 'Bob'" in p for p in error.value.problems)
    assert csv_scenes(mock_engine, book_id) == before
    assert books.scene_rows(mock_engine.db(), book_id)[0].scene.title == before[0].title


def test_scene_numbers_cannot_be_edited(mock_engine, user, book_id):
    with pytest.raises(SceneError, match="scene cannot be edited"):
        review.save_edits(mock_engine, user.id, book_id, {1: {"scene": 9}})


def test_regenerate_uses_the_row_as_edited(mock_engine, user, book_id):
    review.save_edits(mock_engine, user.id, book_id, {3: {"illustration": "a snowy castle at night"}})
    studio.regenerate_page(mock_engine, user.id, book_id, 3)
    Runner(mock_engine).run_until_idle()
    assert mock_engine.image_model.requests[-1].scene == "a snowy castle at night"
    assert review.grid(mock_engine, user.id, book_id)[2].version == 2


def test_upload_good_and_bad_csv(mock_engine, user, book_id):
    good = review.export_csv(mock_engine, user.id, book_id).decode().replace("Page 1", "The Very First Page")
    review.import_csv(mock_engine, user.id, book_id, good.encode())
    assert books.scene_rows(mock_engine.db(), book_id)[0].scene.title == "The Very First Page"
    bad = good.replace("The Very First Page", "Changed").rsplit("\n", 2)[0] + "\n"  # one row short
    with pytest.raises(SceneError, match="expected 4 scenes, found 3"):
        review.import_csv(mock_engine, user.id, book_id, bad.encode())
    assert books.scene_rows(mock_engine.db(), book_id)[0].scene.title == "The Very First Page"


def test_another_user_sees_and_changes_nothing(mock_engine, user, book_id):
    mallory = accounts.get_or_create(mock_engine.db(), "mallory")
    for call in (lambda: review.grid(mock_engine, mallory.id, book_id),
                 lambda: review.save_edits(mock_engine, mallory.id, book_id, {1: {"title": "x"}}),
                 lambda: review.import_csv(mock_engine, mallory.id, book_id, b"scene\n"),
                 lambda: review.export_csv(mock_engine, mallory.id, book_id)):
        with pytest.raises(NotFound):
            call()


def test_the_grid_payload_for_ten_pages_is_small(offline_engine):
    user = accounts.get_or_create(offline_engine.db(), "ada")
    book_id = studio.start_book(offline_engine, user.id, BookOptions("The Lighthouse Cat", scene_count=10),
                                make_cast(offline_engine, user.id))
    Runner(offline_engine).run_until_idle()
    rows = review.grid(offline_engine, user.id, book_id)
    payload = sum(len(str(value)) for row in rows for value in row.__dict__.values())
    assert len(rows) == 10 and payload < 250_000


def test_a_page_preview_has_the_full_picture_and_its_words(mock_engine, user, book_id):
    page = review.preview(mock_engine, user.id, book_id, 2)
    assert page.scene.scene == 2 and page.picture.key == layout.page_key(book_id, 2)
    assert page.picture.local_path() == storage.page_path(storage.book_dir(mock_engine.books_dir, book_id), 2)
    assert page.picture.exists() and page.status == books.DONE
    with pytest.raises(NotFound):
        review.preview(mock_engine, user.id, book_id, 9)
    mallory = accounts.get_or_create(mock_engine.db(), "mallory")
    with pytest.raises(NotFound):
        review.preview(mock_engine, mallory.id, book_id, 1)


def test_download_then_upload_unchanged_keeps_formula_like_words_exactly(mock_engine, user, book_id):
    words = {1: {"title": "=1+1", "text": "-dash, she said.\n@Pip: +1!"},
             2: {"title": "'Twas the night", "illustration": "'=HYPERLINK(\"x\") on a sign"}}
    review.save_edits(mock_engine, user.id, book_id, words)
    before = [r.scene for r in books.scene_rows(mock_engine.db(), book_id)]
    download = review.export_csv(mock_engine, user.id, book_id)
    assert download.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert b",'=1+1," in download and b'"\'-dash' in download
    assert storage.story_path(storage.book_dir(mock_engine.books_dir, book_id)).read_bytes() == download
    review.import_csv(mock_engine, user.id, book_id, download)
    review.import_csv(mock_engine, user.id, book_id, download[3:])  # without the byte order mark too
    after = [r.scene for r in books.scene_rows(mock_engine.db(), book_id)]
    assert after == before and after[0].title == "=1+1" and after[1].illustration == "'=HYPERLINK(\"x\") on a sign"


def test_a_huge_bad_upload_gets_a_short_answer_and_changes_nothing(mock_engine, user, book_id):
    before = csv_scenes(mock_engine, book_id)
    junk = ("scene,title,text,illustration,characters\n" + "x,,,,\n" * 166_000).encode()
    with pytest.raises(SceneError) as error:
        review.import_csv(mock_engine, user.id, book_id, junk)
    assert len(error.value.problems) == 21 and error.value.problems[-1].endswith("more problems")
    assert csv_scenes(mock_engine, book_id) == before
@pytest.mark.sqlite_only
def test_saving_while_another_program_holds_the_lock_is_busy_and_changes_nothing(mock_engine, user, book_id, monkeypatch):
    monkeypatch.setattr(data.database, "BUSY_TIMEOUT_S", 0.1)
    data.close_all()  # this thread's next connection has the short timeout
    before = csv_scenes(mock_engine, book_id)
    holder = sqlite3.connect(str(mock_engine.settings.db_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a backup, another process
    try:
        with pytest.raises(data.LibraryBusy, match="try again"):
            review.save_edits(mock_engine, user.id, book_id, {2: {"text": "Pip waves at the moon."}})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert csv_scenes(mock_engine, book_id) == before
    assert books.scene_rows(mock_engine.db(), book_id)[1].scene.text == before[1].text
    review.save_edits(mock_engine, user.id, book_id, {2: {"text": "Pip waves at the moon."}})
    assert csv_scenes(mock_engine, book_id)[1].text == "Pip waves at the moon."
