"""The books repository on both databases: books, their cast, their scenes."""

import ast
import threading
from pathlib import Path

import pytest
from sqlalchemy import exc

import storymaker
from tests.peek import sql
from tests.data.conftest import make_user
from storymaker.data import MAX_ROW_ID
from storymaker.data import books as repository
from storymaker.data import characters as character_rows
from storymaker.data import usage as usage_rows
from storymaker.data.books import BookRow, CastMember, SceneRecord

OPTIONS = {"title": "The Kite", "premise": "", "age_band": "6-8", "style": "watercolor", "language": "English",
           "scene_count": 3, "status": "draft"}






MIA = CastMember(None, "Mia", "red boots")


def make_book(db, user_id, title="The Kite", cast=(MIA,)):
    return repository.create(db, user_id, {**OPTIONS, "title": title}, list(cast))


def words(number, title="A page", names="Mia"):
    return {"scene": number, "title": title, "text": f"Page {number}.", "illustration": "A hill.",
            "characters": names}






def test_a_book_is_created_read_back_by_column_name_and_only_by_its_owner(any_db, ada, bob):
    book_id = make_book(any_db, ada)
    book = repository.get(any_db, book_id, user_id=ada)
    assert isinstance(book, BookRow)
    assert (book.id, book.user_id, book.title, book.age_band, book.style, book.scene_count, book.status,
            book.error) == (book_id, ada, "The Kite", "6-8", "watercolor", 3, "draft", None)
    assert book.created_at
    assert repository.get(any_db, book_id, user_id=bob) is None  # another user's id is not found
    assert repository.get(any_db, book_id) == book  # background jobs act for the owner
    assert repository.get(any_db, MAX_ROW_ID) is None
    assert repository.owner_of(any_db, book_id) == ada and repository.owner_of(any_db, MAX_ROW_ID) is None


def test_list_is_newest_first_paged_and_counted_per_user(any_db, ada, bob):
    ids = [make_book(any_db, ada, f"Book {n}") for n in range(5)]
    make_book(any_db, bob, "Bob's")
    assert [b.id for b in repository.list_for(any_db, ada, limit=3)] == ids[::-1][:3]
    assert [b.id for b in repository.list_for(any_db, ada, limit=3, offset=3)] == ids[::-1][3:]
    assert repository.count_for(any_db, ada) == 5 and repository.count_for(any_db, bob) == 1
    assert repository.count_for(any_db, make_user(any_db, "cy")) == 0


def test_status_and_any_with_status(any_db, ada, bob):
    book_id = make_book(any_db, ada)
    make_book(any_db, bob)
    assert not repository.any_with_status(any_db, ada, "generating")
    repository.set_status(any_db, book_id, "generating")
    assert repository.any_with_status(any_db, ada, "generating")
    assert not repository.any_with_status(any_db, bob, "generating")
    repository.set_status(any_db, book_id, "needs_attention", "page 2 failed")
    book = repository.get(any_db, book_id)
    assert (book.status, book.error) == ("needs_attention", "page 2 failed")


def test_the_cast_is_a_copy_that_survives_an_edit_and_a_delete_of_its_character(any_db, ada):
    mia = character_rows.create(any_db, ada, "Mia", "red boots", "brave", "avatars/user_1/mia.png")
    pip = character_rows.create(any_db, ada, "Pip", "a grey cat", "")
    book_id = make_book(any_db, ada, cast=[CastMember(mia.id, mia.name, mia.look, mia.personality, mia.avatar_path),
                                            CastMember(pip.id, pip.name, pip.look)])
    character_rows.update_words(any_db, ada, mia.id, "Mia Rose", "blue boots", "shy")
    character_rows.delete(any_db, ada, pip.id)
    assert repository.cast_of(any_db, book_id) == [
        CastMember(mia.id, "Mia", "red boots", "brave", "avatars/user_1/mia.png"),
        CastMember(None, "Pip", "a grey cat", ""),  # ON DELETE SET NULL: the book keeps its copy
    ]


def test_cast_avatars_are_the_owners_only(any_db, ada, bob):
    book_id = make_book(any_db, ada, cast=[CastMember(None, "Mia", avatar_path="avatars/user_1/a.png"),
                                            CastMember(None, "Pip")])
    assert repository.cast_avatars(any_db, ada, book_id) == ["avatars/user_1/a.png"]
    assert repository.cast_avatars(any_db, bob, book_id) == []


