"""Studio, step 1: the new-book form and its submit callback.

The callback runs at the start of the next run, before anything is drawn: it keeps each
field's problem in session state (shown under that field) and, once the book is queued,
sets `?book`, so that same run shows the book instead of the form.
"""

from __future__ import annotations

import streamlit as st

from storymaker import books, characters, previews, studio, styles
from storymaker.accounts import User
from storymaker.books import BookError, BookOptions
from storymaker.engine import Engine
from app_ui import render, session
from app_ui.studio_common import notice, offline_cannot_write, show_notice

LANGUAGES = ["English", "Spanish", "French", "German", "Italian", "Portuguese", "Dutch", "Polish", "Swedish",
             "Turkish", "Ukrainian", "Chinese", "Japanese", "Korean", "Hindi", "Arabic"]
FORM_ERRORS = "studio_form_errors"
FIELD = {name: f"studio_{name}" for name in ("title", "characters", "premise", "age_band", "style", "language", "scene_count")}


def field_error(name: str) -> None:
    message = st.session_state.get(FORM_ERRORS, {}).get(name)
    if message:
        st.error(message, icon=":material/error:")


def generate(engine: Engine, user: User) -> None:
    """The form's submit callback: every bad field is named at once; nothing typed is lost."""
    state = st.session_state
    options = BookOptions(
        title=state.get(FIELD["title"]) or "",
        premise=state.get(FIELD["premise"]) or "",
        age_band=state.get(FIELD["age_band"]) or "",
        style=state.get(FIELD["style"]) or "",
        language=state.get(FIELD["language"]) or "",
        scene_count=state.get(FIELD["scene_count"]) or 0,
    )
    chosen = [c for c in state.get(FIELD["characters"]) or [] if isinstance(c, int)]
    problems: dict[str, str] = {}
    try:
        options = options.cleaned()
    except BookError as error:
        problems.update(error.fields)
    if not chosen:
        problems["characters"] = "Choose at least one character."
    if not problems:
        try:
            book_id = studio.start_book(engine, user.id, options, chosen)
        except BookError as error:
            problems.update(error.fields)
    state[FORM_ERRORS] = problems
    if problems:
        return
    for key in (FIELD["title"], FIELD["premise"]):  # a fresh form next time
        state.pop(key, None)
    if offline_cannot_write(engine, options.language):
        notice("warning", f"The offline writer cannot write {render.md_escape(options.language)}, so this "
                          "story is written in English.")
    session.run_queued_jobs()  # only in inline mode; otherwise the background runner makes it
    st.query_params.from_dict({"book": str(book_id)})


def new_book_form(engine: Engine, user: User) -> None:
    st.title("Studio")
    st.write("A title and a few characters in, an illustrated picture book out.")
    render.models_notice(engine)
    show_notice()
    cast = characters.list_for(engine.db(), user.id)
    if not cast:
        st.info("A book needs at least one character, and you have none yet.", icon=":material/face:")
        st.page_link("app_pages/characters.py", label="Create your characters first", icon=":material/person_add:")
    names = {c.id: c.name for c in cast}

    with st.form("new_book", border=True):
        st.text_input("Title", key=FIELD["title"], max_chars=books.MAX_TITLE, placeholder="The Lighthouse Cat",
                      persist_state="session")
        field_error("title")
        st.multiselect("Characters", list(names), format_func=lambda i: names.get(i, "?"), key=FIELD["characters"],
                       max_selections=books.MAX_CAST, placeholder="Choose one or more of your characters",
                       help=f"Up to {books.MAX_CAST}. The book keeps its own copy of them.")
        field_error("characters")
        st.text_area("Premise or lesson (optional)", key=FIELD["premise"], max_chars=books.MAX_PREMISE, height=80,
                     placeholder="Keeping a promise, even when it is hard", persist_state="session")
        field_error("premise")
        st.radio("Age band", list(styles.AGE_BANDS), key=FIELD["age_band"], horizontal=True,
                 index=list(styles.AGE_BANDS).index(styles.DEFAULT_AGE_BAND), format_func=lambda a: f"Ages {a}")
        field_error("age_band")
        st.markdown("**Art style**")
        gallery = st.grid("auto", min_column_width=110, gap="small")
        for key, art in styles.ART_STYLES.items():
            with gallery.cell():
                st.image(previews.style_preview(key), caption=art.label, output_format="JPEG", width="stretch")
        st.radio("Art style", list(styles.ART_STYLES), key=FIELD["style"], horizontal=True,
                 index=list(styles.ART_STYLES).index(styles.DEFAULT_STYLE),
                 format_func=lambda s: styles.ART_STYLES[s].label, label_visibility="collapsed")
        field_error("style")
        st.selectbox("Language", LANGUAGES, key=FIELD["language"], accept_new_options=True,
                     help="Type another language if it is not in the list.")
        if engine.text_model.is_offline and getattr(engine.text_model, "languages", None):
            st.caption("The offline writer writes in " + ", ".join(engine.text_model.languages) +
                       " only: a book in any other language comes out in English.")
        field_error("language")
        st.number_input("Number of scenes", min_value=styles.MIN_SCENES, max_value=styles.MAX_SCENES,
                        value=styles.DEFAULT_SCENES, step=1, key=FIELD["scene_count"],
                        help="One picture and a little text per scene.")
        field_error("scene_count")
        # The callback runs before the next run's script, so it is handed this run's engine and user.
        st.form_submit_button("Generate", type="primary", icon=":material/auto_awesome:", on_click=generate,
                              args=(engine, user))
