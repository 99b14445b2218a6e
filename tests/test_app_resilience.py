"""The app when things go wrong underneath it: ids that do not fit, a wiped data folder,
a library locked by another program, pictures deleted from a finished book.

Each screen says what happened in plain words, keeps what the person typed and never
shows a traceback.
"""

from __future__ import annotations

import pytest

from .app_support import texts

HUGE = "99999999999999999999"  # more than SQLite's largest integer


@pytest.mark.parametrize("page", ["app_pages/reader.py", "app_pages/studio.py"])
@pytest.mark.parametrize("book", [HUGE, str(2**63), "٣"])
def test_an_id_that_does_not_fit_reads_as_book_not_found(app_env, page, book):
    user = app_env.user()
    app_env.ready_book(user)
    at = app_env.app(user, to=page, book=book)
    assert not at.exception
    assert [w.value for w in at.warning] == ["Book not found."]


def test_a_huge_id_in_session_state_opens_no_dialog(app_env):
    user = app_env.user()
    app_env.ready_book(user)
    at = app_env.app(user)
    at.session_state["deleting_book"] = int(HUGE)
    at.switch_page("app_pages/my_books.py").run()
    assert not at.exception
    assert "The Lighthouse Cat" in texts(at) and "Delete this book?" not in texts(at)
