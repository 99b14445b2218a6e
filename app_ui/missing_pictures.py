"""The notice for a made book whose pictures are gone from disk, with the one action that redraws them.

Shared by My Books (each card), the Studio and the Reader, so all three say the same thing.
"""

from __future__ import annotations

import streamlit as st
from storymaker.services import studio
from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.errors import NotFound
from app_ui import render, session

LABEL = "Redraw missing pictures"


def notice(engine: Engine, user: User, book_id: int, missing: studio.MissingPictures, *, key: str,
           compact: bool = False) -> None:
    """Say which pictures are missing and offer to redraw them (nothing when none is)."""
    if not missing:
        return
    words = (f"{missing.count} picture{'s are' if missing.count > 1 else ' is'} missing." if compact
             else f"{missing.describe()} They may have been deleted from the book's folder.")
    st.warning(words, icon=":material/image_not_supported:")
    if st.button(LABEL, icon=":material/brush:", key=key):
        try:
            studio.redraw_missing(engine, user.id, book_id)
        except NotFound:
            st.rerun()  # deleted meanwhile: the next run says so
        session.run_queued_jobs()
        render.flash("Drawing the missing pictures again. They appear here when they are done.")
        st.rerun()
