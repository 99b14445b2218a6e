"""Characters page: create, edit, delete (asked first), avatars uploaded or drawn."""

import pytest

from storymaker import characters

from tests.fakes import pictures
from .support import click, texts

PAGE = "app_pages/characters.py"


def new_form(at):
    return next(f for f in at.form if f.key and f.key.startswith("new_character_"))


def fill(form, name, look="", personality="", upload=None):
    form.text_input[0].set_value(name)
    form.text_area[0].set_value(look)
    form.text_area[1].set_value(personality)
    if upload is not None:
        form.file_uploader[0].upload(*upload)
    return form


def submit(at, form):
    form.button[0].click()
    return at.run()


def files_under(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_create_a_character_with_an_avatar(app_env):
    user = app_env.user()
    at = app_env.app(user, to=PAGE)
    assert not at.exception and "Create one above" in texts(at)
    at = submit(at, fill(new_form(at), "Pip", "a tiny grey cat", "shy", ("pip.png", pictures.png(), "image/png")))
    assert not at.exception and not at.error
    [pip] = characters.list_for(app_env.engine.db(), user.id)
    assert (pip.name, pip.look, pip.personality) == ("Pip", "a tiny grey cat", "shy") and pip.avatar_path
    assert "Saved Pip." in texts(at) and len(at.image) == 1
    assert new_form(at).text_input[0].value == ""  # a fresh form for the next one


def test_a_jpeg_with_gps_is_stored_without_any_exif(app_env):
    user = app_env.user()
    at = app_env.app(user, to=PAGE)
    assert pictures.has_gps(pictures.jpeg_with_gps())
    submit(at, fill(new_form(at), "Mia", upload=("mia.jpg", pictures.jpeg_with_gps(), "image/jpeg")))
    [mia] = characters.list_for(app_env.engine.db(), user.id)
    stored = (app_env.engine.data_dir / mia.avatar_path).read_bytes()
    assert stored.startswith(b"\x89PNG") and not pictures.has_gps(stored) and b"SpyCam" not in stored


@pytest.mark.parametrize("name, data, message", [
    ("bomb.png", pictures.decompression_bomb(), "too many pixels"),
    ("cat.png", pictures.not_a_picture(), "not a picture"),
    ("huge.png", pictures.oversized(), "too large"),
])
def test_a_bad_avatar_saves_nothing_and_keeps_the_typing(app_env, name, data, message):
    user = app_env.user()
    at = app_env.app(user, to=PAGE)
    at = submit(at, fill(new_form(at), "Pip", "a tiny grey cat", "shy", (name, data, "image/png")))
    assert not at.exception
    assert message in at.error[0].value and at.error[0].value.startswith("Not saved")
    assert characters.list_for(app_env.engine.db(), user.id) == []
    assert files_under(app_env.engine.data_dir / "avatars") == []
    form = new_form(at)
    assert (form.text_input[0].value, form.text_area[0].value, form.text_area[1].value) == ("Pip", "a tiny grey cat", "shy")


def test_a_character_needs_a_name(app_env):
    at = app_env.app(app_env.user(), to=PAGE)
    at = submit(at, fill(new_form(at), "", "a tiny grey cat"))
    assert "needs a name" in at.error[0].value
    assert new_form(at).text_area[0].value == "a tiny grey cat"


def test_edit_a_character(app_env):
    user = app_env.user()
    pip = characters.create(app_env.engine.db(), user.id, "Pip", "a grey cat")
    at = app_env.app(user, to=PAGE)
    at = click(at, "Edit")
    form = at.form(key=f"edit_character_{pip.id}")
    assert form.text_input[0].value == "Pip"
    form.text_area[0].set_value("a grey cat with a white tail")
    form.button[0].click()
    at.run()
    assert not at.exception and "Saved Pip." in texts(at)
    assert characters.get(app_env.engine.db(), user.id, pip.id).look == "a grey cat with a white tail"
    assert not [f for f in at.form if f.key.startswith("edit_character_")]


def test_delete_asks_first_and_names_the_books_using_the_character(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user, "Pip at Sea")
    pip = next(c for c in characters.list_for(app_env.engine.db(), user.id) if c.name == "Pip")
    at = app_env.app(user, to=PAGE)
    at = click(at, "Delete", index=[c.name for c in characters.list_for(app_env.engine.db(), user.id)].index("Pip"))
    assert "Pip at Sea" in texts(at) and "keep their own copy" in texts(at)
    assert characters.get(app_env.engine.db(), user.id, pip.id) is not None  # only asked so far
    at = click(at, "Keep")
    assert characters.get(app_env.engine.db(), user.id, pip.id) is not None
    at = click(at, "Delete", index=1)
    at = click(at, "Delete", index=2)  # the dialog's button comes after the cards'
    assert not at.exception and "Deleted Pip." in texts(at)
    assert characters.get(app_env.engine.db(), user.id, pip.id) is None
    assert characters.books_using(app_env.engine.db(), user.id, pip.id) == []
    assert book_id  # the book itself stays


def test_draw_an_avatar_with_the_current_model(app_env):
    user = app_env.user()
    pip = characters.create(app_env.engine.db(), user.id, "Pip", "a grey cat")
    at = app_env.app(user, to=PAGE)
    assert "offline models" in texts(at)
    at = click(at, "Draw an avatar")
    assert not at.exception and "Drew a new avatar for Pip." in texts(at)
    assert characters.get(app_env.engine.db(), user.id, pip.id).avatar_path
    assert len(at.image) == 1


def test_a_model_error_while_drawing_is_a_message_not_a_traceback(app_env):
    from storymaker.models import registry
    from storymaker.models.errors import ModelConfigError

    from tests.fakes.models import OfflineImage

    class RefusingImage(OfflineImage):
        def draw(self, request):
            raise ModelConfigError("The image service did not accept the API key.")

    user = app_env.user()
    characters.create(app_env.engine.db(), user.id, "Pip", "a grey cat")
    with registry.registered("offline", image=lambda settings: RefusingImage()):
        at = click(app_env.app(user, to=PAGE), "Draw an avatar")
    assert not at.exception
    assert "did not accept the API key" in at.error[0].value


def test_a_pronoun_is_chosen_in_the_form(app_env):
    user = app_env.user()
    at = app_env.app(user, to=PAGE)
    form = fill(new_form(at), "Pip", "a tiny grey cat")
    assert form.selectbox[0].label == "Pronoun" and form.selectbox[0].value == ""  # from the look
    form.selectbox[0].set_value("she")
    at = submit(at, form)
    assert not at.exception and "Saved Pip." in texts(at)
    [pip] = characters.list_for(app_env.engine.db(), user.id)
    assert pip.pronoun == "she"
    at = click(at, "Edit")
    assert at.form(key=f"edit_character_{pip.id}").selectbox[0].value == "she"
