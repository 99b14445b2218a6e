"""Studio, step 2: progress while a book is made or pages are redrawn.

Only the fragment here polls (a fragment around the editor would lose keystrokes), and only
while something runs: every POLL_S it asks the database one cheap question, whether anything
of the book changed since the mark it last saw (`studio.progress_mark`), and reads the book's
progress only when it did. It reruns only itself, and the whole page only once nothing runs
any more (so its timer stops) or, while pages of a made book are redrawn, when a page's
picture or status changes, so the grid's row updates in place.
"""

from __future__ import annotations

import html

import streamlit as st

from storymaker import books, jobs
from storymaker.services import review, studio
from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.errors import NotFound
from app_ui import grid, render, session

POLL_S = 0.2  # a fifth of a second: what the person sees follows the painter closely, at one small read a poll
# While a whole book is made, its painter has most of the work to do in this process: a slightly calmer
# poll leaves it the processor (bench/browser.py: 0.25 s shows a 10-page book about 0.35 s sooner than
# 0.5 s, and a 16-page one as soon; each poll is one small read now that no run ends in a full garbage
# collection, see .streamlit/config.toml).
MAKING_POLL_S = 0.25
SEEN = "studio_progress_seen"  # (book id, making, mark, progress, page cards) as the fragment last read them


def is_making(now: studio.Progress) -> bool:
    """Making the book: progress only, the grid opens when it is done. Redrawing pages of a made book
    is not making it: the grid stays, each page updates in it (the rule is `status.is_making`)."""
    return now.making


def page_cards(rows: list[review.GridRow]) -> None:
    """While the whole book is being made: every page's status, with its thumbnail once drawn. One
    element (thumbnails inline, a few KB each), so a poll that changes nothing redraws almost nothing."""
    cards = []
    for row in rows:
        label = grid.STATUS.get(row.status, row.status)
        caption = f"Page {row.scene} · {label}" + (f": {row.error}" if row.status == books.FAILED and row.error else "")
        picture = (f'<img src="{html.escape(row.picture)}" alt="Page {row.scene}" style="width:100%;aspect-ratio:1;'
                   'object-fit:cover;border-radius:0.4rem;display:block;">' if row.picture else
                   '<div style="aspect-ratio:1;background:#fbe9cf;border-radius:0.4rem;display:flex;align-items:center;'
                   f'justify-content:center;color:#8a6d5a;">{html.escape(label)}</div>')
        cards.append(f'<figure style="margin:0;">{picture}<figcaption style="font-size:0.85rem;color:#8a6d5a;'
                     f'margin-top:0.25rem;">{html.escape(caption)}</figcaption></figure>')
    st.html('<div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:0.75rem;">'
            + "".join(cards) + "</div>")


def panel(engine: Engine, user: User, book_id: int, making: bool, shown: dict[int, tuple[int, str]]) -> None:
    """Progress while jobs run, as a polling fragment (`live`, `live_making`) with the arguments of the last
    full run (`shown`: each page's image version and status as that run drew them)."""
    try:
        now, cards = current(engine, user, book_id, making)
    except NotFound:
        st.rerun()
    if not now.running:
        st.rerun()  # done: one full run shows the grid, without this timer
    if not making and (
        len(now.scenes) != len(shown)
        or any(shown.get(r.scene.scene, (None,))[0] != r.image_version
               or (r.status == books.FAILED) != (shown.get(r.scene.scene, (0, ""))[1] == books.FAILED)
               for r in now.scenes)
    ):
        st.rerun()  # a page was redrawn (or failed): the grid shows it
    with st.container(border=True):
        if now.story in jobs.ACTIVE:
            st.markdown(":material/edit_note: **Writing the story…**")
            st.progress(now.fraction, text="The pictures follow as soon as the words are ready.")
        else:
            busy = [r.scene.scene for r in now.scenes if r.status in (books.PENDING, books.DRAWING)]
            if making:
                st.markdown(f":material/brush: **Drawing the pictures:** {now.pages_done} of {now.book.scene_count} done")
            else:
                which = ", ".join(map(str, busy[:12])) + (" …" if len(busy) > 12 else "")
                st.markdown(f":material/brush: **Redrawing page{'s' if len(busy) != 1 else ''} {which}**" if busy
                            else ":material/brush: **Finishing the cover…**")
            st.progress(now.fraction, text=f"{now.pages_done} of {now.book.scene_count} pages drawn"
                        + ("" if now.cover != jobs.JobStatus.SUCCEEDED else " · cover ready"))
        if now.waiting:
            st.caption(f":material/hourglass_top: Waiting: {render.md_escape(now.waiting)}")
        if now.story not in jobs.ACTIVE and making and now.scenes:
            page_cards(cards)
        if st.button("Cancel", icon=":material/stop_circle:", key="studio_cancel",
                     help="Stop drawing. Pages already drawn are kept; Retry failed pages draws the rest."):
            studio.cancel(engine, user.id, book_id)
            render.flash("Canceled. Pages already drawn are kept; **Retry failed pages** draws the others.")
            st.rerun()


live = session.fragment(run_every=POLL_S, key="studio_progress")(panel)
live_making = session.fragment(run_every=MAKING_POLL_S, key="studio_progress_making")(panel)


def current(engine: Engine, user: User, book_id: int, making: bool) -> tuple[studio.Progress, list[review.GridRow]]:
    """The book's progress (and, while it is made, its pages' thumbnails), read again only when its
    mark moved since the last poll: most polls cost one small read."""
    mark = studio.progress_mark(engine, user.id, book_id)
    seen = st.session_state.get(SEEN)
    if seen is not None and seen[:3] == (book_id, making, mark):
        return seen[3], seen[4]
    now = studio.progress(engine, user.id, book_id)
    cards = review.grid(engine, user.id, book_id) if making else []
    st.session_state[SEEN] = (book_id, making, mark, now, cards)
    return now, cards


def show_progress(engine: Engine, user: User, book_id: int, now: studio.Progress, making: bool) -> None:
    """Start the polling fragment (only while something runs)."""
    if now.running:
        (live_making if making else live)(engine, user, book_id, making, {r.scene.scene: (r.image_version, r.status) for r in now.scenes})
