"""Settings page: the models in use, a session-only OpenAI key, usage per book."""

from storymaker import session_keys

from .support import click, texts

PAGE = "app_pages/settings.py"
KEY = "sk-proj-TESTKEY-0123456789abcdefghij"


def everything_shown(at) -> str:
    """The page's text (widget values are left out: AppTest keeps what the test typed)."""
    return texts(at) + "\n".join(h.proto.body for h in at.get("html"))


def enter_key(at, key):
    form = at.form(key="session_key")
    form.text_input[0].set_value(key)
    form.button[0].click()
    return at.run()


def test_the_offline_models_are_named_plainly(app_env):
    at = app_env.app(app_env.user(), to=PAGE)
    assert not at.exception
    assert "offline models" in texts(at)
    assert "mock-offline-text` (offline)" in texts(at) and "mock-offline-image` (offline)" in texts(at)


def test_a_session_key_is_used_but_never_shown_or_stored(app_env):
    user = app_env.user()
    at = enter_key(app_env.app(user, to=PAGE), KEY)
    assert not at.exception and not at.error
    assert "A key is set for this session" in texts(at)
    assert "OpenAI-compatible models" in texts(at) and "offline" not in texts(at).split("Your OpenAI key")[0]
    assert KEY not in everything_shown(at)
    assert session_keys.has_key(user.id)
    assert session_keys.key_for(user.id) == KEY
    stored = [p for p in app_env.engine.data_dir.rglob("*") if p.is_file()]
    assert not any(KEY.encode() in p.read_bytes() for p in stored)

    at = click(at, "Forget the key")
    assert not session_keys.has_key(user.id) and "openai_key" not in at.session_state
    assert "offline models" in texts(at)


def test_signing_out_forgets_the_key(app_env):
    user = app_env.user()
    at = enter_key(app_env.app(user, to=PAGE), KEY)
    at.sidebar.button[0].click().run()
    assert not session_keys.has_key(user.id)


def test_a_bad_key_is_refused_without_echoing_it(app_env):
    at = enter_key(app_env.app(app_env.user(), to=PAGE), "not a key")
    assert "does not look like an API key" in at.error[0].value
    assert "not a key" not in everything_shown(at)


def test_usage_per_book(app_env):
    user = app_env.user()
    app_env.ready_book(user, "Counted", scenes=4)
    at = app_env.app(user, to=PAGE)
    table = at.dataframe[0].value
    assert list(table["Book"]) == ["Counted"]
    assert int(table["Pictures"][0]) == 5 and int(table["Text tokens in"][0]) == 100
