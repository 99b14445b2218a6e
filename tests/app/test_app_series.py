"""New adventure with this cast: the button on a ready book opens the Studio's form prefilled (cast,
style, age band, language; title and premise empty; the series noted), Generate stores the series,
and My Books shows a series' books together, under a header that shows titles as written."""

from storymaker import books, characters
from storymaker.books import BookOptions
from storymaker.runner import Runner
from storymaker.services import studio
from app_ui.render import md_escape

from .support import click, texts

PAGE = "app_pages/studio.py"
LINK = "[Verify](https://evil.example)"


def first_book(env, user, title="The Lighthouse Cat"):
    """A ready crayon book for ages 3-5 in French, with Mia, Pip and Tom; Pip then deleted."""
    ids = [characters.create(env.engine.db(), user.id, name, f"{name} look").id for name in ("Mia", "Pip", "Tom")]
    book_id = studio.start_book(env.engine, user.id, BookOptions(title, premise="being brave", age_band="3-5",
                                style="crayon", language="French", scene_count=5), ids)
    Runner(env.engine).run_until_idle()
    characters.delete(env.engine.db(), env.engine.store, user.id, ids[1])
    return book_id, ids


def test_the_button_opens_the_form_prefilled_and_generate_continues_the_series(app_env):
    user = app_env.user()
    first, (mia, _pip, tom) = first_book(app_env, user)
    at = app_env.app(user, to=PAGE, book=str(first))
    at = click(at, "New adventure with this cast")
    assert not at.exception
    assert at.query_params["after"] == str(first) and "book" not in at.query_params
    assert at.multiselect(key="studio_characters").value == [mia, tom]
    assert at.radio(key="studio_age_band").value == "3-5"
    assert at.selectbox(key="studio_language").value == "French"
    assert at.number_input(key="studio_scene_count").value == 5
    assert {b.label for b in at.button if (b.key or "").startswith("studio_style_") and b.proto.type == "primary"} \
        == {"Crayon"}
    assert at.text_input(key="studio_title").value in ("", None)
    assert at.text_area(key="studio_premise").value in ("", None)
    box = at.checkbox(key="studio_in_series")
    assert box.value is True and box.label == "Book 2 in the series of “The Lighthouse Cat”"
    assert md_escape("Pip is no longer in your characters.") in texts(at)

    at.text_input(key="studio_title").input("The Lost Star").run()
    at = at.button(key="studio_generate").click().run()
    assert not at.exception
    new = int(at.query_params["book"])
    book = books.get(app_env.engine.db(), user.id, new)
    assert book.series_id == first and (book.age_band, book.style, book.language) == ("3-5", "crayon", "French")
    assert [c.name for c in book.cast] == ["Mia", "Tom"]


def test_unticking_the_series_makes_a_book_of_its_own(app_env):
    user = app_env.user()
    first, _ = first_book(app_env, user)
    at = app_env.app(user, to=PAGE, after=str(first))
    at.checkbox(key="studio_in_series").uncheck().run()
    at.text_input(key="studio_title").input("Something Else").run()
    at = at.button(key="studio_generate").click().run()
    assert not at.exception
    assert books.get(app_env.engine.db(), user.id, int(at.query_params["book"])).series_id is None


def test_a_book_that_is_not_yours_prefills_nothing(app_env):
    owner, other = app_env.user("ada"), app_env.user("bob")
    first, _ = first_book(app_env, owner, title="Ada's Secret")
    at = app_env.app(other, to=PAGE, after=str(first))
    assert not at.exception
    assert "not in your library" in texts(at) and "Ada's Secret" not in texts(at)
    assert not at.get("checkbox")


def test_my_books_shows_a_series_together_with_titles_as_written(app_env):
    user = app_env.user()
    first, (mia, _pip, tom) = first_book(app_env, user, title=LINK)
    app_env.ready_book(user, "A Book Of Its Own", cast=(("Ada", "a girl"),))
    second = studio.start_book(app_env.engine, user.id, BookOptions("The Lost Star", scene_count=4), [mia, tom],
                               sequel_of=first)
    Runner(app_env.engine).run_until_idle()
    at = app_env.app(user)
    assert not at.exception
    assert [h.value for h in at.subheader] == [f"Series: {md_escape(LINK)} · 2 books"]
    cards = [m.value for m in at.markdown if m.value.startswith("**")]
    assert cards == [f"**{md_escape(LINK)}**", "**The Lost Star**", "**A Book Of Its Own**"]  # the series first
    assert "Book 1 of 2 in the series" in texts(at) and "Book 2 of 2 in the series" in texts(at)
    links = [link for link in at.get("page_link") if link.label == "New adventure"]
    assert len(links) == 3 and {f"after={first}", f"after={second}"} <= {link.proto.query_string for link in links}
