"""User B sees nothing of user A's books, pages or characters, whatever the URL or session state says."""

import pytest

from storymaker import books, characters

from .support import texts

pytestmark = pytest.mark.both_databases  # also on PostgreSQL (see tests/conftest.py)

SECRET_TITLE = "Ada's Secret Diary"


@pytest.fixture
def two_users(app_env):
    ada, bob = app_env.user("ada"), app_env.user("bob")
    book_id = app_env.ready_book(ada, SECRET_TITLE, cast=(("Zelda", "a tall heron"), ("Quill", "an old owl")))
    secret = characters.create(app_env.engine.db(), ada.id, "Hidden Hannah", "a secret look")
    return app_env, ada, bob, book_id, secret


def shows_nothing_of_ada(at) -> None:
    assert not at.exception
    shown = texts(at) + "\n".join(h.proto.body for h in at.get("html"))
    for word in (SECRET_TITLE, "Hidden Hannah", "secret look", "Something lovely", "Zelda", "Quill", "heron"):
        assert word not in shown
    assert not at.image


@pytest.mark.parametrize("page", [None, "0", "1", "3", "99"])
def test_b_opening_as_book_or_page_by_link_finds_nothing(two_users, page):
    env, _, bob, book_id, _ = two_users
    query = {"book": str(book_id)} | ({"page": page} if page else {})
    at = env.app(bob, to="app_pages/reader.py", **query)
    shows_nothing_of_ada(at)
    assert [w.value for w in at.warning] == ["Book not found."]


def test_b_s_screens_list_nothing_of_a(two_users):
    env, _, bob, _, _ = two_users
    for page in ("app_pages/my_books.py", "app_pages/characters.py", "app_pages/settings.py"):
        shows_nothing_of_ada(env.app(bob, to=page))
    at = env.app(bob, to="app_pages/reader.py")
    assert "There is no book to read yet." in texts(at)


def test_b_naming_as_book_or_character_in_session_state_changes_nothing(two_users):
    env, ada, bob, book_id, secret = two_users
    for page, state in (
        ("app_pages/characters.py", {"editing_character": secret.id}),
        ("app_pages/characters.py", {"deleting_character": secret.id}),
        ("app_pages/my_books.py", {"deleting_book": book_id}),
    ):
        at = env.app(bob)
        for name, value in state.items():
            at.session_state[name] = value
        at.switch_page(page).run()
        shows_nothing_of_ada(at)
        assert not [b for b in at.button if b.label in ("Delete", "Keep", "Save")]
    assert characters.get(env.engine.db(), ada.id, secret.id) is not None
    assert books.get(env.engine.db(), ada.id, book_id) is not None


def test_a_reader_link_followed_by_b_after_signing_in_finds_nothing(two_users):
    env, _, _, book_id, _ = two_users
    from storymaker import accounts

    from .test_app_gate import sign_in
    accounts.sign_up(env.engine.db(), "carol", "correct horse")
    at = sign_in(env.app(book=str(book_id), page="1"), "carol", "correct horse")
    shows_nothing_of_ada(at)
    assert [w.value for w in at.warning] == ["Book not found."]
