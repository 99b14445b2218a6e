"""The Studio's Narration section: the book's narrator voice and "Make narration", with progress.

Offline there is no voice model: the section says that the Reader reads aloud with the
browser's own voices, and how to get narration made. Only the progress fragment polls, and
only while narration jobs run.
"""

from __future__ import annotations

import streamlit as st

from storymaker.accounts import User
from storymaker.books import Book
from storymaker.engine import Engine
from storymaker.errors import StorymakerError
from storymaker.services import narration as service
from app_ui import render, session

POLL_S = 1.0


def panel(engine: Engine, user: User, book: Book) -> None:
    st.subheader("Narration", anchor=False)
    now = service.status(engine, user.id, book.id)
    if not now.available:
        st.caption(":material/record_voice_over: **Read aloud** in the Reader speaks with this browser's own voices, "
                   "free and offline, lighting each word as it is said. With an OpenAI key (Settings), Storymaker "
                   "can also make narration with a voice model: made once, kept with the book, played in the "
                   "Reader and on share links, and carried in the EPUB.")
        return
    with st.container(horizontal=True, vertical_alignment="bottom"):
        # The stored voice is in the widget's key: the picker always starts from what the book has,
        # and a choice is stored in the run (not in an on_change callback: callbacks run before the
        # run binds the person's own key, which is what brings the voice model and its voices).
        chosen = st.selectbox("Narrator voice", now.voices, index=now.voices.index(now.voice), format_func=str.title,
                              key=f"narration_voice_{book.id}_{now.voice}", width=220,
                              help="Another voice makes every page's narration again.")
        if chosen != now.voice:
            _set_voice(engine, user, book.id, chosen)
        left = now.pages - now.narrated
        label = ("Make narration" if not now.narrated or not left
                 else f"Narrate the other {left} page{'s' if left != 1 else ''}")
        if st.button(label, icon=":material/record_voice_over:", key=f"narration_make_{book.id}",
                     disabled=now.done or now.active > 0,
                     help=f"About {now.characters:,} characters for the voice service; see the README for its price."):
            _make(engine, user, book.id)
    if now.active:
        live(engine, user, book.id)
    else:
        _summary(now)


def _set_voice(engine: Engine, user: User, book_id: int, voice: str) -> None:
    try:
        service.set_voice(engine, user.id, book_id, voice)
    except StorymakerError as error:
        st.error(render.md_escape(str(error)), icon=":material/error:")
        return
    st.rerun()


def _make(engine: Engine, user: User, book_id: int) -> None:
    try:
        queued = service.make(engine, user.id, book_id)
    except StorymakerError as error:
        st.error(render.md_escape(str(error)), icon=":material/error:")
        return
    session.run_queued_jobs()
    render.flash("Making narration for {} page{}.", queued, "" if queued == 1 else "s")
    st.rerun()


def _summary(now: service.NarrationStatus) -> None:
    model = render.md_escape(now.model or "")
    if now.done:
        st.caption(f":material/check_circle: Every page is narrated by {now.voice.title()} ({model}). "
                   "The Reader plays it; choose a browser voice there to hear another.")
    elif now.narrated:
        st.caption(f"{now.narrated} of {now.pages} pages narrated by {now.voice.title()}; the others were changed "
                   "since, or are not made yet. The Reader reads those with the browser's own voice.")
    else:
        st.caption(f"No narration yet. **Make narration** has {now.voice.title()} read every page ({model}), about "
                   f"{now.characters:,} characters; until then the Reader uses the browser's own voices.")
    for page, why in now.failed:
        where = "The cover" if page == 0 else f"Page {page}"
        st.warning(f"{where}: {render.md_escape(why)} The Reader reads it with the browser's voice instead.",
                   icon=":material/warning:")


@session.fragment(run_every=POLL_S)
def live(engine: Engine, user: User, book_id: int) -> None:
    """Narration's progress while its jobs run; one full rerun when they are done."""
    now = service.status(engine, user.id, book_id)
    if not now.active:
        st.rerun()
    st.progress(now.fraction, text=f"Making narration: {now.narrated} of {now.pages} pages")
    if now.waiting:
        st.caption(f":material/hourglass_top: Waiting: {render.md_escape(now.waiting)}")
