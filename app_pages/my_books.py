"""My Books: every book of the user's as a card, a series' books together; open, retry, delete; a sample
book for a new account."""

from itertools import groupby

import streamlit as st

from storymaker import books, storage
from storymaker.services import library, samples, studio
from storymaker.services import books as book_service
from storymaker.books import BookError
from storymaker.data import parse_id
from app_ui import missing_pictures, render, session, sharing

user = session.require_user()
engine = session.engine()
DELETING = "deleting_book"

st.title("My Books")
render.models_notice(engine)
render.show_flash()
st.page_link("app_pages/studio.py", label="Make a new book in the Studio", icon=":material/add_circle:")


def make_sample() -> None:
    try:
        with st.spinner("Queuing the sample book…"):
            samples.make_sample_book(engine, user.id)
            session.run_queued_jobs()  # only in inline mode; otherwise the background runner makes it
    except BookError as error:
        st.error(render.md("The sample book could not be started: {}", error))
    else:
        st.rerun()


if book_service.count_for(engine, user.id) == 0:
    with st.container(border=True):
        st.subheader("Your shelf is empty: let's make your first book", anchor=False)
        st.write("A sample book shows how it works in a moment: Mia and her cat Pip keep a lighthouse "
                 "lit on a stormy night. It adds the two of them to your characters, too.")
        if st.button("Make a sample book", type="primary", icon=":material/auto_awesome:"):
            make_sample()
        st.page_link("app_pages/characters.py", label="Or start by creating your own characters", icon=":material/face:")
    st.stop()


@st.dialog("Delete this book?", on_dismiss=lambda: st.session_state.pop(DELETING, None))
def confirm_delete(book: books.Book) -> None:
    st.markdown(f"**{render.md_escape(book.title)}** and all its pages and pictures will be removed for good.")
    render.delete_or_keep("book", DELETING, lambda: book_service.delete(engine, user.id, book.id),
                          render.md("Deleted “{}”.", book.title))


def book_card(item: library.ShelfBook) -> None:
    book = item.book
    if item.cover:  # 24 to a shelf page: the browser fetches only the covers in view
        render.lazy_picture(engine, item.cover, f"Cover of {book.title}", storage.THUMB_PX)
    else:
        st.html("<div style=\"aspect-ratio:1;background:#fbe9cf;border-radius:0.5rem;display:flex;"
                "align-items:center;justify-content:center;font-size:3rem;\">📖</div>")
    st.markdown(f"**{render.md_escape(book.title)}**")
    render.status_badge(book.status)
    if item.progress is not None:
        st.progress(item.progress, text=f"{item.pages_done} of {book.scene_count} pages drawn")
    if item.waiting:
        st.caption(f":material/hourglass_top: Waiting: {render.md_escape(item.waiting)}")
    if book.status == books.NEEDS_ATTENTION and book.error:
        st.error(render.md_escape(book.error))
    missing_pictures.notice(engine, user, book.id, item.missing, key=f"redraw_missing_{book.id}", compact=True)
    if item.series:
        st.caption(f"Book {item.series.number} of {item.series.size} in the series")
    st.caption(render.friendly_date(book.created_at))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.page_link("app_pages/reader.py", label="Read", icon=":material/menu_book:", query_params={"book": str(book.id)})
        st.page_link("app_pages/studio.py", label="Continue in the Studio", icon=":material/palette:",
                     query_params={"book": str(book.id)})
        if book.status == books.READY:
            # Short: a card is narrow; the tooltip says the rest.
            st.page_link("app_pages/studio.py", label="New adventure", icon=":material/auto_stories:",
                         query_params={"after": str(book.id)},
                         help="A new book with the same characters, art style and age band, in this book's series.")
        sharing.share_button(engine, user, book, key="card")
        if book.status == books.NEEDS_ATTENTION and st.button("Try again", key=f"retry_{book.id}"):
            studio.retry_failed(engine, user.id, book.id)
            session.run_queued_jobs()
            st.rerun()
        if st.button("Delete", key=f"delete_{book.id}", icon=":material/delete:"):
            st.session_state[DELETING] = book.id
            st.rerun()  # a full run, so the dialog below opens (the click may come from the fragment)


shelf_page = 1
if (pages := library.shelf_pages(engine, user.id)) > 1:
    shelf_page = st.pagination(pages, key="shelf_page")
generating = library.any_generating(engine, user.id)


# Only the cards rerun while something is being made; polling stops once nothing is.
@session.fragment(run_every=2 if generating else None)
def shelf() -> None:
    items = library.shelf(engine, user.id, shelf_page)
    if generating and not library.any_generating(engine, user.id):
        st.rerun()  # all done: a full run redraws the page without the timer
    # A series' books come together (library.shelf), under one header; other books share a grid.
    for first_id, run in groupby(items, key=lambda i: i.series.first_id if i.series else None):
        cards = list(run)
        with st.container(border=first_id is not None, key=f"series_{first_id}" if first_id else None):
            if cards[0].series:
                st.subheader(render.md("Series: {} · {} books", cards[0].series.first_title, cards[0].series.size),
                             anchor=False)
            grid = st.grid("auto", min_column_width=220, border=True, gap="medium")
            for item in cards:
                with grid.cell():
                    book_card(item)


shelf()

if (deleting := st.session_state.get(DELETING)) is not None:
    target = book_service.get(engine, user.id, parse_id(deleting))  # session state is not trusted either
    if target is None:
        st.session_state.pop(DELETING, None)
    else:
        confirm_delete(target)
