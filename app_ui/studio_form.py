"""Studio, step 1: the new-book form and its submit callback.

With `?after=ID` (New adventure with this cast) the form is prefilled once from that book
(`services.series.new_adventure`): its cast, style, age band and language, an empty title and
premise, and a box saying which book of its series the new one is, ticked to keep it in the series.

Generate's callback runs at the start of the next run, before anything is drawn: it keeps each
field's problem in session state (shown under that field) and, once the book is queued,
sets `?book`, so that same run shows the book instead of the form. A field's own on_change
checks it again, so a message goes as soon as the field is fixed.
"""

from __future__ import annotations

import streamlit as st

from storymaker import books, previews, safety, styles
from storymaker.services import studio
from storymaker.accounts import User
from storymaker.books import BookError, BookOptions
from storymaker.engine import Engine
from storymaker.errors import NotFound
from storymaker.services import characters as cast_service
from storymaker.services import series as series_service
from storymaker.services.series import NewAdventure
from app_ui import render, session
from app_ui.studio_common import notice, offline_cannot_write, show_notice

LANGUAGES = ["English", "Spanish", "French", "German", "Italian", "Portuguese", "Dutch", "Polish", "Swedish",
             "Turkish", "Ukrainian", "Chinese", "Japanese", "Korean", "Hindi", "Arabic"]
FORM_ERRORS = "studio_form_errors"
FIELD = {name: f"studio_{name}" for name in ("title", "author", "characters", "premise", "age_band", "style", "language",
                                             "scene_count", "in_series")}
PREFILLED = "studio_prefilled_after"  # the book a new adventure's form was last prefilled from


STYLE_CSS = """<style>
/* Each art style is a card: its painted sample with a button under it. The button's hit area is
   stretched over the whole card, so clicking the picture chooses the style; Tab and Enter or Space
   reach and press the same button. */
[class*="st-key-studio_style_card_"] { position: relative; border-radius: 0.6rem; padding: 0.3rem;
  border: 2px solid transparent; }
[class*="st-key-studio_style_card_"] * { position: static; }
[class*="st-key-studio_style_card_"] button::after { content: ""; position: absolute; inset: 0; cursor: pointer; }
[class*="st-key-studio_style_card_"]:hover { border-color: rgba(217, 101, 59, 0.45); }
[class*="st-key-studio_style_card_"]:has(button[kind="primary"]) { border-color: #d9653b;
  background: rgba(217, 101, 59, 0.10); }
[class*="st-key-studio_style_card_"] img { border-radius: 0.4rem; }
[class*="st-key-studio_style_card_"] [data-testid="stElementToolbar"] { display: none; }
</style>"""


def field_error(name: str) -> None:
    message = st.session_state.get(FORM_ERRORS, {}).get(name)
    if message:
        st.error(message, icon=":material/error:")


def chosen_options() -> tuple[BookOptions, list[int]]:
    state = st.session_state
    options = BookOptions(
        title=state.get(FIELD["title"]) or "",
        premise=state.get(FIELD["premise"]) or "",
        age_band=state.get(FIELD["age_band"]) or "",
        style=state.get(FIELD["style"]) or "",
        language=state.get(FIELD["language"]) or "",
        scene_count=state.get(FIELD["scene_count"]) or 0,
        author=state.get(FIELD["author"]),  # None (never shown): the account's name; "": no "by" line
    )
    return options, [c for c in state.get(FIELD["characters"]) or [] if isinstance(c, int)]


def problems_with(options: BookOptions, chosen: list[int]) -> dict[str, str]:
    problems: dict[str, str] = {}
    try:
        options.cleaned()
    except BookError as error:
        problems.update(error.fields)
    if not chosen:
        problems["characters"] = "Choose at least one character."
    return problems


def recheck(name: str) -> None:
    """A field's on_change: its message follows its value (gone once it is fixed, there when it is wrong)."""
    errors = dict(st.session_state.get(FORM_ERRORS, {}))
    problem = problems_with(*chosen_options()).get(name)
    if problem and (name in errors or name == "scene_count"):  # a wrong count is named at once
        errors[name] = problem
    else:
        errors.pop(name, None)
    st.session_state[FORM_ERRORS] = errors


