"""The Studio's Narration section: offline it explains the browser's voices; with a key, Make
narration makes every page's narration (inline jobs here), the voice can be changed, and
Settings counts the characters narrated."""

from storymaker import session_keys
from storymaker.services import narration as service
from storymaker.services import review

from .support import click, texts

PAGE = "app_pages/studio.py"
KEY = "sk-test-0123456789abcdef"


def test_offline_the_studio_says_read_aloud_uses_the_browsers_voices(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert not at.exception
    shown = texts(at)
    assert "Narration" in shown and "browser's own voices" in shown
    assert not [b for b in at.button if b.label == "Make narration"]


def test_with_a_key_make_narration_narrates_every_page_and_settings_counts_it(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    session_keys.register(user.id, KEY)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert "No narration yet" in texts(at)
    voice = at.selectbox(key=f"narration_voice_{book_id}_coral")
    assert voice.value == "coral" and "Sage" in voice.options
    at = click(at, "Make narration")
    assert not at.exception
    assert "Making narration for 5 pages." in texts(at)
    assert "Every page is narrated by Coral" in texts(at)
    assert not [b for b in at.button if b.label == "Make narration" and not b.disabled]

    # An edited page: only it is left to narrate.
    review.save_edits(app_env.engine, user.id, book_id, {2: {"text": "Pip sang a song to the moon."}})
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert "4 of 5 pages narrated" in texts(at)
    at = click(at, "Narrate the other 1 page")
    assert "Every page is narrated" in texts(at)

    settings = app_env.app(user, to="app_pages/settings.py")
    table = settings.dataframe[0].value
    assert int(table["Characters narrated"].iloc[0]) > 0


def test_choosing_another_voice_is_kept_for_the_book(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    session_keys.register(user.id, KEY)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.selectbox(key=f"narration_voice_{book_id}_coral").set_value("sage").run()
    assert not at.exception
    assert service.status(app_env.engine, user.id, book_id).voice == "sage"
    assert at.selectbox(key=f"narration_voice_{book_id}_sage").value == "sage"  # and the picker says so


def test_the_reader_gives_the_player_the_pages_narration(app_env):
    import json

    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to="app_pages/reader.py", book=str(book_id), page="1")
    assert not at.exception
    assert "data:audio" not in json.dumps([str(getattr(node, "proto", "")) for node in _all(at)])

    session_keys.register(user.id, KEY)
    from storymaker.models import keys
    from storymaker.runner import Runner

    with keys.using(KEY):  # as the app's own runs and jobs do for this person
        service.make(app_env.engine, user.id, book_id)
        Runner(app_env.engine).run_until_idle()
    at = app_env.app(user, to="app_pages/reader.py", book=str(book_id), page="1")
    assert not at.exception
    sent = json.dumps([str(getattr(node, "proto", "")) for node in _all(at)])
    assert "data:audio/mpeg;base64," in sent and "Coral" in sent


def _all(at):
    found, todo = [], [at._tree]
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(getattr(node, "children", {}).values())
    return found
