"""Studio page: the form and its field messages, Generate to a grid, edits saved (and kept while
unsaved), CSV download and upload, whole-book actions, the preview, and nobody else's book.

AppTest cannot type into a data_editor or click a ButtonColumn cell: an edit is seeded the way
Streamlit stores it (`{"edited_rows": {position: {column: value}}}` under the editor's key) and
the row buttons are covered by the browser test (tests/browser/test_browser_studio.py).
"""

import base64

import pytest

from storymaker import books, prompts, storage
from storymaker.services import review, studio
from storymaker.books import BookOptions
from storymaker.models import registry
from storymaker.runner import Runner
from storymaker.scenes import parse_csv

from tests.fakes.models import OfflineText

from .support import click, texts

PAGE = "app_pages/studio.py"


def editor_key(book_id: int, generation: int = 0) -> str:
    return f"studio_grid_{book_id}_{generation}"


def cast(env, user, *names):
    return [studio.characters.create(env.engine.db(), user.id, name, f"{name} look").id for name in names]


def form(at):
    return at.main  # the new-book fields sit in a bordered container, not an st.form


def generate(at):
    return at.button(key="studio_generate").click().run()


def style_buttons(at) -> dict[str, str]:
    """Each art style card's button: label -> its type ("primary" marks the chosen style)."""
    return {b.label: b.proto.type for b in at.button if (b.key or "").startswith("studio_style_")}


def stored_csv(env, book_id, count=4, names=("Mia", "Pip")):
    path = storage.story_path(storage.book_dir(env.engine.books_dir, book_id))
    return parse_csv(path.read_bytes(), count, list(names))


# ---------------------------------------------------------------- step 1: the form


def test_the_form_offers_the_book_s_options_with_style_previews(app_env):
    user = app_env.user()
    cast(app_env, user, "Mia", "Pip")
    at = app_env.app(user, to=PAGE)
    assert not at.exception
    assert at.title[0].value == "Studio" and "offline models" in texts(at)
    f = form(at)
    assert [t.label for t in f.text_input] == ["Title", "Author (shown as 'by ...' on the title page)"]
    assert f.text_input[1].value == "ada"  # the account's display name, until another is typed
    assert f.multiselect[0].label == "Characters" and f.multiselect[0].options == ["Mia", "Pip"]
    assert [r.label for r in f.radio] == ["Age band"] and f.radio[0].value == "6-8"
    assert f.selectbox[0].label == "Language" and f.selectbox[0].value == "English"
    assert f.number_input[0].value == 10
    assert len(at.image) == 6  # a small painted sample of each art style, each with its button
    assert list(style_buttons(at).items())[:3] == [("Watercolour", "primary"), ("Crayon", "tertiary"),
                                                  ("Storybook ink", "tertiary")]


def test_the_author_line_is_stored_with_the_book(app_env):
    user = app_env.user()
    ids = cast(app_env, user, "Mia")
    at = app_env.app(user, to=PAGE)
    form(at).text_input[0].set_value("The Moon Garden")
    form(at).text_input[1].set_value("  Grandma\u200b Rose ")
    form(at).multiselect[0].set_value(ids)
    at = generate(at)
    assert not at.error and books.list_for(app_env.engine.db(), user.id)[0].author == "Grandma Rose"


def test_clicking_a_style_sample_chooses_that_style(app_env):
    user = app_env.user()
    cast(app_env, user, "Mia")
    at = app_env.app(user, to=PAGE)
    at = at.button(key="studio_style_crayon").click().run()
    assert not at.exception
    assert [label for label, kind in style_buttons(at).items() if kind == "primary"] == ["Crayon"]
    assert at.session_state["studio_style"] == "crayon"


def test_a_field_s_message_goes_as_soon_as_it_is_fixed(app_env):
    user = app_env.user()
    ids = cast(app_env, user, "Mia")
    at = generate(app_env.app(user, to=PAGE))
    assert [e.value for e in at.error] == ["A book needs a title.", "Choose at least one character."]
    form(at).text_input[0].set_value("The Moon Garden")
    at.run()  # the title field changed (no Generate yet)
    assert [e.value for e in at.error] == ["Choose at least one character."]
    form(at).multiselect[0].set_value(ids)
    at.run()
    assert not at.error and books.count_for(app_env.engine.db(), user.id) == 0


