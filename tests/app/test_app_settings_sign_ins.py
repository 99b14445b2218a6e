"""Settings: where you are signed in (Sign out per place, everywhere) and changing your password."""

from storymaker import accounts
from storymaker.data import sessions as stored_sessions
from storymaker.services import sessions

from .support import click, texts

PAGE = "app_pages/settings.py"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PASSWORD = "correct horse battery"


def live(app_env, user) -> set[int]:
    return {place.id for place in sessions.places(app_env.engine, user)}


def test_every_place_is_listed_and_one_can_be_signed_out(app_env):
    user = app_env.user()
    elsewhere, _ = sessions.begin(app_env.engine, user, FIREFOX)
    at = app_env.app(user, to=PAGE)
    here = at.session_state["session_id"]
    shown = texts(at)
    assert "Chrome on Linux · **this browser**" in shown and "Firefox on Windows" in shown
    assert live(app_env, user) == {here, elsewhere}

    at.button(key=f"sign_out_{elsewhere}").click().run()
    assert not at.exception
    assert live(app_env, user) == {here}
    assert "Signed out Firefox on Windows." in texts(at) and "Firefox on Windows" not in texts(at).replace(
        "Signed out Firefox on Windows.", "")


def test_sign_out_everywhere_ends_this_sign_in_too(app_env):
    user = app_env.user()
    sessions.begin(app_env.engine, user, FIREFOX)
    at = click(app_env.app(user, to=PAGE), "Sign out everywhere")
    assert not at.exception
    assert live(app_env, user) == set()
    assert [t.label for t in at.tabs][:2] == ["Sign in", "Create an account"]


def change(at, current: str, new: str, repeat: str | None = None):
    form = at.form(key="change_password")
    form.text_input(key="password_current").set_value(current)
    form.text_input(key="password_new").set_value(new)
    form.text_input(key="password_repeat").set_value(new if repeat is None else repeat)
    form.button[0].click()
    return at.run()


def test_changing_the_password_signs_out_every_other_place(app_env):
    db = app_env.engine.db()
    user = accounts.sign_up(db, "grace", PASSWORD)
    elsewhere, _ = sessions.begin(app_env.engine, user, FIREFOX)
    at = app_env.app(user, to=PAGE)
    here = at.session_state["session_id"]

    at = change(at, "not my password", "a brand new secret")
    assert [e.value for e in at.error] == ["That is not your current password\\."]  # escaped Markdown
    at = change(at, PASSWORD, "a brand new secret", "a brand new secreT")
    assert [e.value for e in at.error] == ["The two new passwords are not the same."]
    assert live(app_env, user) == {here, elsewhere}  # nothing changed yet

    at = change(at, PASSWORD, "a brand new secret")
    assert not at.exception and not at.error
    assert "Password changed. Signed out 1 other place." in texts(at)
    assert live(app_env, user) == {here}
    assert at.form(key="change_password").text_input(key="password_new").value == ""
    assert accounts.sign_in(db, "grace", "a brand new secret") == user
    try:
        accounts.sign_in(db, "grace", PASSWORD)
    except accounts.AccountError:
        pass
    else:
        raise AssertionError("the old password still signs in")
    assert stored_sessions.find(db, elsewhere, 0.0) is None


def test_an_organisation_account_has_no_password_to_change(app_env):
    user = accounts.for_identity(app_env.engine.db(), "https://id.example", "subject-1")
    at = app_env.app(user, to=PAGE)
    assert not at.exception
    assert "change your password there" in texts(at)
    assert not [f for f in at.get("form") if getattr(f, "key", None) == "change_password"]
