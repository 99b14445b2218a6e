"""Characters: editing, deleting, the books that use them, and saving with a picture."""

from pathlib import Path

import pytest

from storymaker import accounts, avatars, books, characters
from storymaker.services import studio
from storymaker.avatars import AvatarError
from storymaker.books import BookError, BookOptions
from storymaker.characters import CharacterError
from storymaker.errors import NotFound

from tests.fakes import pictures


@pytest.fixture
def data_dir(mock_engine) -> Path:
    return mock_engine.data_dir


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_update_changes_only_the_owners_character(mock_engine, user):
    db = mock_engine.db()
    bob = accounts.get_or_create(db, "bob")
    mia = characters.create(db, user.id, "Mia", "red boots")
    bobs = characters.create(db, bob.id, "Bob")
    assert characters.update(db, user.id, mia.id, "Mia Rose", "blue boots", "kind").look == "blue boots"
    assert characters.update(db, user.id, bobs.id, "Mine now") is None
    assert characters.get(db, bob.id, bobs.id).name == "Bob"


def test_save_creates_with_a_clean_picture(mock_engine, user, data_dir):
    saved = characters.save(mock_engine.db(), data_dir, user.id, None, "Pip", "a grey cat", "", pictures.jpeg_with_gps())
    stored = (data_dir / saved.avatar_path).read_bytes()
    assert saved.avatar_path.startswith(f"avatars/user_{user.id}/") and stored.startswith(b"\x89PNG")
    assert not pictures.has_gps(stored)


@pytest.mark.parametrize("bad", [pictures.decompression_bomb, pictures.not_a_picture, pictures.oversized])
def test_a_bad_picture_stores_nothing_at_all(mock_engine, user, data_dir, bad):
    with pytest.raises(AvatarError):
        characters.save(mock_engine.db(), data_dir, user.id, None, "Pip", "a grey cat", "", bad())
    assert characters.list_for(mock_engine.db(), user.id) == []
    assert files_under(data_dir / "avatars") == []


def test_a_bad_name_stores_no_picture(mock_engine, user, data_dir):
    with pytest.raises(CharacterError):
        characters.save(mock_engine.db(), data_dir, user.id, None, "   ", "", "", pictures.png())
    assert files_under(data_dir / "avatars") == []


def test_a_new_picture_replaces_the_old_file(mock_engine, user, data_dir):
    db = mock_engine.db()
    first = characters.save(db, data_dir, user.id, None, "Pip", picture=pictures.png())
    second = characters.save(db, data_dir, user.id, first.id, "Pip", "grey", picture=pictures.png(color=(1, 2, 3)))
    assert second.avatar_path != first.avatar_path
    assert not (data_dir / first.avatar_path).exists() and (data_dir / second.avatar_path).exists()
    kept = characters.save(db, data_dir, user.id, first.id, "Pip", "grey and white")  # no new picture: kept
    assert kept.avatar_path == second.avatar_path


def test_books_using_and_delete_keep_the_books_copy(mock_engine, user, data_dir):
    db = mock_engine.db()
    pip = characters.save(db, data_dir, user.id, None, "Pip", "a grey cat", picture=pictures.png())
    lone = characters.save(db, data_dir, user.id, None, "Lone", picture=pictures.png(color=(9, 9, 9)))
    book_id = studio.start_book(mock_engine, user.id, BookOptions("Pip at Sea", scene_count=4), [pip.id])
    assert characters.books_using(db, user.id, pip.id) == [(book_id, "Pip at Sea")]
    assert characters.books_using(db, user.id + 1, pip.id) == []

    assert characters.delete(db, data_dir, user.id, pip.id)
    assert characters.get(db, user.id, pip.id) is None
    assert (data_dir / pip.avatar_path).exists()  # the book's cast still uses the picture
    assert studio.progress(mock_engine, user.id, book_id).book.title == "Pip at Sea"
    assert characters.delete(db, data_dir, user.id, lone.id)
    assert not (data_dir / lone.avatar_path).exists()  # nobody uses it any more


def test_nobody_deletes_someone_elses_character(mock_engine, user, data_dir):
    db = mock_engine.db()
    pip = characters.create(db, user.id, "Pip")
    assert not characters.delete(db, data_dir, user.id + 1, pip.id)
    assert characters.get(db, user.id, pip.id) is not None
    with pytest.raises(CharacterError, match="no longer exists"):
        characters.save(db, data_dir, user.id + 1, pip.id, "Stolen")


