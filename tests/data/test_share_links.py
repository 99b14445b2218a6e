"""The share_links repository on both databases: links found by hash, live only until expiry,
opens counted in the lookup, revoked for good, and only by the book's owner."""

from storymaker.data import books as book_rows
from storymaker.data import share_links as repository
from storymaker.data.books import CastMember

OPTIONS = {"title": "The Kite", "premise": "", "age_band": "6-8", "style": "watercolor", "language": "English",
           "scene_count": 3, "status": "ready"}
NOW = 1_800_000_000.0


def make_book(db, user_id):
    return book_rows.create(db, user_id, OPTIONS, [CastMember(None, "Mia", "red boots")])


def test_a_link_is_found_by_its_hash_until_it_expires(any_db, ada):
    book = make_book(any_db, ada)
    forever = repository.add(any_db, book, "a" * 64, "2027-01-15T08:00:00+00:00", None)
    weekly = repository.add(any_db, book, "b" * 64, "2027-01-15T08:00:00+00:00", NOW + 60)
    assert forever != weekly
    assert repository.live_book(any_db, "a" * 64, NOW + 10**9) == book  # never expires
    assert repository.live_book(any_db, "b" * 64, NOW + 59) == book
    assert repository.live_book(any_db, "b" * 64, NOW + 60) is None  # the moment it expires
    assert repository.live_book(any_db, "c" * 64, NOW) is None


def test_an_open_is_counted_only_for_a_live_link(any_db, ada):
    book = make_book(any_db, ada)
    link = repository.add(any_db, book, "a" * 64, "2027-01-15T08:00:00+00:00", NOW + 60)
    assert repository.count_open(any_db, "a" * 64, NOW, "2027-01-15T09:00:00+00:00") == book
    assert repository.count_open(any_db, "a" * 64, NOW + 1, "2027-01-15T09:30:00+00:00") == book
    assert repository.count_open(any_db, "a" * 64, NOW + 60, "2027-01-15T10:00:00+00:00") is None  # expired
    assert repository.count_open(any_db, "z" * 64, NOW, "2027-01-15T10:00:00+00:00") is None
    [row] = repository.for_book(any_db, ada, book)
    assert (row.id, row.opens, row.last_opened_at, row.expires_at) == (link, 2, "2027-01-15T09:30:00+00:00", NOW + 60)


def test_only_the_owner_lists_and_revokes(any_db, ada, bob):
    book, other = make_book(any_db, ada), make_book(any_db, bob)
    first = repository.add(any_db, book, "a" * 64, "2027-01-15T08:00:00+00:00", None)
    second = repository.add(any_db, book, "b" * 64, "2027-01-15T09:00:00+00:00", None)
    theirs = repository.add(any_db, other, "c" * 64, "2027-01-15T09:00:00+00:00", None)
    assert [row.id for row in repository.for_book(any_db, ada, book)] == [second, first]  # newest first
    assert repository.for_book(any_db, bob, book) == []
    assert not repository.delete_link(any_db, bob, book, first)  # not bob's book
    assert not repository.delete_link(any_db, ada, book, theirs)  # not this book's link
    assert not repository.delete_link(any_db, ada, other, theirs)  # not ada's book
    assert repository.live_book(any_db, "c" * 64, NOW) == other
    assert repository.delete_link(any_db, ada, book, first)
    assert repository.live_book(any_db, "a" * 64, NOW) is None  # at once
    assert not repository.delete_link(any_db, ada, book, first)  # once
    assert [row.id for row in repository.for_book(any_db, ada, book)] == [second]


def test_deleting_the_book_takes_its_links(any_db, ada):
    book = make_book(any_db, ada)
    repository.add(any_db, book, "a" * 64, "2027-01-15T08:00:00+00:00", None)
    assert book_rows.delete(any_db, ada, book)
    assert repository.live_book(any_db, "a" * 64, NOW) is None
