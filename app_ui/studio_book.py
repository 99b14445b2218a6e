"""Studio with `?book=ID`: the book's header and notices, then progress (step 2) or the grid (step 3)."""

from __future__ import annotations

import streamlit as st

from storymaker import books, styles
from storymaker.services import studio
from storymaker.services import books as book_service
from storymaker.accounts import User
from storymaker.engine import Engine
from app_ui import missing_pictures, render
from app_ui.studio_common import book_not_found, offline_cannot_write, show_notice
from app_ui.studio_progress import is_making, show_progress
from app_ui.studio_review import review_screen


def new_adventure(book_id: int) -> None:
    """The form, prefilled from this book (`studio_form.new_adventure`), on the run this click starts."""
    st.query_params.from_dict({"after": str(book_id)})


def book_screen(engine: Engine, user: User, book_id: int) -> None:
    book = book_service.get(engine, user.id, book_id)  # only the user's own: anybody else's id is not found
    if book is None:
        book_not_found()
        st.stop()
    now = studio.progress(engine, user.id, book_id)
    making = is_making(now)

    st.title(render.md_escape(book.title), anchor=False)
    style = styles.ART_STYLES.get(book.style)
    st.caption(f"Studio · {book.scene_count} pages · ages {book.age_band} · {style.label if style else book.style} · "
               f"{render.md_escape(book.language)}")
    with st.container(horizontal=True, vertical_alignment="center"):
        render.status_badge(book.status)
        st.page_link("app_pages/reader.py", label="Read it", icon=":material/menu_book:", query_params={"book": str(book.id)})
        st.page_link("app_pages/my_books.py", label="My Books", icon=":material/auto_stories:")
        if book.status == books.READY:
            st.button("New adventure with this cast", icon=":material/auto_stories:", type="tertiary",
                      key="studio_sequel", on_click=new_adventure, args=(book.id,),
                      help="A new book with the same characters, art style, age band and language, in this "
                           "book's series.")
        if st.button("Start another book", icon=":material/add:", type="tertiary", key="studio_new"):
            st.query_params.clear()
            st.rerun()
    render.models_notice(engine)
    render.show_flash(toast=not making)  # a toast floats; a message above the grid would move it
    show_notice()
    if offline_cannot_write(engine, book.language):
        st.caption(f"The offline writer cannot write {render.md_escape(book.language)}: this book's words are in "
                   "English. With an OpenAI key (Settings), **Rewrite the story** writes it in that language.")
    if book.status == books.NEEDS_ATTENTION and book.error:
        st.error(render.md_escape(book.error), icon=":material/error:")
    if not making:
        missing_pictures.notice(engine, user, book_id, studio.missing_in(engine, book_id, now.scenes),
                                key="studio_redraw_missing")

    if making:
        show_progress(engine, user, book_id, now, making)
        st.caption("The grid for reading and editing every page opens here when the pictures are drawn.")
        st.stop()
    # Pages being redrawn: the progress panel goes under the grid, so it appearing and going never moves the grid.
    review_screen(engine, user, book, under_grid=lambda: show_progress(engine, user, book_id, now, making))
