"""Helpers for the AppTests: the app's own view of a test's data (`AppEnv`), and reading and
clicking a page. The `app_env` fixture that sets it up lives in this folder's conftest.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

from storymaker import accounts, characters
from storymaker.services import sessions, studio
from storymaker.books import BookOptions
from storymaker.runner import Runner
from storymaker.accounts import User
from storymaker.engine import Engine

APP = str(Path(__file__).resolve().parents[2] / "router.py")


@dataclass
class AppEnv:
    engine: Engine  # the test's own view of the same database and folders

    def user(self, name: str = "ada") -> User:
        return accounts.get_or_create(self.engine.db(), name)

    def ready_book(self, user: User, title: str = "The Lighthouse Cat", scenes: int = 4,
                   cast=(("Mia", "a girl with red boots"), ("Pip", "a tiny grey cat"))) -> int:
        """A finished book of `user`'s, made with the mock models."""
        ids = [characters.create(self.engine.db(), user.id, name, look).id for name, look in cast]
        book_id = studio.start_book(self.engine, user.id, BookOptions(title, scene_count=scenes), ids)
        Runner(self.engine).run_until_idle()
        return book_id

    def sign_in(self, user: User) -> int:
        """A live sign-in of `user` (a row in the sessions table), as a signed-in tab holds."""
        session_id, _ticket = sessions.begin(self.engine, user, "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0")
        return session_id

    def app(self, user: User | None = None, to: str | None = None, **query: str) -> AppTest:
        """An AppTest, signed in as `user` when given, on page file `to`, with query params; already run."""
        at = AppTest.from_file(APP, default_timeout=60)
        if user is not None:
            at.session_state["user"] = user
            at.session_state["session_id"] = self.sign_in(user)
            at.session_state["display_name"] = user.username
        for name, value in query.items():
            at.query_params[name] = value
        at.run()
        if to:
            at.switch_page(to)
            for name, value in query.items():
                at.query_params[name] = value
            at.run()
        return at


def texts(at: AppTest) -> str:
    """Everything a person could read on the page, as one string."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success", "toast"):
        parts += [str(e.value) for e in at.get(kind)]
    return "\n".join(parts)


def click(at: AppTest, label: str, index: int = 0) -> AppTest:
    """Click the `index`-th button labelled `label` and run."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} among {[b.label for b in at.button]}"
    return matches[index].click().run()
