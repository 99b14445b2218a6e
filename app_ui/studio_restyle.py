"""Studio: the book's art style. Restyle draws every page and the cover again in another style as
new takes; a style whose takes are all there is switched to at once, drawing nothing.

A restyle that draws is confirmed first in a dialog that says how many pictures it draws (for a
remote image model each one is paid for). The dialog is opened by `studio_review.open_dialog`, which
keeps to one dialog a run. Unsaved grid edits are saved first, as for Regenerate all, so pictures
are drawn from the rows as edited.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from storymaker import books
from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.errors import StorymakerError
from storymaker.services import restyle
from storymaker.services.restyle import RestylePlan
from app_ui import render, session

CONFIRM = "studio_restyling"  # (book id, style) while the confirm dialog is open


def _choice_label(choice: restyle.StyleChoice) -> str:
    if choice.current:
        return f"{choice.label} (now)"
    return f"{choice.label}: ready, instant" if choice.ready else choice.label


def panel(engine: Engine, user: User, book: books.Book, save_first: Callable[[], bool]) -> None:
    """A style picker and Restyle the book; after a restyle that stopped halfway, Finish / Switch back.
    `save_first` saves the grid's unsaved edits (False: they break the scene contract, nothing is drawn)."""
    try:
        now = restyle.styles_of(engine, user.id, book.id)
    except StorymakerError as error:
        st.warning(render.md_escape(error))
        return
    choices = {c.key: c for c in now.choices}
    st.markdown("**Art style**")
    with st.container(horizontal=True, vertical_alignment="bottom", key=f"studio_restyle_{book.id}"):
        wanted = st.selectbox("Art style", list(choices), index=list(choices).index(now.style)
                              if now.style in choices else 0, format_func=lambda key: _choice_label(choices[key]),
                              key=f"studio_style_{book.id}", label_visibility="collapsed", width=260)
        if st.button("Restyle the book", icon=":material/palette:", disabled=wanted == now.style,
                     key=f"studio_restyle_go_{book.id}"):
            request(engine, user, book.id, wanted, save_first)
    st.caption("Every page and the cover are drawn again in the chosen style as new takes; the pictures "
               "you have now stay, so switching back is instant.")
    behind = now.describe_behind()
    if behind and book.status != books.GENERATING:  # while pages are still drawing, they are not behind yet
        st.info(f"This book is in {now.label}, but {behind[0].lower()}{behind[1:]}", icon=":material/palette:")
        with st.container(horizontal=True):
            if st.button("Finish the restyle", type="primary", key=f"studio_restyle_finish_{book.id}"):
                request(engine, user, book.id, now.style, save_first)
            back = now.behind[0][0]
            if st.button(f"Switch back to {restyle.label(back)}", key=f"studio_restyle_back_{book.id}"):
                request(engine, user, book.id, back, save_first)


def request(engine: Engine, user: User, book_id: int, style: str, save_first: Callable[[], bool]) -> None:
    """Restyle at once when nothing needs drawing; else ask first (the dialog opens on the rerun)."""
    if not save_first():
        st.rerun()  # the notice says what to fix
    try:
        planned = restyle.plan(engine, user.id, book_id, style)
    except StorymakerError as error:
        st.error(render.md_escape(error))
        return
    if planned.instant:
        _restyle(engine, user, book_id, style)
        return
    st.session_state[CONFIRM] = (book_id, style)
    st.rerun()


def wanted(book_id: int) -> str | None:
    """The style a restyle of this book waits to be confirmed for, if any (another book's is dropped)."""
    found = st.session_state.get(CONFIRM)
    if isinstance(found, tuple) and found[0] == book_id:
        return found[1]
    st.session_state.pop(CONFIRM, None)
    return None


def _close() -> None:
    st.session_state.pop(CONFIRM, None)


@st.dialog("Restyle the book?", on_dismiss=_close)
def confirm(engine: Engine, user: User, book_id: int, style: str) -> None:
    try:
        planned = restyle.plan(engine, user.id, book_id, style)  # as it is now: another tab may have drawn some
    except StorymakerError as error:
        st.error(render.md_escape(error))
        return
    st.write(question(planned))
    yes, no = st.columns(2)
    if yes.button(f"Redraw in {planned.label}", type="primary", key="confirm_restyle"):
        _restyle(engine, user, book_id, style)
    if no.button("Not now", key="keep_style"):
        _close()
        st.rerun()


def question(planned: RestylePlan) -> str:
    """"Redraw 12 pages and the cover in Crayon? ..." """
    if planned.instant:
        return f"Every picture is already drawn in {planned.label}: switching shows them at once, drawing nothing."
    again = (f" {planned.shown_at_once} picture{'s' if planned.shown_at_once != 1 else ''} already drawn in "
             f"{planned.label} {'are' if planned.shown_at_once != 1 else 'is'} shown at once."
             if planned.shown_at_once else "")
    return (f"Redraw {planned.what()} in {planned.label}? The current pictures stay as takes: you can switch "
            f"back at no cost.{again}")


def _restyle(engine: Engine, user: User, book_id: int, style: str) -> None:
    try:
        done = restyle.restyle(engine, user.id, book_id, style)
    except StorymakerError as error:
        st.error(render.md_escape(error))
        return
    _close()
    if done.instant:
        render.flash(f"The book is in {done.label}: every picture was already drawn in it.")
    else:
        session.run_queued_jobs()
        render.flash(f"Redrawing {done.what()} in {done.label}. Each picture changes in the grid when it is done.")
    st.rerun()
