"""The Share button and dialog (Reader and My Books): make a read-only link, see every link with
how often it was opened, revoke one at once.

A link's token exists in the clear only when it is made (the database keeps its hash), so
the dialog can show the full address of the links made in this tab only; it keeps those in
the tab's session state, never anywhere else.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import streamlit as st

from app_ui import render
from storymaker import books
from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.errors import StorymakerError
from storymaker.services import sharing

TOKENS = "share_tokens"  # session state: {link id: token} for the links made in this tab
OPEN = "share_dialog"  # session state: (place, book id) whose dialog is open


def share_button(engine: Engine, user: User, book: books.Book, key: str) -> None:
    """A "Share" button for a finished book (nothing for other books), and its dialog while open.
    The open dialog is kept in session state, so a full rerun (My Books' polling, say) keeps it."""
    if book.status != books.READY:
        return
    st.button("Share", key=f"share_{key}_{book.id}", icon=":material/share:", on_click=_open, args=(key, book.id))
    if st.session_state.get(OPEN) == (key, book.id):
        _dialog(engine, user, book)


def _open(key: str, book_id: int) -> None:
    st.session_state[OPEN] = (key, book_id)


def _close() -> None:
    st.session_state.pop(OPEN, None)


def app_address(engine: Engine) -> str:
    """Where people outside reach the app: STORYMAKER_PUBLIC_URL, else the address this browser used."""
    if engine.settings.public_url:
        return engine.settings.public_url
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "http://localhost:8501"


def _when(moment: str | float | None) -> str:
    if moment is None:
        return "never"
    if isinstance(moment, float | int):
        return datetime.fromtimestamp(moment).astimezone().strftime("%-d %b %Y, %H:%M")
    return render.friendly_date(moment)


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


@st.dialog("Share this book", width="large", on_dismiss=_close)
def _dialog(engine: Engine, user: User, book: books.Book) -> None:
    tokens: dict[int, str] = st.session_state.setdefault(TOKENS, {})
    st.markdown(render.md("Anyone with a link can read **{}**, page by page, without an account: nothing else "
                          "of yours. Revoke a link and it stops working at once.", book.title))
    with st.form(f"share_new_{book.id}", border=False):
        expiry = st.radio("The link stops working", list(sharing.EXPIRIES), horizontal=True)
        if st.form_submit_button("Make a link", type="primary", icon=":material/add_link:"):
            try:
                link, token = sharing.create(engine, user.id, book.id, expiry)
            except StorymakerError as error:  # a dialog's own reruns bypass the page's handler
                st.error(render.md_escape(str(error)))
            else:
                tokens[link.id] = token
    links = sharing.links(engine, user.id, book.id)
    if not links:
        st.caption("This book has no share links yet.")
    for link in links:
        with st.container(border=True):
            if link.id in tokens:
                st.code(sharing.share_url(app_address(engine), tokens[link.id]), language=None, wrap_lines=True)
            else:
                st.caption("Made before this visit: its address is shown only when it is made (Storymaker keeps "
                           "it scrambled). Make a new link to copy one.")
            expires = (f"expired {_when(link.expires_at)}" if link.expired
                       else "never expires" if link.expires_at is None else f"expires {_when(link.expires_at)}")
            opened = (f"opened {_times(link.opens)}, last {_when(link.last_opened_at)}" if link.opens
                      else "not opened yet")
            st.caption(f"Made {_when(link.created_at)} · {expires} · {opened}")
            # A callback: it runs before the dialog is drawn again, so the list is already without it.
            st.button("Revoke", key=f"revoke_share_{link.id}", icon=":material/link_off:",
                      on_click=_revoke, args=(engine, user, book.id, link.id))


def _revoke(engine: Engine, user: User, book_id: int, link_id: int) -> None:
    sharing.revoke(engine, user.id, book_id, link_id)
    st.session_state.get(TOKENS, {}).pop(link_id, None)