def test_a_scene_count_out_of_range_gets_our_message_under_the_field(app_env):
    user = app_env.user()
    ids = cast(app_env, user, "Mia")
    at = app_env.app(user, to=PAGE)
    form(at).number_input[0].set_value(20)
    at.run()
    assert not at.exception and [e.value for e in at.error] == ["A book has 4 to 16 scenes."]
    form(at).text_input[0].set_value("Too Long")
    form(at).multiselect[0].set_value(ids)
    at = generate(at)
    assert [e.value for e in at.error] == ["A book has 4 to 16 scenes."] and books.count_for(app_env.engine.db(), user.id) == 0
    form(at).number_input[0].set_value(3)
    at.run()
    assert [e.value for e in at.error] == ["A book has 4 to 16 scenes."]
    form(at).number_input[0].set_value(16)
    at = generate(at)
    assert not at.error and books.list_for(app_env.engine.db(), user.id)[0].scene_count == 16


def test_missing_title_and_characters_are_named_next_to_their_fields(app_env):
    user = app_env.user()
    ids = cast(app_env, user, "Mia")
    at = app_env.app(user, to=PAGE)
    form(at).text_area[0].set_value("Be brave")
    at = generate(at)
    assert not at.exception
    assert [e.value for e in at.error] == ["A book needs a title.", "Choose at least one character."]
    assert books.count_for(app_env.engine.db(), user.id) == 0
    assert form(at).text_area[0].value == "Be brave"  # nothing typed is lost
    form(at).text_input[0].set_value("  ")
    form(at).multiselect[0].set_value(ids)
    at = generate(at)
    assert [e.value for e in at.error] == ["A book needs a title."]  # whitespace is no title


def test_without_characters_the_form_links_to_characters(app_env):
    at = app_env.app(app_env.user(), to=PAGE)
    assert "you have none yet" in texts(at)
    assert [link.label for link in at.get("page_link") if "characters" in link.label.lower()]


def test_generate_makes_the_book_and_ends_in_a_grid_with_thumbnails(app_env):
    user = app_env.user()
    ids = cast(app_env, user, "Mia", "Pip")
    at = app_env.app(user, to=PAGE)
    f = form(at)
    f.text_input[0].set_value("The Moon Garden")
    f.multiselect[0].set_value(ids)
    at.button(key="studio_style_crayon").click()
    f.number_input[0].set_value(6)
    at = generate(at)
    assert not at.exception
    [book] = books.list_for(app_env.engine.db(), user.id)
    assert (book.title, book.style, book.scene_count, book.status) == ("The Moon Garden", "crayon", 6, books.READY)
    assert at.query_params["book"] == str(book.id)
    assert at.title[0].value == "The Moon Garden" and "Ready" in texts(at)
    grid = at.data_editor[0].value
    assert list(grid["scene"]) == [1, 2, 3, 4, 5, 6]
    for uri in grid["picture"]:
        assert uri.startswith("data:image/webp;base64,")
        assert base64.b64decode(uri.split(",", 1)[1])[:4] == b"RIFF"
    assert set(grid["status"]) == {"drawn"}
    assert list(grid["characters"][0]) in (["Mia"], ["Pip"], ["Mia", "Pip"])
    at = click(at, "Start another book")
    assert "book" not in at.query_params and form(at).text_input[0].value == ""  # a fresh form


class EnglishOnlyText(OfflineText):
    languages = ("English",)


def test_a_language_the_offline_writer_cannot_write_is_said_plainly(app_env):
    user = app_env.user()
    ids = cast(app_env, user, "Mia")
    with registry.registered("offline", text=lambda settings: EnglishOnlyText()):
        at = app_env.app(user, to=PAGE)
        f = form(at)
        f.text_input[0].set_value("El Gato")
        f.multiselect[0].set_value(ids)
        f.selectbox[0].set_value("Spanish")
        at = generate(at)
    assert not at.exception
    assert "cannot write Spanish" in at.warning[0].value
    assert "cannot write Spanish" in texts(at)


