"""Studio: a page's takes side by side in its preview dialog, any one made the page's picture;
the cover's in an expander of their own under the grid.

Buttons here run inside the dialog (or the expander); a change reruns the whole app, so the grid's
thumbnail follows at once and the dialog (kept open by session state) shows the takes as they are now.
"""

from __future__ import annotations

import streamlit as st

from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.errors import StorymakerError
from storymaker.services import takes
from storymaker.services.restyle import label
from app_ui import render

THUMB_PX = 132
COVER_PX = 240


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{max(1, round(count / 1000))} KB"


def _name(scene: int | None) -> str:
    return "the cover" if scene is None else f"page {scene}"


def _where(scene: int | None) -> str:
    return "cover" if scene is None else str(scene)


def panel(engine: Engine, user: User, book_id: int, scene: int | None) -> None:
    """The page's takes (the cover's with `scene` None): a thumbnail each, the shown one marked,
    Use this take / Delete, Delete all but the current."""
    try:
        found = takes.of_page(engine, user.id, book_id, scene)
    except StorymakerError as error:
        st.warning(render.md_escape(error))
        return
    if not found:
        return
    st.markdown(f"**Takes** ({len(found)}, {_size(sum(t.bytes for t in found))})")
    st.caption(f"Every picture drawn for {'the cover' if scene is None else 'this page'} is kept. "
               "**Use this take** puts one back in the book.")
    with st.container(horizontal=True, gap="small", key=f"takes_{book_id}_{_where(scene)}"):
        for take in reversed(found):  # the newest first
            with st.container(width=THUMB_PX + 24, border=True, gap="small", key=f"take_{take.id}"):
                if take.thumbnail is not None:
                    render.picture(take.thumbnail, width=THUMB_PX)
                else:
                    st.caption("Picture missing")
                st.caption(f"Take {take.number}" + (" · **shown**" if take.current else "")
                           + f" · {render.md_escape(label(take.style))}"
                           + (f" · “{render.md_escape(take.note)}”" if take.note else ""))
                if not take.current:
                    if st.button("Use this take", key=f"take_use_{take.id}", type="primary", width="stretch"):
                        _act(lambda t=take.id: takes.use(engine, user.id, book_id, t),
                             f"{_name(scene).capitalize()} now shows take {take.number}.")
                    if st.button("Delete", key=f"take_delete_{take.id}", width="stretch"):
                        _act(lambda t=take.id: takes.delete(engine, user.id, book_id, t),
                             f"Deleted take {take.number} of {_name(scene)}.")
    if len(found) > 1 and st.button("Delete all but the current take", icon=":material/delete_sweep:",
                                    key=f"takes_prune_{book_id}_{_where(scene)}"):
        _act(lambda: takes.delete_all_but_current(engine, user.id, book_id, scene),
             f"Kept only the take {_name(scene)} shows.")


def cover(engine: Engine, user: User, book_id: int) -> None:
    """The cover as the book shows it, and its takes (a restyle or Redraw cover makes new ones)."""
    # Tracked: its takes are read only while it is open, and a take used or deleted inside it leaves it open.
    box = st.expander("Cover", icon=":material/photo_library:", key=f"studio_cover_open_{book_id}", on_change="rerun")
    if not box.open:
        return
    with box:
        try:
            shown = takes.cover(engine, user.id, book_id)
        except StorymakerError as error:
            st.warning(render.md_escape(error))
            return
        if shown is None:
            st.caption("The cover has no picture yet.")
            return
        render.picture(shown, width=COVER_PX)
        panel(engine, user, book_id, None)


def _act(change, done: str) -> None:
    try:
        change()
    except StorymakerError as error:
        st.error(render.md_escape(error))
        return
    render.flash(done)
    st.rerun()


def space_table(engine: Engine, user: User) -> None:
    """Settings: how much space each book's takes use."""
    rows = takes.space_per_book(engine, user.id)
    if not rows:
        st.caption("No pictures kept yet.")
        return
    st.dataframe([{"Book": row.title, "Takes": row.takes, "Space": _size(row.bytes)} for row in rows],
                 hide_index=True, width="stretch")
