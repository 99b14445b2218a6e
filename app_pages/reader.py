"""Reader: one page at a time, cover first. `?book=ID&page=N` (0 is the cover) links straight to a page."""

import streamlit as st

from storymaker import books
from storymaker.services import library, narration
from storymaker.services import books as book_service
from storymaker.data import parse_id
from app_ui import downloads, missing_pictures, read_aloud, render, session, sharing

user = session.require_user()
engine = session.engine()
PICKER = "reader_page"


def as_int(value) -> int | None:  # a page number (clamped to the book), not an id
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def go_to(number: int) -> None:
    st.query_params["page"] = str(number)


def turn_to(number: int) -> None:
    """A page turned by reading aloud: to that page now."""
    go_to(number)
    st.rerun()


def picked() -> None:
    go_to(st.session_state[PICKER])


def open_book() -> None:
    st.query_params.from_dict({"book": str(st.session_state["reader_book"]), "page": "0"})


wanted = st.query_params.get("book")
if not wanted:
    st.title("Reader")
    shelf = book_service.list_for(engine, user.id, limit=500)
    if not shelf:
        st.info("There is no book to read yet.")
        st.page_link("app_pages/my_books.py", label="Go to My Books to make one", icon=":material/auto_stories:")
        st.stop()
    titles = {b.id: b.title for b in shelf}
    st.selectbox("Choose a book", list(titles), format_func=titles.__getitem__, index=None, key="reader_book",
                 on_change=open_book, placeholder="Your books")
    st.stop()

# The core reads the book for this user only: someone else's book id reads as no book at all.
book_id = parse_id(wanted)
reading = library.read(engine, user.id, book_id) if book_id is not None else None
if reading is None:
    st.title("Reader")
    st.warning("Book not found.")
    st.page_link("app_pages/my_books.py", label="Back to My Books", icon=":material/arrow_back:")
    st.stop()

pages = reading.pages
last = len(pages) - 1
page = reading.page(as_int(st.query_params.get("page")) or 0)
st.session_state[PICKER] = page.number  # the picker follows the URL


def label(number: int) -> str:
    return "Cover" if number == 0 else f"Page {number}: {pages[number].title}"


st.page_link("app_pages/my_books.py", label="My Books", icon=":material/arrow_back:")
sharing.share_button(engine, user, reading.book, key="reader")
render.show_flash()
missing_pictures.notice(engine, user, reading.book.id, reading.missing, key="reader_redraw_missing")
previous, picker, following = st.columns([1, 3, 1], vertical_alignment="bottom")
previous.button("Previous", icon=":material/chevron_left:", disabled=page.number == 0,
                on_click=go_to, args=(page.number - 1,), width="stretch")
picker.selectbox("Go to page", range(last + 1), format_func=label, key=PICKER, on_change=picked)
following.button("Next", icon=":material/chevron_right:", icon_position="right", disabled=page.number >= last,
                 on_click=go_to, args=(page.number + 1,), width="stretch")

# Picture beside the words on a wide screen (both in view at once); stacked on a phone.
picture, words = st.columns([3, 2], gap="large", vertical_alignment="center")
with picture:
    if page.picture:
        render.picture(page.picture, width="stretch")
    elif reading.book.status == books.GENERATING:
        st.info("This picture is still being drawn.")
    elif page.number in reading.missing.pages or (page.number == 0 and reading.missing.cover):
        st.info("This picture is missing from the book's folder.")
    else:
        st.info("This page has no picture yet.")
with words:
    if page.number == 0:
        st.title(render.md_escape(reading.book.title), anchor=False)
    else:
        st.subheader(render.md_escape(page.title), anchor=False)
    read_aloud.page_words(reading.book.id, page.number, last, page.text, reading.book.language, turn_to,
                          intro=reading.book.title if page.number == 0 else "",
                          narration=read_aloud.narration_data(narration.page(engine, user.id, reading.book.id,
                                                                              page.number)))
    st.caption("Cover" if page.number == 0 else f"Page {page.number} of {last}")

st.divider()
downloads.panel(engine, user, reading.book.id, reading.book.title, where="reader")
