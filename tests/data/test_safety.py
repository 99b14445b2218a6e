"""The safety_refusals repository on both databases: refusals kept with their categories and scores,
read newest first and only by their owner, one book's alone, and gone with the book."""

from storymaker.data import books as book_rows
from storymaker.data import safety as repository
from storymaker.data.books import CastMember
from storymaker.data.safety import NewRefusal

OPTIONS = {"title": "The Kite", "premise": "", "age_band": "6-8", "style": "watercolor", "language": "English",
           "scene_count": 3, "status": "ready"}


def make_book(db, user_id):
    return book_rows.create(db, user_id, OPTIONS, [CastMember(None, "Mia", "red boots")])


def test_refusals_keep_categories_and_scores_newest_first(any_db, ada):
    book = make_book(any_db, ada)
    repository.add(any_db, ada, None, [NewRefusal("input", "title", "word list", ("illicit",), {"illicit": 1.0},
                                                  "Smoking weed" * 30)])
    repository.add(any_db, ada, book, [
        NewRefusal("story", "page 2", "omni-moderation-latest", ("violence/graphic", "violence"),
                   {"violence/graphic": 0.91234567, "violence": 0.5}, "Then it happened.", outcome="rewritten"),
        NewRefusal("picture", "the cover picture", "omni-moderation-latest", ("sexual",), {"sexual": 0.3})])
    newest, story, typed = repository.for_user(any_db, ada)
    assert (newest.stage, newest.subject, newest.book_id, newest.book_title) == ("picture", "the cover picture",
                                                                                   book, "The Kite")
    assert story.categories == ("violence/graphic", "violence") and story.outcome == "rewritten"
    assert story.scores == {"violence": 0.5, "violence/graphic": 0.9123}
    assert (typed.book_id, typed.book_title, typed.checker) == (None, None, "word list")
    assert len(typed.excerpt) == repository.EXCERPT and typed.outcome == "refused"
    assert [r.subject for r in repository.for_user(any_db, ada, book_id=book)] == ["the cover picture", "page 2"]
    assert len(repository.for_user(any_db, ada, limit=1)) == 1


def test_only_the_owner_reads_them_and_they_go_with_the_book(any_db, ada, bob):
    book = make_book(any_db, ada)
    repository.add(any_db, ada, book, [NewRefusal("story", "page 1", "word list", ("peril",), {"peril": 1.0})])
    assert repository.for_user(any_db, bob) == [] and repository.for_user(any_db, bob, book_id=book) == []
    assert book_rows.delete(any_db, ada, book)
    assert repository.for_user(any_db, ada) == []
