"""A tab's sign-in is a row in the sessions table: made at sign-in, checked every run, ended by
Sign out. (AppTest has no cookies: tests/browser/test_browser_sign_in.py covers them.)"""

import pytest
import hashlib

from storymaker import accounts
from storymaker.services import sessions as service

from tests.peek import sql, value

from .support import texts
from .test_app_gate import sign_in, sign_up

pytestmark = pytest.mark.both_databases  # also on PostgreSQL (see tests/conftest.py)


def live_session(at) -> int:
    session_id = at.session_state["session_id"]
    assert isinstance(session_id, int)
    return session_id


def rows(app_env, session_id) -> list[tuple]:
    return sql(app_env.engine.db(), "SELECT user_id FROM sessions WHERE id = :id", id=session_id)


def test_signing_in_starts_a_session_and_hands_the_page_its_ticket(app_env):
    grace = accounts.sign_up(app_env.engine.db(), "grace", "correct horse")
    at = sign_in(app_env.app(), "grace", "correct horse")
    assert not at.exception and at.title[0].value == "My Books"
    session_id = live_session(at)
    assert rows(app_env, session_id) == [(grace.id,)]
    task = at.session_state["cookie_task"]  # the browser is to trade this ticket for its cookie
    assert task["action"] == "remember"
    stored = value(app_env.engine.db(), "SELECT ticket_hash FROM session_tickets WHERE session_id = :id", id=session_id)
    assert stored == hashlib.sha256(task["ticket"].encode()).hexdigest()


def test_signing_up_starts_a_session_too(app_env):
    at = sign_up(app_env.app(), "grace", "correct horse")
    assert not at.exception and at.title[0].value == "My Books"
    assert rows(app_env, live_session(at)) == [(at.session_state["user"].id,)]


def test_a_sign_in_ended_elsewhere_signs_the_tab_out_at_its_next_run(app_env):
    grace = accounts.sign_up(app_env.engine.db(), "grace", "correct horse")
    at = sign_in(app_env.app(), "grace", "correct horse")
    assert at.title[0].value == "My Books"
    assert service.sign_out_everywhere(app_env.engine, grace) == 1  # as "sign out everywhere" on another device
    at.run()
    assert not at.exception
    assert "You were signed out" in texts(at)
    assert "user" not in at.session_state and "session_id" not in at.session_state
    assert [t.label for t in at.tabs] == ["Sign in", "Create an account"]
    at.run()
    assert "You were signed out" not in texts(at)  # said once


def test_sign_out_ends_this_tabs_session_and_no_other(app_env):
    grace = accounts.sign_up(app_env.engine.db(), "grace", "correct horse")
    other_tab = app_env.app(grace)
    at = sign_in(app_env.app(), "grace", "correct horse")
    session_id = live_session(at)
    at.sidebar.button[0].click().run()
    assert not at.exception and "user" not in at.session_state
    assert rows(app_env, session_id) == []
    other_tab.run()  # another sign-in (another browser's) stays
    assert not other_tab.exception and other_tab.session_state["user"] == grace
    assert rows(app_env, live_session(other_tab)) == [(grace.id,)]