def choose_style(key: str) -> None:
    st.session_state[FIELD["style"]] = key
    recheck("style")


def generate(engine: Engine, user: User, after: int | None = None) -> None:
    """Generate's callback: every bad field is named at once; nothing typed is lost. `after`: the book a
    new adventure follows, whose series the new book joins while its box stays ticked."""
    state = st.session_state
    options, chosen = chosen_options()
    problems = problems_with(options, chosen)
    sequel_of = after if after is not None and state.get(FIELD["in_series"], True) else None
    if not problems:
        try:
            book_id = studio.start_book(engine, user.id, options.cleaned(), chosen, sequel_of=sequel_of)
        except BookError as error:  # a safety refusal too (`safety.InputRefused`), under its field
            problems.update(error.fields)
        except safety.SafetyUnavailable as error:  # fails closed: said under Generate, nothing started
            problems["generate"] = str(error)
    state[FORM_ERRORS] = problems
    if problems:
        return
    for key in (FIELD["title"], FIELD["premise"], FIELD["in_series"], PREFILLED):  # a fresh form next time
        state.pop(key, None)
    if offline_cannot_write(engine, options.language):
        notice("warning", render.md("The offline writer cannot write {}, so this story is written in English.",
                                    options.language))
    session.run_queued_jobs()  # only in inline mode; otherwise the background runner makes it
    st.query_params.from_dict({"book": str(book_id)})


def style_picker() -> None:
    """The art styles as painted samples; clicking one (or its button) chooses it."""
    state = st.session_state
    if state.get(FIELD["style"]) not in styles.ART_STYLES:
        state[FIELD["style"]] = styles.DEFAULT_STYLE
    st.html(STYLE_CSS)
    st.markdown("**Art style**")
    gallery = st.grid(3, min_column_width=100, gap="small")  # three by two; narrower on a phone
    for key, art in styles.ART_STYLES.items():
        picked = state[FIELD["style"]] == key
        with gallery.cell(), st.container(key=f"studio_style_card_{key}", gap="xsmall"):
            st.image(previews.style_preview(key), output_format="JPEG", width="stretch")
            st.button(art.label, key=f"studio_style_{key}", type="primary" if picked else "tertiary",
                      icon=":material/check_circle:" if picked else None, width="stretch",
                      on_click=choose_style, args=(key,),
                      help=f"Paint the book in {art.label.lower()}" + (" (chosen)" if picked else ""))


def prefill(adventure: NewAdventure) -> None:
    """The form as a new adventure of `adventure.book` starts: set once, then it is the person's to change."""
    state, book = st.session_state, adventure.book
    # Once per visit: a widget's value is forgotten when the person leaves the Studio, so coming back
    # through New adventure finds the cast gone from the state and prefills again.
    if state.get(PREFILLED) == book.id and FIELD["characters"] in state:
        return
    state[PREFILLED] = book.id
    for key in (FIELD["title"], FIELD["premise"], FIELD["age_band"], FIELD["scene_count"]):
        state.pop(key, None)  # age band and scenes: their widgets' defaults are the book's (`new_book_form`)
    state[FIELD["characters"]] = list(adventure.character_ids)
    state[FIELD["style"]], state[FIELD["language"]] = book.style, book.language
    if book.author is not None:  # the same "by ..." line; None: the account's name, the form's own default
        state[FIELD["author"]] = book.author
    state[FIELD["in_series"]] = True
    state[FORM_ERRORS] = {}


def series_box(adventure: NewAdventure) -> None:
    place = adventure.series
    with st.container(border=True, key="studio_series"):
        st.markdown(render.md("**A new adventure** with the cast of “{}”", adventure.book.title))
        st.checkbox(render.md("Book {} in the series of “{}”", place.number, place.first_title),
                    key=FIELD["in_series"],
                    help="Its story may refer back to the earlier books, and My Books shows the series together. "
                         "Untick it to make a book of its own.")
        if adventure.gone_note:
            st.caption(render.md_escape(adventure.gone_note))
        field_error("series")