# ---------------------------------------------------------------- step 2: progress and the grid


def test_a_book_being_made_shows_progress_and_no_grid_yet(app_env):
    user = app_env.user()
    book_id = studio.start_book(app_env.engine, user.id, BookOptions("Still Painting", scene_count=4),
                                cast(app_env, user, "Mia"))  # queued, not run
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert not at.exception
    assert "Writing the story" in texts(at) and "Generating" in texts(at)
    assert not at.data_editor and [b for b in at.button if b.label == "Cancel"]
    at = click(at, "Cancel")
    assert not at.exception
    assert books.get(app_env.engine.db(), user.id, book_id).status == books.CANCELED
    assert "Canceled" in texts(at)


def test_a_saved_edit_reaches_the_database_and_story_csv(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[editor_key(book_id)] = {"edited_rows": {1: {"text": "Pip waves at the moon."},
                                                             2: {"characters": ["Pip"]}}}
    at.run()
    assert "Unsaved edits on pages 2, 3" in at.warning[0].value
    assert books.scene_rows(app_env.engine.db(), book_id)[1].scene.text != "Pip waves at the moon."
    at = click(at, "Save")
    assert not at.exception and "Saved pages 2, 3." in texts(at) and not at.warning
    rows = books.scene_rows(app_env.engine.db(), book_id)
    assert rows[1].scene.text == "Pip waves at the moon." and rows[2].scene.characters == ("Pip",)
    assert stored_csv(app_env, book_id)[1].text == "Pip waves at the moon."
    assert stored_csv(app_env, book_id)[2].characters == ("Pip",)
    assert at.data_editor[0].value["text"][1] == "Pip waves at the moon."


def test_a_bad_edit_saves_nothing_lists_the_problems_and_keeps_the_edits(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    before = stored_csv(app_env, book_id)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[editor_key(book_id)] = {"edited_rows": {0: {"title": "New"}, 2: {"text": "  "}}}
    at.run()
    at = click(at, "Save")
    assert not at.exception
    assert "Not saved" in at.error[0].value and "text is empty" in at.error[0].value
    assert stored_csv(app_env, book_id) == before
    assert books.scene_rows(app_env.engine.db(), book_id)[0].scene.title == before[0].title
    assert "Unsaved edits on pages 1, 3" in at.warning[0].value
    assert at.data_editor[0].value["title"][0] == "New"


def test_unsaved_edits_survive_a_redrawn_thumbnail_and_a_visit_elsewhere(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[editor_key(book_id)] = {"edited_rows": {1: {"text": "Edited, not saved."}}}
    at.run()
    old_picture = at.data_editor[0].value["picture"][3]
    studio.regenerate_page(app_env.engine, user.id, book_id, 4)  # page 4's thumbnail changes under the edit
    Runner(app_env.engine).run_until_idle()
    at.run()
    grid = at.data_editor[0].value
    assert grid["picture"][3] != old_picture and grid["text"][1] == "Edited, not saved."
    assert at.session_state[editor_key(book_id)]["edited_rows"] == {1: {"text": "Edited, not saved."}}
    at.switch_page("app_pages/my_books.py").run()  # the editor is gone from this run...
    at.switch_page(PAGE)
    at.query_params["book"] = str(book_id)
    at.run()
    assert at.data_editor[0].value["text"][1] == "Edited, not saved."  # ...the edit is not
    assert "Unsaved edits on page 2" in at.warning[0].value
    at = click(at, "Discard edits")
    assert not at.warning and at.data_editor[0].value["text"][1] != "Edited, not saved."


def test_an_edit_back_to_the_saved_words_is_no_unsaved_edit(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    saved = books.scene_rows(app_env.engine.db(), book_id)[0].scene.title
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[editor_key(book_id)] = {"edited_rows": {0: {"title": saved}}}
    at.run()
    assert not at.warning and [b.disabled for b in at.button if b.label == "Save"] == [True]


def test_story_csv_downloads_and_a_good_upload_replaces_the_words(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert at.download_button(key="studio_download").label == "Download story.csv"
    good = review.export_csv(app_env.engine, user.id, book_id).decode().replace("Page 1,", "The Very First Page,")
    at.file_uploader[0].set_value(("story.csv", good.encode(), "text/csv"))
    at.run()
    at = click(at, "Replace the words from this file")
    assert not at.exception and "Replaced the words of all 4 pages from story.csv." in texts(at).replace("\\", "")
    assert books.scene_rows(app_env.engine.db(), book_id)[0].scene.title == "The Very First Page"
    assert at.data_editor[0].value["title"][0] == "The Very First Page"
    assert not at.file_uploader[0].value  # a fresh uploader for the next file


def test_a_bad_upload_is_explained_row_by_row_and_changes_nothing(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    before = stored_csv(app_env, book_id)
    bad = ("scene,title,text,illustration,characters\n"
           "1,One,Hello,a meadow,Mia\n2,Two,,a hill,Bob\n3,Three,Hi,a lake,Pip\n")
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.file_uploader[0].set_value(("story.csv", bad.encode(), "text/csv"))
    at.run()
    at = click(at, "Replace the words from this file")
    assert not at.exception
    message = at.error[0].value.replace("\\", "")  # shown as Markdown, escaped
    assert "Nothing was changed" in message
    for problem in ("expected 4 scenes, found 3", "row 2 (scene 2): text is empty", "unknown character 'Bob'"):
        assert problem in message
    assert stored_csv(app_env, book_id) == before


def test_an_upload_with_unsaved_edits_waits_so_nothing_typed_is_lost(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[editor_key(book_id)] = {"edited_rows": {0: {"title": "Mine"}}}
    at.run()
    at.file_uploader[0].set_value(("story.csv", review.export_csv(app_env.engine, user.id, book_id), "text/csv"))
    at.run()
    at = click(at, "Replace the words from this file")
    assert "save or discard them first" in at.error[0].value
    assert at.data_editor[0].value["title"][0] == "Mine"


def test_regenerate_all_saves_edits_first_and_redraws_every_page(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state[editor_key(book_id)] = {"edited_rows": {2: {"illustration": "a snowy castle at night"}}}
    at.run()
    at = click(at, "Regenerate all pictures")
    assert not at.exception and "Redrawing every page." in texts(at)
    rows = books.scene_rows(app_env.engine.db(), book_id)
    assert [r.image_version for r in rows] == [2, 2, 2, 2] and rows[2].scene.illustration == "a snowy castle at night"
    assert not at.warning


def test_failed_pages_show_their_error_and_can_be_retried(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    db = app_env.engine.db()
    books.set_scene_status(db, book_id, 2, books.FAILED, "The service refused this picture.")
    books.set_status(db, book_id, books.NEEDS_ATTENTION, "page 2: The service refused this picture.")
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert "page 2: The service refused this picture." in at.error[0].value.replace("\\", "")  # escaped
    assert at.data_editor[0].value["status"][1] == "failed: The service refused this picture."
    at = click(at, "Retry failed pages")
    assert not at.exception and books.get(db, user.id, book_id).status == books.READY
    assert at.data_editor[0].value["status"][1] == "drawn"


def test_rewrite_the_story_asks_first(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    review.save_edits(app_env.engine, user.id, book_id, {1: {"title": "My Own Title"}})
    at = click(app_env.app(user, to=PAGE, book=str(book_id)), "Rewrite the story")
    assert "every page is drawn again" in texts(at)
    at = click(at, "Keep the story")
    assert not [b for b in at.button if b.label == "Keep the story"]
    assert books.scene_rows(app_env.engine.db(), book_id)[0].scene.title == "My Own Title"
    at = click(click(at, "Rewrite the story"), "Rewrite")
    assert not at.exception and "Rewriting the story." in texts(at)
    assert books.get(app_env.engine.db(), user.id, book_id).status == books.READY  # inline: done already
    assert books.scene_rows(app_env.engine.db(), book_id)[0].scene.title == "Page 1"  # written anew
    assert at.data_editor[0].value["title"][0] == "Page 1"


def test_a_page_opens_large_with_its_words(app_env):
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state["studio_preview"] = (book_id, 3)  # what the row's Open button sets
    at.run()
    assert not at.exception
    assert "3. Page 3" in [s.value for s in at.subheader]
    assert any("Something lovely happens on page 3." in h.proto.body for h in at.get("html"))
    assert len(at.image) == 2  # the full-size page and its one take


# ---------------------------------------------------------------- nobody else's book


@pytest.mark.parametrize("book", ["{id}", "999", "abc", "-1"])
def test_another_user_cannot_open_the_studio_of_this_book(app_env, book):
    ada, bob = app_env.user("ada"), app_env.user("bob")
    book_id = app_env.ready_book(ada, "Ada's Secret Diary")
    at = app_env.app(bob, to=PAGE, book=book.format(id=book_id))
    assert not at.exception
    assert [w.value for w in at.warning] == ["Book not found."]
    assert not at.data_editor and not at.image and "Secret" not in texts(at)
    assert not [b for b in at.button if b.label in ("Save", "Regenerate all pictures", "Rewrite the story")]


def test_another_user_s_session_state_opens_nothing_of_this_book(app_env):
    ada, bob = app_env.user("ada"), app_env.user("bob")
    book_id = app_env.ready_book(ada, "Ada's Secret Diary")
    bob_book = app_env.ready_book(bob, "Bob's Book", cast=(("Zed", "a zebra"),))
    at = app_env.app(bob, to=PAGE, book=str(bob_book))
    at.session_state["studio_preview"] = (book_id, 1)
    at.session_state["studio_rewriting"] = book_id
    at.run()
    assert not at.exception and "Something lovely" not in "\n".join(h.proto.body for h in at.get("html"))
    assert not [b for b in at.button if b.label == "Rewrite"]
    assert books.get(app_env.engine.db(), ada.id, book_id).status == books.READY


def test_the_page_preview_shows_what_the_picture_shows_without_prompt_boilerplate(app_env):
    # The offline writer's own illustration text, as a person sees it in the grid and the preview;
    # "no text in the picture" is the illustration prompt's business (generate_chapter.md), not the page's.
    from storymaker.engine import Engine
    from storymaker.models.offline_text import OfflineTextModel

    user = app_env.user()
    engine = Engine(app_env.engine.settings, OfflineTextModel(), app_env.engine.image_model)
    book_id = studio.start_book(engine, user.id, BookOptions("The Moon Garden", scene_count=4), cast(app_env, user, "Mia"))
    Runner(engine).run_until_idle()
    at = app_env.app(user, to=PAGE, book=str(book_id))
    at.session_state["studio_preview"] = (book_id, 2)
    at.run()
    assert not at.exception
    [picture] = [c.value for c in at.caption if c.value.startswith("Picture")]
    assert "letters" not in picture and "No words" not in picture.replace("\\", "")
    assert all("letters" not in text for text in at.data_editor[0].value["illustration"])
    prompt = prompts.render("generate_chapter.md", scene=books.scene_rows(app_env.engine.db(), book_id)[1].scene,
                            book_title="The Moon Garden", age_band="6-8", style_prompt="crayon", characters=[])
    assert "no text" in prompt and "no letters" in prompt  # the picture still gets no writing


def test_the_studio_polls_only_while_something_is_drawn(app_env, monkeypatch):
    from app_ui import studio_progress

    polled: list[int] = []
    monkeypatch.setattr(studio_progress, "live", lambda engine, user, book_id, *rest: polled.append(book_id))
    user = app_env.user()
    book_id = app_env.ready_book(user)
    at = app_env.app(user, to=PAGE, book=str(book_id))
    assert not at.exception and at.data_editor and polled == []  # a made book, nothing drawn: no timer at all
    studio.regenerate_page(app_env.engine, user.id, book_id, 2)  # queued, not run
    at.run()
    assert polled == [book_id]  # the polling fragment runs while the page is redrawn
    Runner(app_env.engine).run_until_idle()
    at.run()
    assert polled == [book_id]  # and stops once it is drawn
