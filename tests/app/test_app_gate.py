"""The sign-in gate: signed out, only the sign-in page exists; signing up, in and out."""

from pathlib import Path

import pytest

from storymaker import accounts
from app_ui.render import md_escape

from streamlit.testing.v1 import AppTest

from tests.peek import sql

from .support import APP, texts


def test_signed_out_sees_only_the_sign_in_page(app_env):
    at = app_env.app()
    assert not at.exception
    assert at.title[0].value.endswith("Storymaker")
    assert [t.label for t in at.tabs] == ["Sign in", "Create an account"]
    assert "My Books" not in texts(at) and not at.sidebar.button
    for page in ("app_pages/my_books.py", "app_pages/studio.py", "app_pages/characters.py", "app_pages/reader.py",
                 "app_pages/settings.py"):
        with pytest.raises(ValueError):  # not registered: no URL reaches it
            at.switch_page(page)


def test_a_reader_link_while_signed_out_shows_nothing_of_the_book(app_env):
    at = app_env.app(book="1", page="2")
    assert not at.exception and not at.image
    assert at.title[0].value.endswith("Storymaker")


def sign_up(at, username, password):
    form = at.form(key="sign_up")
    form.text_input[0].set_value(username)
    form.text_input[1].set_value(password)
    return form.button[0].click().run()


def sign_in(at, username, password):
    form = at.form(key="sign_in")
    form.text_input[0].set_value(username)
    form.text_input[1].set_value(password)
    return form.button[0].click().run()


def test_sign_up_signs_in_and_stores_only_a_hash(app_env):
    at = sign_up(app_env.app(), "grace", "correct horse")
    assert not at.exception and not at.error
    assert at.session_state["user"].username == "grace"
    assert at.title[0].value == "My Books"
    [(stored,)] = sql(app_env.engine.db(), "SELECT password_hash FROM users WHERE username = 'grace'")
    assert stored.startswith("$argon2id$")


def test_a_bad_sign_up_says_what_to_fix_and_keeps_the_typing(app_env):
    at = sign_up(app_env.app(), "grace", "short")
    assert "at least 8" in at.error[0].value
    assert at.form(key="sign_up").text_input[0].value == "grace"
    assert "user" not in at.session_state


def test_a_wrong_password_gets_the_uniform_message(app_env):
    accounts.sign_up(app_env.engine.db(), "grace", "correct horse")
    at = sign_in(app_env.app(), "grace", "wrong horse")
    assert [e.value for e in at.error] == [md_escape(accounts.WRONG_CREDENTIALS)]  # shown as plain text
    assert "user" not in at.session_state and at.title[0].value.endswith("Storymaker")
    at = sign_in(app_env.app(), "nobody", "wrong horse")
    assert [e.value for e in at.error] == [md_escape(accounts.WRONG_CREDENTIALS)]  # shown as plain text


def test_sign_in_then_sign_out(app_env):
    accounts.sign_up(app_env.engine.db(), "grace", "correct horse")
    at = sign_in(app_env.app(), "grace", "correct horse")
    assert at.title[0].value == "My Books" and "grace" in at.sidebar.caption[0].value
    at.sidebar.button[0].click().run()
    assert "user" not in at.session_state and at.title[0].value.endswith("Storymaker")


def test_sign_out_leaves_a_clean_address_for_the_next_account(app_env):
    grace = accounts.sign_up(app_env.engine.db(), "grace", "correct horse")
    book_id = app_env.ready_book(grace)
    at = app_env.app(grace, to="app_pages/reader.py", book=str(book_id), page="2")
    assert at.subheader[0].value == "Page 2"
    at.sidebar.button[0].click().run()
    assert "user" not in at.session_state and not dict(at.query_params)
    # (the browser journey then makes a new account in that tab and lands on its empty shelf)


def test_a_reader_link_opens_after_signing_in(app_env):
    grace = accounts.sign_up(app_env.engine.db(), "grace", "correct horse")
    book_id = app_env.ready_book(grace)
    at = sign_in(app_env.app(book=str(book_id), page="2"), "grace", "correct horse")
    assert not at.exception
    assert at.subheader[0].value == "Page 2" and at.query_params["page"] == "2"


def test_oidc_sign_in_is_offered_only_when_configured(app_env):
    assert not [b for b in app_env.app().button if "organisation" in b.label]
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "x", "client_secret": "x",
                          "server_metadata_url": "https://issuer.example/.well-known/openid-configuration"}
    at.user = {"is_logged_in": False}
    at.run()
    assert [b for b in at.button if "organisation" in b.label]

    at.user = {"is_logged_in": True, "iss": "https://issuer.example", "sub": "abc", "name": "Grace Hopper"}
    at.run()
    assert not at.exception
    assert at.session_state["user"].username.startswith(accounts.IDENTITY_PREFIX)
    assert at.session_state["display_name"] == "Grace Hopper"


def test_there_is_no_pages_folder():
    # Streamlit runs a folder named pages/ as an old-style multipage app until st.navigation
    # first runs: a fresh server's first request could then open a screen around the gate.
    assert not (Path(APP).parent / "pages").exists()
