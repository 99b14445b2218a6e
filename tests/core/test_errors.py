"""One error family: every message for people is a StorymakerError, whichever module raised it."""

from __future__ import annotations


import pytest

from storymaker import accounts, avatars, books, characters, cli, config, data, scenes, session_keys, storage, story
from storymaker.services import review, studio
from storymaker.books import BookOptions
from storymaker.errors import Busy, Invalid, NotFound, StorymakerError
from storymaker.models.errors import ModelError

from tests.conftest import make_cast


@pytest.mark.parametrize("error", [books.BookError, characters.CharacterError, accounts.AccountError,
                                   accounts.TooManyAttempts, avatars.AvatarError, scenes.SceneError, cli.UserError,
                                   config.ConfigError, session_keys.BadKey])
def test_bad_input_is_invalid_and_still_a_value_error(error):
    assert issubclass(error, Invalid) and issubclass(error, StorymakerError) and issubclass(error, ValueError)


def test_the_old_errors_keep_their_attributes():
    assert books.BookError({"title": "A book needs a title."}).fields == {"title": "A book needs a title."}
    problem = scenes.SceneError(["scene 2 has no text"])
    assert problem.problems == ["scene 2 has no text"] and str(problem) == "scene 2 has no text"


def test_a_busy_or_unreachable_library_is_busy():
    for error in (data.LibraryBusy(), data.LibraryReplaced(), data.LibraryUnavailable()):
        assert isinstance(error, Busy) and isinstance(error, StorymakerError)
        assert "Nothing was lost" in str(error)


def test_model_errors_stay_their_own_family():
    assert not issubclass(ModelError, StorymakerError) and issubclass(story.StoryError, ModelError)


def test_every_kind_of_missing_thing_is_the_one_not_found(mock_engine, user):
    book_id = studio.start_book(mock_engine, user.id, BookOptions("The Lighthouse Cat", scene_count=4),
                                make_cast(mock_engine, user.id))
    other = accounts.get_or_create(mock_engine.db(), "grace")
    missing = [lambda: books.own(mock_engine.db(), other.id, book_id),
               lambda: studio.regenerate_page(mock_engine, user.id, book_id, 99),
               lambda: studio.draw_avatar(mock_engine, user.id, 10_000),
               lambda: review.preview(mock_engine, other.id, book_id, 1)]
    for call in missing:
        with pytest.raises(NotFound) as caught:
            call()
        assert isinstance(caught.value, LookupError) and str(caught.value)


def test_the_cli_prints_any_error_of_the_family_without_a_traceback(monkeypatch, capsys):
    def busy(args):
        raise data.LibraryBusy()

    monkeypatch.setattr(cli, "make_book", busy)
    assert cli.main(["make-book", "--title", "T", "--character", "Mia: a girl"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The library is busy") and "Traceback" not in err


def test_the_dead_helpers_are_gone():
    assert not hasattr(storage, "save_picture") and not hasattr(story, "write_story")
    assert not hasattr(studio, "scenes_of") and not hasattr(studio, "book_folder")
    assert not hasattr(review, "NotYours")


def _screen_raising(kind: str) -> None:
    from app_ui import session
    from storymaker import data, errors

    with session.plain_errors():
        raise {"busy": data.LibraryBusy(), "missing": errors.NotFound("There is no book 7 in your library.")}[kind]


@pytest.mark.parametrize("kind, says", [("busy", "The library is busy"), ("missing", "There is no book 7 in your library.")])
def test_any_error_of_the_family_a_screen_does_not_catch_reads_as_a_message(kind, says):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_screen_raising, args=(kind,)).run()
    assert not at.exception
    assert [e.value.replace("\\", "").startswith(says) for e in at.error] == [True]
