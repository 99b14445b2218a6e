"""The safety checks in the app: a refusal is shown under the field that holds it, in plain words,
what was typed stays and nothing is made; Settings says which checks are active and what was refused.
(The app's offline provider checks with the shipped word list.)"""

from storymaker import books, characters
from storymaker.models import registry
from storymaker.models.base import ModerationModel
from storymaker.models.errors import TransientModelError

from .support import click, texts
from .test_app_characters import fill, new_form, submit

STUDIO, CHARACTERS, SETTINGS = "app_pages/studio.py", "app_pages/characters.py", "app_pages/settings.py"


def form(at):
    return at.main


def test_a_refused_title_is_named_under_it_and_the_typed_words_stay(app_env):
    user = app_env.user()
    mia = characters.create(app_env.engine.db(), user.id, "Mia", "a girl with red boots")
    at = app_env.app(user, to=STUDIO)
    form(at).text_input[0].set_value("The Wolf Beheaded Grandma")
    form(at).text_area[0].set_value("A scary storm at sea")
    form(at).multiselect[0].set_value([mia.id])
    at = at.button(key="studio_generate").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This title mentions graphic violence, which Storymaker does not put in children's books. "
        "(It found “Beheaded”.)",
        "This premise mentions frightening scenes, which Storymaker's strict safety setting keeps out of "
        "children's books. (It found “scary storm”.)"]
    titles = [b.key for b in at.text_input]
    assert "studio_title" in titles and form(at).text_input[0].value == "The Wolf Beheaded Grandma"
    assert books.count_for(app_env.engine.db(), user.id) == 0
    form(at).text_input[0].set_value("The Lighthouse Cat")
    form(at).text_area[0].set_value("Being brave")
    at = at.button(key="studio_generate").click().run()
    assert not at.error and books.count_for(app_env.engine.db(), user.id) == 1


def test_a_refused_character_in_the_cast_is_named_under_characters(app_env):
    user = app_env.user()
    rex = characters.create(app_env.engine.db(), user.id, "Rex", "smokes weed daily")  # made before the checks
    at = app_env.app(user, to=STUDIO)
    form(at).text_input[0].set_value("The Lighthouse Cat")
    form(at).multiselect[0].set_value([rex.id])
    at = at.button(key="studio_generate").click().run()
    [message] = [e.value for e in at.error]
    assert message.startswith("The character Rex mentions drugs or crime") and "Change it in Characters." in message
    assert books.count_for(app_env.engine.db(), user.id) == 0


def test_a_characters_refused_look_is_named_under_the_look_and_nothing_is_saved(app_env):
    user = app_env.user()
    at = app_env.app(user, to=CHARACTERS)
    at = submit(at, fill(new_form(at), "Rex", "a dinosaur who smokes weed", "kind"))
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This look mentions drugs or crime, which Storymaker does not put in children's books. "
        "(It found “smokes weed”.)"]
    assert characters.list_for(app_env.engine.db(), user.id) == []
    assert new_form(at).text_area[0].value == "a dinosaur who smokes weed"  # kept, to be changed
    new_form(at).text_area[0].set_value("a dinosaur who loves apples")
    at = submit(at, new_form(at))
    assert not at.error and [c.look for c in characters.list_for(app_env.engine.db(), user.id)] == [
        "a dinosaur who loves apples"]


def test_a_refused_grid_edit_and_upload_save_nothing_and_say_why(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    before = books.get_scene(app_env.engine.db(), book_id, 2)
    at = app_env.app(user, to=STUDIO, book=str(book_id))
    at.session_state[f"studio_grid_{book_id}_0"] = {"edited_rows": {1: {"text": "Then Pip was stabbed."}}}
    at.run()
    at = click(at, "Save")
    assert not at.exception
    message = at.error[0].value.replace("\\", "")
    assert "Not saved" in message and "page 2, text: it mentions violence" in message
    assert books.get_scene(app_env.engine.db(), book_id, 2) == before

    at = app_env.app(user, to=STUDIO, book=str(book_id))
    rows = ["scene,title,text,illustration,characters"] + [
        f"{n},Page {n},{'They got drunk on vodka.' if n == 3 else 'A quiet day.'},a meadow,Mia" for n in range(1, 5)]
    at.file_uploader[0].set_value(("story.csv", "\n".join(rows).encode(), "text/csv"))
    at.run()
    at = click(at, "Replace the words from this file")
    message = at.error[0].value.replace("\\", "")
    assert "Nothing was changed" in message and "page 3, text: it mentions drugs or crime" in message
    assert books.get_scene(app_env.engine.db(), book_id, 3).text != "They got drunk on vodka."


def test_settings_say_which_checks_are_active_and_what_was_refused(app_env):
    user = app_env.user()
    at = app_env.app(user, to=CHARACTERS)
    submit(at, fill(new_form(at), "Rex", "a dinosaur who smokes weed"))
    at = app_env.app(user, to=SETTINGS)
    assert not at.exception
    shown = texts(at).replace("\\", "")  # Markdown-escaped
    assert "Safety checks" in shown and "word-and-phrase list" in shown and "Strictness: strict" in shown
    assert "offline painter" in shown
    [table] = [frame.value for frame in at.dataframe if "Why" in frame.value.columns]
    assert list(table["What"]) == ["look (typed)"] and list(table["Why"]) == ["drugs or crime"]
    assert list(table["Words"]) == ["a dinosaur who smokes weed"]


class DownChecker(ModerationModel):
    """A moderation service that cannot be reached."""

    def moderate(self, items):
        raise TransientModelError("Could not reach the safety check service; check the network or OPENAI_BASE_URL.")


def test_a_safety_service_that_is_down_starts_nothing_and_says_so(app_env):
    user = app_env.user()
    mia = characters.create(app_env.engine.db(), user.id, "Mia", "a girl with red boots")
    book_id = app_env.ready_book(user)
    with registry.registered("offline", moderation=lambda settings: DownChecker()):
        at = app_env.app(user, to=STUDIO)
        form(at).text_input[0].set_value("The Moon Garden")
        form(at).multiselect[0].set_value([mia.id])
        at = at.button(key="studio_generate").click().run()
        assert not at.exception
        [message] = [e.value for e in at.error]
        assert "could not be made just now" in message and "Nothing was started" in message
        assert books.count_for(app_env.engine.db(), user.id) == 1  # only the book made before
        reader = app_env.app(user, to="app_pages/reader.py", book=str(book_id))
        assert not reader.exception and not reader.error  # reading never waits on a check
