"""The characters repository on both databases: a user's characters and the books made with them."""

import threading
import time


from storymaker.data import MAX_ROW_ID
from storymaker.data import books as book_rows
from storymaker.data import characters as repository
from storymaker.data.books import CastMember
from storymaker.data.characters import BookTitle, Character

OPTIONS = {"title": "The Kite", "premise": "", "age_band": "6-8", "style": "watercolor", "language": "English",
           "scene_count": 3, "status": "draft"}




def make_book(db, user_id, title, *characters):
    cast = [CastMember(c.id, c.name, c.look, c.personality, c.avatar_path) for c in characters]
    return book_rows.create(db, user_id, {**OPTIONS, "title": title}, cast)






def test_create_get_and_only_the_owner_sees_it(any_db, ada, bob):
    mia = repository.create(any_db, ada, "Mia", "red boots", "brave", "avatars/user_1/mia.png")
    assert mia == Character(mia.id, ada, "Mia", "red boots", "brave", "avatars/user_1/mia.png")
    assert repository.get(any_db, ada, mia.id) == mia
    assert repository.get(any_db, bob, mia.id) is None
    assert repository.get(any_db, ada, MAX_ROW_ID) is None


def test_list_orders_by_name_ignoring_case_then_by_age(any_db, ada, bob):
    for name in ("bob", "Alice", "carol", "alice"):
        repository.create(any_db, ada, name, "", "")
    repository.create(any_db, bob, "Aaron", "", "")
    assert [c.name for c in repository.list_for(any_db, ada)] == ["Alice", "alice", "bob", "carol"]
    assert [c.name for c in repository.list_for(any_db, bob)] == ["Aaron"]


def test_update_and_set_avatar_change_only_the_owners_character(any_db, ada, bob):
    mia = repository.create(any_db, ada, "Mia", "red boots", "")
    assert repository.update_words(any_db, bob, mia.id, "Mine", "", "") is None
    assert repository.set_avatar(any_db, bob, mia.id, "avatars/user_2/x.png") is None
    updated = repository.update_words(any_db, ada, mia.id, "Mia Rose", "blue boots", "kind")
    assert (updated.name, updated.look, updated.personality, updated.avatar_path) == ("Mia Rose", "blue boots",
                                                                                       "kind", None)
    assert repository.set_avatar(any_db, ada, mia.id, "avatars/user_1/m.png").avatar_path == "avatars/user_1/m.png"
    assert repository.get(any_db, ada, mia.id).avatar_path == "avatars/user_1/m.png"


def test_delete_returns_what_it_deleted_and_only_for_the_owner(any_db, ada, bob):
    mia = repository.create(any_db, ada, "Mia", "", "", "avatars/user_1/mia.png")
    assert repository.delete(any_db, bob, mia.id) is None
    assert repository.delete(any_db, ada, mia.id) == mia
    assert repository.delete(any_db, ada, mia.id) is None
    assert repository.list_for(any_db, ada) == []


def test_books_using_lists_the_owners_books_made_with_it_newest_first_once_each(any_db, ada, bob):
    mia = repository.create(any_db, ada, "Mia", "", "")
    pip = repository.create(any_db, ada, "Pip", "", "")
    first = make_book(any_db, ada, "First", mia, pip)
    make_book(any_db, ada, "Pip alone", pip)
    twice = make_book(any_db, ada, "Twice", mia, mia)  # a cast row per position: listed once
    make_book(any_db, bob, "Bob's", mia)  # not ada's book
    assert repository.books_using(any_db, ada, mia.id) == [BookTitle(twice, "Twice"), BookTitle(first, "First")]
    repository.delete(any_db, ada, mia.id)
    assert repository.books_using(any_db, ada, mia.id) == []  # the books keep their copy, not the link


def test_an_avatar_is_in_use_while_a_character_or_a_cast_refers_to_it(any_db, ada):
    key = "avatars/user_1/mia.png"
    assert not repository.avatar_in_use(any_db, key)
    mia = repository.create(any_db, ada, "Mia", "", "", key)
    assert repository.avatar_in_use(any_db, key)
    book_id = make_book(any_db, ada, "Kite", mia)
    repository.delete(any_db, ada, mia.id)
    assert repository.avatar_in_use(any_db, key)  # the book's cast still shows it
    book_rows.delete(any_db, ada, book_id)
    assert not repository.avatar_in_use(any_db, key)


def test_for_cast_reads_only_the_owners_characters(any_db, ada, bob):
    mia = repository.create(any_db, ada, "Mia", "", "")
    bobs = repository.create(any_db, bob, "Bob", "", "")
    assert repository.for_cast(any_db, ada, [mia.id, bobs.id, MAX_ROW_ID]) == {mia.id: mia}
    assert repository.for_cast(any_db, ada, []) == {}


def test_a_character_read_for_a_cast_cannot_be_deleted_before_the_book_is_stored(any_db, ada):
    """Read-then-insert in one write unit: a concurrent delete waits, so the cast never points at
    a character deleted in between (on PostgreSQL the FOREIGN KEY would reject the insert)."""
    mia = repository.create(any_db, ada, "Mia", "", "")
    read, deleted_at, inserted_at = threading.Event(), [], []

    def delete_mia():
        read.wait(5)
        repository.delete(any_db, ada, mia.id)
        deleted_at.append(time.monotonic())

    deleter = threading.Thread(target=delete_mia)
    deleter.start()
    try:
        with any_db.write():
            chosen = repository.for_cast(any_db, ada, [mia.id])
            read.set()
            time.sleep(0.3)  # the delete is under way now
            book_id = make_book(any_db, ada, "Kite", chosen[mia.id])
            # Taken inside the unit: the delete may finish the moment the commit lets it go, before
            # this thread runs again, so only "after the insert" is certain.
            inserted_at.append(time.monotonic())
    finally:
        read.set()
        deleter.join(10)
    assert deleted_at and deleted_at[0] >= inserted_at[0]
    assert book_rows.cast_of(any_db, book_id) == [CastMember(None, "Mia", "", "", None)]