def test_delete_takes_the_cast_scenes_and_usage_with_it_and_only_for_the_owner(any_db, ada, bob):
    book_id = make_book(any_db, ada)
    kept = make_book(any_db, ada, "Kept")
    repository.replace_scenes(any_db, book_id, [words(1)], "pending")
    usage_rows.record(any_db, book_id, "text", "offline", input_tokens=5)
    assert not repository.delete(any_db, bob, book_id)  # not his
    assert repository.get(any_db, book_id) is not None
    assert repository.delete(any_db, ada, book_id)
    assert not repository.delete(any_db, ada, book_id)  # already gone
    assert repository.get(any_db, book_id) is None
    for table in ("book_characters", "scenes", "usage"):
        assert sql(any_db, f"SELECT COUNT(*) FROM {table} WHERE book_id = :id", id=book_id) == [(0,)]
    assert len(repository.cast_of(any_db, kept)) == 1


def test_two_deletes_of_one_book_at_once_delete_it_once(any_db, ada):
    book_id = make_book(any_db, ada)
    start, results = threading.Barrier(2), []

    def remove():
        start.wait()
        results.append(repository.delete(any_db, ada, book_id))

    threads = [threading.Thread(target=remove) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]


def test_scenes_are_replaced_read_in_order_and_their_words_edited(any_db, ada):
    book_id = make_book(any_db, ada)
    repository.replace_scenes(any_db, book_id, [words(2, "Two"), words(1, "One", "Mia;Pip")], "pending")
    rows = repository.scene_rows(any_db, book_id)
    assert rows == [SceneRecord(1, "One", "Page 1.", "A hill.", "Mia;Pip", "pending", None, 0),
                    SceneRecord(2, "Two", "Page 2.", "A hill.", "Mia", "pending", None, 0)]
    assert repository.scene_rows(any_db, book_id, 2) == rows[1:]
    assert repository.scene_rows(any_db, book_id, 9) == []
    repository.set_scene_status(any_db, book_id, 1, "done", drawn=True)
    repository.update_scene_words(any_db, book_id, [words(1, "First")])
    first = repository.scene_rows(any_db, book_id, 1)[0]
    assert (first.title, first.characters, first.status, first.image_version) == ("First", "Mia", "done", 1)
    repository.replace_scenes(any_db, book_id, [words(1, "New")], "pending")  # a rewritten story
    assert [(r.scene, r.title, r.image_version) for r in repository.scene_rows(any_db, book_id)] == [(1, "New", 0)]


def test_scene_status_counts_drawings_and_unfinished_pages_fail_together(any_db, ada):
    book_id = make_book(any_db, ada)
    other = make_book(any_db, ada, "Other")
    repository.replace_scenes(any_db, book_id, [words(n) for n in (1, 2, 3)], "pending")
    repository.replace_scenes(any_db, other, [words(1)], "pending")
    repository.set_scene_status(any_db, book_id, 1, "done", drawn=True)
    repository.set_scene_status(any_db, book_id, 1, "done", drawn=True)
    repository.set_scene_status(any_db, book_id, 2, "drawing")
    repository.set_scene_status(any_db, book_id, 3, "failed", "refused")
    assert repository.scene_rows(any_db, book_id, 1)[0].image_version == 2
    assert repository.set_scenes_status(any_db, book_id, ("pending", "drawing"), "failed", "canceled") == 1
    assert [(r.status, r.error) for r in repository.scene_rows(any_db, book_id)] == [
        ("done", None), ("failed", "canceled"), ("failed", "refused")]
    assert repository.scene_rows(any_db, other)[0].status == "pending"


def test_a_book_and_its_cast_are_one_unit(any_db, ada):
    """A cast row that cannot be stored leaves no book behind."""
    with pytest.raises(exc.IntegrityError):
        make_book(any_db, ada, cast=[CastMember(None, "Mia"), CastMember(MAX_ROW_ID, "Ghost")])  # no such character
    assert repository.count_for(any_db, ada) == 0


NOUNS = ["books.py", "characters.py", "usage.py", *(f"services/{name}" for name in (
    "accounts.py", "books.py", "characters.py", "library.py", "review.py", "samples.py", "studio.py", "usage.py"))]


@pytest.mark.parametrize("module", NOUNS)
def test_the_nouns_reach_the_database_only_through_their_repositories(module):
    """No SQL, no driver and no transitional bridge above the data layer (issue 9)."""
    tree = ast.parse((Path(storymaker.__file__).parent / module).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {("." * node.level) + (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("sqlalchemy", "sqlite3", "sqlite_utils")}
    assert not {name for name in imported if name in (".db", "..db", "storymaker.db")}
    calls = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)}
    assert "execute" not in calls and "exec_driver_sql" not in calls