def new_adventure(engine: Engine, user: User, after: int | None) -> NewAdventure | None:
    """The new adventure `?after=ID` asks for, prefilled into the form; None without one (or for a book
    the person does not have, which is said)."""
    if after is None:
        st.session_state.pop(PREFILLED, None)  # the next New adventure prefills again
        return None
    try:
        adventure = series_service.new_adventure(engine, user.id, after)
    except NotFound:
        st.warning("The book for this new adventure is not in your library; start a book of your own here.")
        return None
    prefill(adventure)
    return adventure


def new_book_form(engine: Engine, user: User, after: int | None = None) -> None:
    st.title("Studio")
    st.write("A title and a few characters in, an illustrated picture book out.")
    render.models_notice(engine)
    show_notice()
    adventure = new_adventure(engine, user, after)
    if adventure is None:
        after = None
    else:
        series_box(adventure)
    cast = cast_service.list_for(engine, user.id)
    if not cast:
        st.info("A book needs at least one character, and you have none yet.", icon=":material/face:")
        st.page_link("app_pages/characters.py", label="Create your characters first", icon=":material/person_add:")
    names = {c.id: c.name for c in cast}

    # Not an st.form: each field reruns when it changes, so its message goes as soon as it is fixed,
    # and the art style cards are buttons (a form allows none but its submit button).
    with st.container(border=True, key="new_book"):
        st.text_input("Title", key=FIELD["title"], max_chars=books.MAX_TITLE, placeholder="The Lighthouse Cat",
                      persist_state="session", on_change=recheck, args=("title",))
        field_error("title")
        if FIELD["author"] not in st.session_state:  # the person signed in, until they type another name
            st.session_state[FIELD["author"]] = session.display_name()
        st.text_input("Author (shown as 'by ...' on the title page)", key=FIELD["author"], max_chars=books.MAX_AUTHOR,
                      help="Leave it empty for a title page without a name.", on_change=recheck, args=("author",))
        field_error("author")
        st.multiselect("Characters", list(names), format_func=lambda i: names.get(i, "?"), key=FIELD["characters"],
                       max_selections=books.MAX_CAST, placeholder="Choose one or more of your characters",
                       help=f"Up to {books.MAX_CAST}. The book keeps its own copy of them.",
                       on_change=recheck, args=("characters",))
        field_error("characters")
        st.text_area("Premise or lesson (optional)", key=FIELD["premise"], max_chars=books.MAX_PREMISE, height=80,
                     placeholder="Keeping a promise, even when it is hard", persist_state="session",
                     on_change=recheck, args=("premise",))
        field_error("premise")
        age_band = adventure.book.age_band if adventure else styles.DEFAULT_AGE_BAND
        st.radio("Age band", list(styles.AGE_BANDS), key=FIELD["age_band"], horizontal=True,
                 index=list(styles.AGE_BANDS).index(age_band) if age_band in styles.AGE_BANDS else 0,
                 format_func=lambda a: f"Ages {a}", on_change=recheck, args=("age_band",))
        field_error("age_band")
        style_picker()
        field_error("style")
        language = st.session_state.get(FIELD["language"])
        st.selectbox("Language", LANGUAGES + ([language] if language and language not in LANGUAGES else []),
                     key=FIELD["language"], accept_new_options=True,
                     help="Type another language if it is not in the list.", on_change=recheck, args=("language",))
        if engine.text_model.is_offline and engine.text_model.languages:
            st.caption("The offline writer writes in " + ", ".join(engine.text_model.languages) +
                       " only: a book in any other language comes out in English.")
        field_error("language")
        # No min_value/max_value: Streamlit would refuse an out-of-range number with its own generic
        # words; the count is checked here and named under the field like every other problem.
        st.number_input("Number of scenes", value=adventure.book.scene_count if adventure else styles.DEFAULT_SCENES, step=1,
                        key=FIELD["scene_count"],
                        help=f"{styles.MIN_SCENES} to {styles.MAX_SCENES}. One picture and a little text per scene.",
                        on_change=recheck, args=("scene_count",))
        field_error("scene_count")
        # The callback runs before the next run's script, so it is handed this run's engine and user.
        st.button("Generate", type="primary", icon=":material/auto_awesome:", on_click=generate,
                  args=(engine, user, after), key="studio_generate")
        field_error("generate")
