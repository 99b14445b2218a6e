"""What the Studio's steps share: notices, the offline writer's languages, "Book not found."."""

from __future__ import annotations

import streamlit as st

from storymaker.engine import Engine
from app_ui import render

NOTICE = "studio_notice"


def offline_cannot_write(engine: Engine, language: str) -> bool:
    return engine.text_model.is_offline and not engine.text_model.writes(language)


def notice(kind: str, message: str, problems: list[str] | None = None) -> None:
    """A message for the next run (set in callbacks, which cannot draw)."""
    st.session_state[NOTICE] = (kind, message, problems or [])


def show_notice() -> None:
    kind, message, problems = st.session_state.pop(NOTICE, (None, None, None))
    if kind:
        body = message + ("".join(f"\n- {render.md_escape(p)}" for p in problems) if problems else "")
        (st.error if kind == "error" else st.warning)(body, icon=":material/error:")


def book_not_found() -> None:
    # The same words for a malformed id, a deleted book and somebody else's book: nothing is given away.
    st.title("Studio")
    st.warning("Book not found.")
    st.page_link("app_pages/my_books.py", label="Back to My Books", icon=":material/arrow_back:")
