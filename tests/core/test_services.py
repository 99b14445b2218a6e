"""Services: the one API of pages, app helpers and the CLI; none of those touches the database itself."""

import re
from pathlib import Path

import pytest

from storymaker import books
from storymaker.services import studio
from storymaker.accounts import AccountError, User
from storymaker.avatars import AvatarError
from storymaker.books import BookOptions
from storymaker.engine import Engine
from storymaker.runner import Runner
from storymaker.services import accounts, characters, usage
from storymaker.services import books as book_service

from tests.fakes.pictures import png

ROOT = Path(__file__).resolve().parents[2]
DATABASE_USE = re.compile(r"\.db\(\)|sqlite_utils|import sqlite")


def callers() -> list[Path]:
    return [ROOT / "router.py", ROOT / "storymaker" / "cli.py",
            *sorted((ROOT / "app_pages").rglob("*.py")), *sorted((ROOT / "app_ui").rglob("*.py"))]


def test_pages_app_helpers_and_the_cli_never_touch_the_database():
    touching = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                for path in callers()
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if DATABASE_USE.search(line)]
    assert len(callers()) > 10  # the scan finds the screens at all
    assert touching == []


def test_sign_up_then_sign_in_and_the_account_check(offline_engine: Engine):
    made = accounts.sign_up(offline_engine, "ada", "a long enough passphrase")
    assert isinstance(made, User)
    assert accounts.sign_in(offline_engine, "ada", "a long enough passphrase", client="test") == made
    with pytest.raises(AccountError):
        accounts.sign_in(offline_engine, "ada", "the wrong passphrase", client="test")
    assert accounts.find(offline_engine, "ADA") == made
    assert accounts.still_exists(offline_engine, made)
    # Ids start again at 1 in a recreated database: the same id under another name is not this account.
    assert not accounts.still_exists(offline_engine, User(made.id, "somebody"))
    assert not accounts.still_exists(offline_engine, User(made.id + 1, "ada"))


def test_an_identity_and_the_command_line_user_get_one_account_each(offline_engine: Engine):
    first = accounts.for_identity(offline_engine, "https://issuer.example", "subject-1")
    assert accounts.for_identity(offline_engine, "https://issuer.example", "subject-1") == first
    local = accounts.local_user(offline_engine)
    assert accounts.local_user(offline_engine) == local != first


def test_a_cast_is_made_changed_and_deleted_for_its_owner_only(offline_engine: Engine):
    ada, bob = accounts.local_user(offline_engine, "ada"), accounts.local_user(offline_engine, "bob")
    mia = characters.create(offline_engine, ada.id, "Mia", "red boots")
    saved = characters.save(offline_engine, ada.id, None, "Pip", "a grey cat", "shy", png())
    assert saved.avatar_path
    assert [c.name for c in characters.list_for(offline_engine, ada.id)] == ["Mia", "Pip"]
    assert characters.get(offline_engine, bob.id, mia.id) is None and characters.list_for(offline_engine, bob.id) == []
    characters.set_avatar(offline_engine, ada.id, mia.id, png())
    assert characters.get(offline_engine, ada.id, mia.id).avatar_path
    with pytest.raises(AvatarError):
        characters.set_avatar(offline_engine, ada.id, mia.id, b"not a picture")
    assert characters.books_using(offline_engine, ada.id, mia.id) == []
    assert not characters.delete(offline_engine, bob.id, mia.id)
    assert characters.delete(offline_engine, ada.id, mia.id)
    assert [c.name for c in characters.list_for(offline_engine, ada.id)] == ["Pip"]


def test_books_counted_listed_found_and_deleted_for_their_owner_only(offline_engine: Engine):
    ada, bob = accounts.local_user(offline_engine, "ada"), accounts.local_user(offline_engine, "bob")
    cast = [characters.create(offline_engine, ada.id, "Mia", "red boots").id]
    book_id = studio.start_book(offline_engine, ada.id, BookOptions("The Lighthouse Cat", scene_count=4), cast)
    Runner(offline_engine).run_until_idle()
    assert book_service.count_for(offline_engine, ada.id) == 1 and book_service.count_for(offline_engine, bob.id) == 0
    assert [b.title for b in book_service.list_for(offline_engine, ada.id)] == ["The Lighthouse Cat"]
    assert book_service.get(offline_engine, ada.id, book_id).status == books.READY
    assert book_service.get(offline_engine, bob.id, book_id) is None
    assert characters.books_using(offline_engine, ada.id, cast[0]) == [(book_id, "The Lighthouse Cat")]
    [row] = usage.for_user(offline_engine, ada.id)
    assert (row.book_id, row.title) == (book_id, "The Lighthouse Cat") and row.usage.calls > 0
    assert usage.for_user(offline_engine, bob.id) == []
    assert not book_service.delete(offline_engine, bob.id, book_id)
    assert book_service.delete(offline_engine, ada.id, book_id)
    assert book_service.count_for(offline_engine, ada.id) == 0
