"""Studio: make a book (the form), watch it being made, then review and fix every page in the grid.

Without `?book=ID` it shows the form (prefilled as a new adventure of the book `?after=ID`); with it, that book of the user's (anybody
else's id reads as "Book not found."). While jobs run, only a small fragment polls;
the editor sits outside it, and unsaved edits are kept in session state (app_ui.grid).
The steps live in app_ui: studio_form, studio_book (studio_progress, studio_review).
"""

import streamlit as st

from app_ui import session
from app_ui.studio_book import book_screen
from app_ui.studio_common import book_not_found
from storymaker.data import parse_id
from app_ui.studio_form import new_book_form

user = session.require_user()
engine = session.engine()

wanted = st.query_params.get("book")
if not wanted:
    new_book_form(engine, user, parse_id(st.query_params.get("after")))
elif (book_id := parse_id(wanted)) is None:
    book_not_found()
else:
    book_screen(engine, user, book_id)
