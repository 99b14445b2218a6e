"""The sign-in page: the throttle's message, the client it counts, and no server credentials shown."""

import pytest

from storymaker import accounts
from app_ui.session import client_from

from .support import texts
from .test_app_gate import sign_in, sign_up

SERVER = "https://robot:hunter2-secret@llm.example.com:8443/v1?api-key=k3y-in-query"


def test_repeated_wrong_passwords_get_a_wait_not_a_traceback(app_env, monkeypatch):
    # Time stands still, so the wait is still on however slowly the attempts run (AppTest runs in-process).
    monkeypatch.setattr(accounts, "_clock", lambda: 1_000_000.0)
    accounts.sign_up(app_env.engine.db(), "grace", "correct horse")
    at = app_env.app()
    for _ in range(accounts.USER_FREE):
        at = sign_in(at, "grace", "wrong horse")
        assert [e.value.replace("\\", "") for e in at.error] == [accounts.WRONG_CREDENTIALS]  # shown escaped
    at = sign_in(at, "GRACE", "correct horse")
    assert not at.exception and "Too many attempts" in at.error[0].value
    assert "user" not in at.session_state
    assert at.form(key="sign_in").text_input[0].value == "GRACE"  # the typing is kept


@pytest.mark.parametrize("password, message", [
    ("          ", "only spaces"),
    ("password123", "most common"),
])
def test_weak_passwords_are_refused_with_the_reason(app_env, password, message):
    at = sign_up(app_env.app(), "grace", password)
    assert not at.exception and message in at.error[0].value
    assert "user" not in at.session_state


def test_a_look_alike_username_is_refused(app_env):
    accounts.sign_up(app_env.engine.db(), "alice", "correct horse")
    at = sign_up(app_env.app(), "\u0430lice", "correct horse")  # a Cyrillic a
    assert "looks too much like" in at.error[0].value and "user" not in at.session_state


@pytest.mark.parametrize("headers, ip, client", [
    ({"X-Forwarded-For": "203.0.113.7, 10.0.0.2"}, "10.0.0.2", "203.0.113.7"),
    ({}, "198.51.100.4", "198.51.100.4"),
    ({}, None, ""),
    (None, None, ""),
])
def test_the_client_is_the_first_forwarded_address_or_the_connection(headers, ip, client):
    assert client_from(headers, ip) == client


@pytest.mark.parametrize("page", [None, "app_pages/settings.py"])
def test_the_server_is_shown_by_its_host_only(app_env, monkeypatch, page):
    monkeypatch.setenv("STORYMAKER_PROVIDER", "openai")
    monkeypatch.setenv("OPENAI_BASE_URL", SERVER)
    at = app_env.app(app_env.user() if page else None, to=page)
    assert not at.exception
    shown = texts(at)
    assert "llm.example.com:8443" in shown
    assert "hunter2" not in shown and "robot" not in shown and "k3y" not in shown
