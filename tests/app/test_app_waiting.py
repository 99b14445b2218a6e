"""A book that waits out a rate limit says so, in words, in the Studio and on My Books."""

from storymaker import jobs
from storymaker.services import studio
from storymaker.books import BookOptions
from storymaker.jobs import Kind

from .support import texts as page_texts

STUDIO = "app_pages/studio.py"


def texts(at) -> str:
    return page_texts(at).replace("\\", "")  # shown text is Markdown-escaped


def waiting_book(app_env, user) -> int:
    """A queued book whose story was just rate-limited with a Retry-After of 45 s."""
    ids = [studio.characters.create(app_env.engine.db(), user.id, "Mia").id]
    book_id = studio.start_book(app_env.engine, user.id, BookOptions("Still Waiting", scene_count=4), ids)
    db = app_env.engine.db()
    story = jobs.claim(db, "w", (Kind.STORY,))
    assert jobs.retry_later(db, story, "The text service is busy (rate limit reached).", retry_after=45,
                            rate_limited=True)
    return book_id


def test_the_studio_progress_panel_says_what_the_book_waits_for(app_env):
    user = app_env.user()
    book_id = waiting_book(app_env, user)
    at = app_env.app(user, to=STUDIO, book=str(book_id))
    assert not at.exception
    assert "Writing the story" in texts(at)
    assert "the story: the text service asked us to wait 45 s; trying again in" in texts(at)


def test_my_books_says_what_the_book_waits_for(app_env):
    user = app_env.user()
    waiting_book(app_env, user)
    at = app_env.app(user)
    assert not at.exception
    assert "Generating" in texts(at)
    assert "the story: the text service asked us to wait 45 s; trying again in" in texts(at)
