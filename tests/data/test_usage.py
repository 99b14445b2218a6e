"""The usage repository on both databases: model calls summed per book and per user."""


from tests.data.conftest import make_user
from storymaker.data import books as book_rows
from storymaker.data import usage as repository
from storymaker.data.books import CastMember
from storymaker.data.usage import BookUsage, Usage

OPTIONS = {"premise": "", "age_band": "6-8", "style": "watercolor", "language": "English", "scene_count": 3,
           "status": "draft"}




def make_book(db, user_id, title):
    return book_rows.create(db, user_id, {**OPTIONS, "title": title}, [CastMember(None, "Mia")])




def test_a_book_with_no_calls_used_nothing(any_db, ada):
    book_id = make_book(any_db, ada, "Kite")
    assert repository.for_book(any_db, book_id) == Usage(0, 0, 0, 0)


def test_calls_sum_per_book_as_whole_numbers(any_db, ada):
    book_id = make_book(any_db, ada, "Kite")
    other = make_book(any_db, ada, "Other")
    repository.record(any_db, book_id, "text", "gpt", input_tokens=100, output_tokens=40)
    repository.record(any_db, book_id, "text", "gpt", input_tokens=5, output_tokens=1)
    repository.record(any_db, book_id, "image", "img", images=3)
    repository.record(any_db, other, "image", "img", images=1)
    totals = repository.for_book(any_db, book_id)
    assert totals == Usage(105, 41, 3, 3)
    assert all(type(value) is int for value in vars(totals).values())


def test_per_user_every_book_newest_first_and_nobody_elses(any_db, ada):
    eve = make_user(any_db, "eve")
    first = make_book(any_db, ada, "First")
    unused = make_book(any_db, ada, "Unused")
    eves = make_book(any_db, eve, "Eve's")
    repository.record(any_db, first, "text", "gpt", input_tokens=7, output_tokens=3)
    repository.record(any_db, first, "image", "img", images=2)
    repository.record(any_db, eves, "image", "img", images=5)
    assert repository.for_user(any_db, ada) == [BookUsage(unused, "Unused", Usage(0, 0, 0, 0)),
                                               BookUsage(first, "First", Usage(7, 3, 2, 2))]
    assert repository.for_user(any_db, eve) == [BookUsage(eves, "Eve's", Usage(0, 0, 5, 1))]
    assert repository.for_user(any_db, make_user(any_db, "cy")) == []
