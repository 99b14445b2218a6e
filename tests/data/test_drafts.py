"""The drafts repository on both databases: unsaved grid edits per person and book, as JSON."""

import json

from tests.data.conftest import make_user
from tests.peek import sql, value
from storymaker.data import books as book_rows
from storymaker.data import drafts as repository
from storymaker.data.books import CastMember

OPTIONS = {"premise": "", "age_band": "6-8", "style": "watercolor", "language": "English", "scene_count": 3,
           "status": "ready"}
EDITS = {2: {"text": "Pip waves — «bonjour» 🌙", "characters": "Pip"}, 10: {"title": "Ten"}}


def make_book(db, user_id, title="Kite"):
    return book_rows.create(db, user_id, {**OPTIONS, "title": title}, [CastMember(None, "Mia")])


def test_edits_round_trip_with_int_scenes_and_string_keys_in_the_json(any_db, ada):
    book_id = make_book(any_db, ada)
    assert repository.find(any_db, ada, book_id) == {}
    assert repository.put(any_db, ada, book_id, EDITS)
    assert repository.find(any_db, ada, book_id) == EDITS
    stored = json.loads(value(any_db, "SELECT edits FROM drafts WHERE book_id = :b", b=book_id))
    assert list(stored) == ["2", "10"] and stored["2"]["text"] == EDITS[2]["text"]


def test_a_second_put_replaces_the_draft(any_db, ada):
    book_id = make_book(any_db, ada)
    repository.put(any_db, ada, book_id, EDITS)
    first = value(any_db, "SELECT updated_at FROM drafts WHERE book_id = :b", b=book_id)
    repository.put(any_db, ada, book_id, {3: {"illustration": "a kite at dusk"}})
    assert repository.find(any_db, ada, book_id) == {3: {"illustration": "a kite at dusk"}}
    assert value(any_db, "SELECT count(*) FROM drafts") == 1
    assert value(any_db, "SELECT updated_at FROM drafts WHERE book_id = :b", b=book_id) >= first


def test_delete_forgets_only_that_draft(any_db, ada, bob):
    kite, moon = make_book(any_db, ada), make_book(any_db, ada, "Moon")
    bobs = make_book(any_db, bob, "Bob's")
    for user_id, book_id in ((ada, kite), (ada, moon), (bob, bobs)):
        repository.put(any_db, user_id, book_id, EDITS)
    assert repository.delete(any_db, ada, kite) is True
    assert repository.delete(any_db, ada, kite) is False
    assert repository.find(any_db, ada, kite) == {}
    assert repository.find(any_db, ada, moon) == EDITS and repository.find(any_db, bob, bobs) == EDITS


def test_no_draft_for_a_book_the_user_does_not_own(any_db, ada, bob):
    bobs = make_book(any_db, bob, "Bob's")
    assert repository.put(any_db, ada, bobs, EDITS) is False
    assert repository.put(any_db, ada, 999_999, EDITS) is False
    assert value(any_db, "SELECT count(*) FROM drafts") == 0
    repository.put(any_db, bob, bobs, EDITS)
    assert repository.find(any_db, ada, bobs) == {}  # keyed by the user too
    assert repository.delete(any_db, ada, bobs) is False and repository.find(any_db, bob, bobs) == EDITS


def test_the_draft_goes_with_its_book_and_with_its_user(any_db, ada):
    kite, moon = make_book(any_db, ada), make_book(any_db, ada, "Moon")
    eve = make_user(any_db, "eve")
    eves = make_book(any_db, eve, "Eve's")
    for user_id, book_id in ((ada, kite), (ada, moon), (eve, eves)):
        repository.put(any_db, user_id, book_id, EDITS)
    assert book_rows.delete(any_db, ada, kite)
    assert sql(any_db, "SELECT book_id FROM drafts WHERE user_id = :u", u=ada) == [(moon,)]
    sql(any_db, "DELETE FROM users WHERE id = :u", u=eve)
    assert value(any_db, "SELECT count(*) FROM drafts") == 1


def test_a_row_that_is_not_a_draft_reads_as_none_or_as_its_good_part():
    assert repository.decode("not json") == {}
    assert repository.decode("[1, 2]") == {}
    assert repository.decode(None) == {}
    assert repository.decode('{"x": {"title": "a"}, "2": {"title": "b", "text": 5}, "3": "c", "4": {}}') == \
        {2: {"title": "b"}}
    assert repository.decode(repository.encode({1: {}, 4: {"text": "d"}})) == {4: {"text": "d"}}