def test_draw_avatar_paints_and_stores_a_portrait(mock_engine, user, data_dir):
    db = mock_engine.db()
    pip = characters.save(db, data_dir, user.id, None, "Pip", "a grey cat", picture=pictures.png())
    drawn = studio.draw_avatar(mock_engine, user.id, pip.id)
    assert drawn.avatar_path != pip.avatar_path and (data_dir / drawn.avatar_path).is_file()
    assert not (data_dir / pip.avatar_path).exists()
    assert mock_engine.image_model.requests[-1].kind == "avatar"
    with pytest.raises(NotFound):
        studio.draw_avatar(mock_engine, user.id + 1, pip.id)
    assert avatars.AVATAR_PX >= max(avatars.clean((data_dir / drawn.avatar_path).read_bytes()).size)


@pytest.mark.parametrize("name", ["=1+1", "+SUM(A1)", "-2", "@cmd", " =HYPERLINK(\"x\")", "\u200b=1+1", "\uff1d1"])
def test_names_a_spreadsheet_would_run_are_refused(mock_engine, user, data_dir, name):
    with pytest.raises(CharacterError, match="cannot start with =, \\+, - or @"):
        characters.save(mock_engine.db(), data_dir, user.id, None, name)
    assert characters.list_for(mock_engine.db(), user.id) == []


def test_a_name_of_only_invisible_characters_is_refused_clearly(mock_engine, user):
    with pytest.raises(CharacterError, match="only of invisible characters"):
        characters.create(mock_engine.db(), user.id, "\u200b\x00\u200b")
    with pytest.raises(CharacterError, match="needs a name"):
        characters.create(mock_engine.db(), user.id, "  ")


def test_invisible_characters_never_reach_the_database(mock_engine, user, data_dir):
    db = mock_engine.db()
    pip = characters.save(db, data_dir, user.id, None, "P\u200bip\x00", "a grey\x00 cat\u2060", "\u200b\u200b")
    assert (pip.name, pip.look, pip.personality) == ("Pip", "a grey cat", "")
    edited = characters.update(db, user.id, pip.id, "Pip", "line one\r\nline two\x07", "shy\ufeff")
    assert (edited.look, edited.personality) == ("line one\nline two", "shy")
    assert characters.parse_spec("Mia\u200b: red\x00 boots") == ("Mia", "red boots")


def test_a_character_id_too_big_for_sqlite_is_simply_not_found(mock_engine, user):
    # Ids reach here from session state; one SQLite cannot hold must read as "not found", not OverflowError.
    assert characters.get(mock_engine.db(), user.id, 99999999999999999999) is None
    assert characters.get(mock_engine.db(), user.id, "12abc") is None


@pytest.mark.parametrize("chosen", ["abc", 2**70, -1])
def test_a_book_from_a_character_id_that_is_no_id_gets_the_clear_message(mock_engine, user, chosen):
    pip = characters.create(mock_engine.db(), user.id, "Pip")
    bobs = characters.create(mock_engine.db(), accounts.get_or_create(mock_engine.db(), "bob").id, "Bob")
    for ids in ([pip.id, chosen], [pip.id, bobs.id]):
        with pytest.raises(BookError, match="no longer exists"):
            studio.start_book(mock_engine, user.id, BookOptions("Pip at Sea", scene_count=4), ids)
    assert studio.books.count_for(mock_engine.db(), user.id) == 0


def test_a_chosen_pronoun_is_kept_and_copied_into_a_books_cast(mock_engine, user, data_dir):
    db = mock_engine.db()
    pip = characters.save(db, data_dir, user.id, None, "Pip", "a grey cat", pronoun="she")
    assert characters.get(db, user.id, pip.id).pronoun == "she"
    book_id = studio.start_book(mock_engine, user.id, BookOptions("Pip at Sea", scene_count=4), [pip.id])
    assert characters.update(db, user.id, pip.id, "Pip", "a grey cat", pronoun="name").pronoun == "name"
    # The book keeps the pronoun it was made with, and the writer is told it.
    assert [c.pronoun for c in books.get(db, user.id, book_id).brief().characters] == ["she"]
    assert characters.create(db, user.id, "Bo").pronoun == ""  # read from the look
    with pytest.raises(CharacterError, match="pronoun"):
        characters.save(db, data_dir, user.id, None, "Zed", pronoun="it")
    assert [c.name for c in characters.list_for(db, user.id)] == ["Bo", "Pip"]
