"""Studio, step 3: review and fix every page of a made book.

The grid is an st.data_editor outside any polling fragment. Its unsaved edits are also kept
in session state per book (app_ui.grid), and its key carries a generation number, so Save,
Discard, an upload or a rewrite start a new editor and stale edits never come back. The row
buttons' callbacks run before the next run's script: they read the clicked row from session
state and are handed this run's engine and user.

The unsaved edits are also kept on the server as a draft (services.drafts): written whenever
they change (not on every run), and offered back to a tab that opens the book without edits
of its own, e.g. after a reload or on another device.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

import streamlit as st

from storymaker import books
from storymaker.status import JobStatus
from storymaker.services import drafts, review, studio
from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.errors import Busy, NotFound, StorymakerError
from storymaker.scenes import SceneError
from app_ui import (downloads, grid, narration, render, session, studio_pages, studio_restyle, studio_rewrite,
                    studio_takes)
from app_ui.studio_common import notice

PREVIEW, REWRITING = "studio_preview", "studio_rewriting"
# A redraw that ends this soon (the offline painter's, on a machine that is not busy) is shown by the
# click's own run: no "drawing" step, no poll, no second run. A slower one costs this much more before
# its progress shows, which nobody notices next to a remote model's seconds.
SHOWN_WITHIN_S = 0.4


def keys(book_id: int) -> dict[str, str]:
    generation = st.session_state.get(f"studio_generation_{book_id}", 0)
    return {
        "pending": f"studio_edits_{book_id}",
        "order": f"studio_order_{book_id}",
        "generation": f"studio_generation_{book_id}",
        "editor": f"studio_grid_{book_id}_{generation}",
        "open": f"studio_open_{book_id}",
        "regenerate": f"studio_regenerate_{book_id}",
        "upload": f"studio_upload_{book_id}_{generation}",
        "kept": f"studio_kept_{book_id}",  # the edits this tab last put on the server
        "offer": f"studio_draft_offer_{book_id}",  # a draft found on the server, not yet kept or discarded
    }


def pending_edits(book_id: int) -> grid.Edits:
    """The unsaved edits, with whatever the editor holds now merged in (callbacks run before the script)."""
    k = keys(book_id)
    order = st.session_state.get(k["order"], [])
    edits = grid.merged(st.session_state.get(k["pending"], {}), grid.editor_edits(st.session_state.get(k["editor"]), order))
    st.session_state[k["pending"]] = edits
    return edits


def fresh_editor(book_id: int) -> None:
    """Start the editor over, without unsaved edits (after a save, a discard, an upload or a rewrite)."""
    k = keys(book_id)
    st.session_state.pop(k["pending"], None)
    st.session_state[k["generation"]] = st.session_state.get(k["generation"], 0) + 1


def end_draft(engine: Engine, user: User, book_id: int) -> None:
    """Forget the server's draft of the book (its edits were dropped); when the library is busy
    the next run's keep_draft ends it instead."""
    try:
        drafts.discard(engine, user.id, book_id)
    except StorymakerError:
        return
    st.session_state[keys(book_id)["kept"]] = {}


def save_first(engine: Engine, user: User, book_id: int, scenes: list[int] | None = None) -> bool:
    """Save the unsaved edits (of `scenes`, or all) so pictures are drawn from the rows as edited."""
    edits = pending_edits(book_id)
    chosen = {s: e for s, e in edits.items() if scenes is None or s in scenes}
    if not chosen:
        return True
    try:
        review.save_edits(engine, user.id, book_id, chosen)
    except SceneError as error:
        notice("error", "Nothing was redrawn: fix these first.", error.problems)
        return False
    except StorymakerError as error:  # e.g. deleted meanwhile (in another tab), locked too long
        notice("error", render.md_escape(error))
        return False
    st.session_state[keys(book_id)["pending"]] = {s: e for s, e in edits.items() if s not in chosen}
    st.session_state[keys(book_id)["kept"]] = {}  # the save ended the draft; the next run keeps what is left
    return True


def clicked_scene(book_id: int, which: str) -> int | None:
    click: Any = st.session_state.get(keys(book_id)[which])  # whatever the grid left there: checked below
    order = st.session_state.get(keys(book_id)["order"], [])
    try:
        return order[int(click["row"])]
    except (TypeError, KeyError, ValueError, IndexError):
        return None


def on_regenerate(engine: Engine, user: User, book_id: int) -> None:
    """A row's Regenerate: save that row's edits, then queue its page (the click says which row)."""
    scene = clicked_scene(book_id, "regenerate")
    if scene is None or not save_first(engine, user, book_id, [scene]):
        return
    try:
        studio.regenerate_page(engine, user.id, book_id, scene)
    except StorymakerError as error:
        notice("error", render.md_escape(error))
        return
    redrawn(engine, user, book_id, scene, later="Its picture updates in the grid when it is done.")


def redrawn(engine: Engine, user: User, book_id: int, scene: int, *, later: str) -> None:
    """Run the redraw just queued, wait for it a moment, and say how it went (or, `later`, when it shows)."""
    session.run_queued_jobs()
    status = studio.wait_for_page(engine, user.id, book_id, scene, SHOWN_WITHIN_S)
    if status is None:
        render.flash(f"Redrawing page {scene}. {later}")
    elif status == JobStatus.SUCCEEDED:
        render.flash(f"Page {scene} redrawn: the new picture is its newest take.")
    elif status == JobStatus.FAILED:
        render.flash(f"Page {scene} could not be redrawn: its row says why.")


def on_open(book_id: int) -> None:
    scene = clicked_scene(book_id, "open")
    if scene is not None:
        st.session_state[PREVIEW] = (book_id, scene)


def close_preview() -> None:
    st.session_state.pop(PREVIEW, None)


@st.dialog("Page preview", width="large", on_dismiss=close_preview)  # closed with its X or Esc
def preview_dialog(engine: Engine, user: User, book_id: int, scene: int) -> None:
    try:
        page = review.preview(engine, user.id, book_id, scene)
    except NotFound:
        st.warning("That page is not there any more.")
        return
    picture, words = st.columns([3, 2], gap="medium", vertical_alignment="center")
    with picture:
        if page.picture:
            render.picture(page.picture, width="stretch")
        else:
            st.info("This picture is missing from the book's folder: **Redraw missing pictures** draws it again."
                    if page.status == books.DONE else
                    "This page has no picture yet." if page.status != books.FAILED else render.md("No picture: {}", page.error))
    with words:
        st.subheader(f"{page.scene.scene}. {render.md_escape(page.scene.title)}", anchor=False)
        render.reading_text(page.scene.text)
        st.caption("Picture: " + render.md_escape(page.scene.illustration))
        studio_pages.panel(engine, user, book_id, scene)
        redraw_with_note(engine, user, book_id, scene)
    studio_rewrite.panel(engine, user, book_id, page.scene)
    studio_takes.panel(engine, user, book_id, scene)


def redraw_with_note(engine: Engine, user: User, book_id: int, scene: int) -> None:
    """Regenerate with an optional note, added to this page's picture prompt for the next take only."""
    with st.form(f"studio_note_{book_id}_{scene}", border=False, clear_on_submit=False):
        note = st.text_input("Note for the new picture (optional)", max_chars=200, key=f"studio_note_text_{book_id}_{scene}",
                             placeholder="e.g. at night, in the rain, make Pip bigger")
        if not st.form_submit_button("Regenerate", icon=":material/autorenew:"):
            return
    if not save_first(engine, user, book_id, [scene]):
        st.rerun()  # the notice says what to fix
    try:
        studio.regenerate_page(engine, user.id, book_id, scene, note)
    except StorymakerError as error:
        st.error(render.md_escape(error))
        return
    redrawn(engine, user, book_id, scene, later="The new take appears here and in the grid when it is done.")
    st.rerun()


@st.dialog("Rewrite the whole story?", on_dismiss=lambda: st.session_state.pop(REWRITING, None))
def confirm_rewrite(engine: Engine, user: User, book: books.Book) -> None:
    st.write("The story is written again from the title, characters and options, and every page is "
             "drawn again. The words you have now, saved or not, are replaced.")
    st.caption("To keep a copy, download story.csv first.")
    rewrite, keep = st.columns(2)
    if rewrite.button("Rewrite", type="primary", key="confirm_rewrite"):
        studio.rewrite_story(engine, user.id, book.id)
        fresh_editor(book.id)
        end_draft(engine, user, book.id)  # now: the grid is not shown again until the new story is written
        st.session_state.pop(REWRITING, None)
        session.run_queued_jobs()
        render.flash("Rewriting the story. The pages follow.")
        st.rerun()
    if keep.button("Keep the story", key="keep_story"):
        st.session_state.pop(REWRITING, None)
        st.rerun()


def draft_offer(engine: Engine, user: User, book_id: int, pending: grid.Edits) -> grid.Edits:
    """Offer the server's draft of the book (Keep / Discard) to a tab without edits of its own;
    returns the draft still on offer ({} when none)."""
    k = keys(book_id)
    offer: grid.Edits = st.session_state.get(k["offer"]) or {}
    # Only while this tab has put nothing there: a draft of its own that it has just dropped
    # (Discard edits, a rewrite) is ended by keep_draft, not offered back.
    if not offer and not pending and not st.session_state.get(k["kept"]):
        try:
            offer = drafts.offer(engine, user.id, book_id)
        except Busy:
            return {}  # nothing to offer just now; the next run looks again
        if offer:
            st.session_state[k["offer"]] = offer
            st.session_state[k["kept"]] = offer  # what the server holds
    if not offer:
        return {}
    st.info(f"You have unsaved edits on {grid.page_list(offer)}, kept from an earlier visit or another "
            "device: keep them in the grid or discard them?", icon=":material/history:")
    with st.container(horizontal=True):
        keep = st.button("Keep", type="primary", key="studio_draft_keep")
        discard = st.button("Discard", key="studio_draft_discard")
    if keep or discard:
        try:
            if keep:  # read again: another device may have changed or ended it meanwhile
                found = drafts.offer(engine, user.id, book_id)
                st.session_state[k["pending"]] = grid.merged(found, pending_edits(book_id))  # this tab's own win
                st.session_state[k["generation"]] = st.session_state.get(k["generation"], 0) + 1
                if not found:
                    render.flash("Those edits were saved or discarded meanwhile: the grid has the saved words.")
            else:
                drafts.discard(engine, user.id, book_id)
                st.session_state[k["kept"]] = {}
        except StorymakerError as error:
            st.error(render.md_escape(error), icon=":material/hourglass_top:")
            return offer
        st.session_state.pop(k["offer"], None)
        st.rerun()
    return offer


def keep_draft(engine: Engine, user: User, book_id: int, pending: grid.Edits, offer: grid.Edits) -> None:
    """Put the tab's unsaved edits on the server when they changed (a draft still on offer stays in it)."""
    k = keys(book_id)
    wanted = grid.merged(offer, pending) if offer else pending
    if wanted == st.session_state.get(k["kept"], {}):
        return
    try:
        drafts.keep(engine, user.id, book_id, wanted)
    except StorymakerError:  # busy or unreachable (or the book went meanwhile): the tab still has them
        st.warning("Your unsaved edits could not be kept on the server just now; they are still in this tab.",
                   icon=":material/cloud_off:")
        return
    st.session_state[k["kept"]] = wanted


def review_grid(engine: Engine, user: User, book: books.Book, rows: list[review.GridRow]) -> grid.Edits:
    """The editor over the book's rows, outside any polling fragment; returns the unsaved edits."""
    k = keys(book.id)
    pending = grid.unsaved(pending_edits(book.id), rows)
    st.session_state[k["pending"]] = pending
    st.session_state[k["order"]] = [row.scene for row in rows]
    keep_draft(engine, user, book.id, pending, draft_offer(engine, user, book.id, pending))
    st.data_editor(
        grid.frame(rows, pending),
        key=k["editor"],
        column_config=grid.column_config(book.names, on_open=on_open,
                                         on_regenerate=partial(on_regenerate, engine, user),
                                         open_key=k["open"], regenerate_key=k["regenerate"], args=(book.id,),
                                         offline_painter=engine.image_model.is_offline),
        column_order=grid.COLUMNS,
        disabled=grid.READ_ONLY,
        num_rows="fixed",
        hide_index=True,
        row_height=grid.ROW_HEIGHT,
        height="content",
        alt=f"The pages of {book.title}",
    )
    return pending


def save_bar(engine: Engine, user: User, book_id: int, pending: grid.Edits) -> None:
    with st.container(horizontal=True, vertical_alignment="center"):
        save = st.button("Save", type="primary", icon=":material/save:", disabled=not pending, key="studio_save")
        discard = st.button("Discard edits", disabled=not pending, key="studio_discard")
    if pending:
        pages = ", ".join(str(s) for s in sorted(pending))
        st.warning(f"Unsaved edits on page{'s' if len(pending) > 1 else ''} {pages}. **Save** puts them in the book "
                   "and story.csv; until then they stay here (even if you visit another screen) but the book, the "
                   "Reader and story.csv do not have them.", icon=":material/edit_note:")
    if save:
        try:
            review.save_edits(engine, user.id, book_id, pending)
        except SceneError as error:
            st.error("Not saved: fix these first (your edits are still in the grid)."
                     + "".join(f"\n- {render.md_escape(p)}" for p in error.problems), icon=":material/error:")
        except StorymakerError as error:
            st.error(f"Not saved: {error} Your edits are still in the grid.",
                     icon=":material/hourglass_top:" if isinstance(error, Busy) else ":material/error:")
        else:
            fresh_editor(book_id)
            st.session_state[keys(book_id)["kept"]] = {}  # the save ended the draft
            render.flash(f"Saved page{'s' if len(pending) > 1 else ''} {', '.join(str(s) for s in sorted(pending))}.")
            st.rerun()
    if discard:
        fresh_editor(book_id)
        end_draft(engine, user, book_id)
        st.rerun()


def book_actions(engine: Engine, user: User, book: books.Book, rows: list[review.GridRow], pending: grid.Edits) -> None:
    st.subheader("The whole book", anchor=False)
    failed = [row.scene for row in rows if row.status == books.FAILED]
    with st.container(horizontal=True, vertical_alignment="center"):
        redraw_all = st.button("Regenerate all pictures", icon=":material/autorenew:", key="studio_redraw_all")
        if st.button("Rewrite the story", icon=":material/edit_note:", key="studio_rewrite"):
            st.session_state[REWRITING] = book.id
        retry = bool(failed or book.status in (books.NEEDS_ATTENTION, books.CANCELED)) and st.button(
            "Retry failed pages", icon=":material/refresh:", key="studio_retry")
        st.download_button("Download story.csv", data=lambda: review.export_csv(engine, user.id, book.id),
                           file_name="story.csv", mime="text/csv", icon=":material/download:", on_click="ignore",
                           key="studio_download")
    for pressed, action, message in (
        (redraw_all, studio.regenerate_all_pages, "Redrawing every page."),
        (retry, studio.retry_failed, "Trying the failed pages again."),
    ):
        if pressed and save_first(engine, user, book.id):
            action(engine, user.id, book.id)
            session.run_queued_jobs()
            render.flash(message)
            st.rerun()
        elif pressed:
            st.rerun()  # the notice says what to fix

    studio_restyle.panel(engine, user, book, save_first=lambda: save_first(engine, user, book.id))
    studio_takes.cover(engine, user, book.id)
    k = keys(book.id)
    # A tracked expander: it stays as the person left it when messages above it come and go
    # (an untracked one is drawn anew, folded, and hides the file just chosen and its button).
    with st.expander("Upload an edited story.csv", icon=":material/upload:", key=f"studio_upload_open_{book.id}",
                     on_change="rerun"):
        st.caption(f"UTF-8 CSV with the columns scene, title, text, illustration, characters and exactly "
                   f"{book.scene_count} rows. It replaces the words of every page; pictures stay until you redraw them.")
        upload = st.file_uploader("story.csv", type=["csv"], key=k["upload"], max_upload_size=1)
        replace = st.button("Replace the words from this file", disabled=upload is None, key="studio_import")
        if replace and upload is not None:
            if pending:
                st.error("You have unsaved edits in the grid: save or discard them first, so nothing you typed is lost.")
            else:
                try:
                    review.import_csv(engine, user.id, book.id, upload.getvalue())
                except SceneError as error:
                    st.error("Nothing was changed: the file does not fit this book."
                             + "".join(f"\n- {render.md_escape(p)}" for p in error.problems), icon=":material/error:")
                else:
                    fresh_editor(book.id)
                    render.flash("Replaced the words of all {} pages from {}.", book.scene_count, upload.name)
                    st.rerun()
    narration.panel(engine, user, book)
    downloads.panel(engine, user, book.id, book.title, where="studio", unsaved=bool(pending))


def open_dialog(engine: Engine, user: User, book: books.Book) -> None:
    """At most one dialog, and only for this book: a page to add or remove, a rewrite or a restyle to
    confirm, else a page to preview."""
    if studio_pages.open_dialog(engine, user, book):
        return
    if (style := studio_restyle.wanted(book.id)) is not None:
        studio_restyle.confirm(engine, user, book.id, style)
    elif (rewriting := st.session_state.get(REWRITING)) is not None:
        if rewriting == book.id:
            confirm_rewrite(engine, user, book)
        else:
            st.session_state.pop(REWRITING, None)
    elif (wanted := st.session_state.get(PREVIEW)) is not None:
        if isinstance(wanted, tuple) and wanted[0] == book.id:
            preview_dialog(engine, user, book.id, wanted[1])
        else:
            close_preview()


def review_screen(engine: Engine, user: User, book: books.Book, under_grid: Callable[[], None] | None = None) -> None:
    """The grid, `under_grid` (the redraw progress), Save, the whole-book actions and any dialog (once the book is made)."""
    rows = review.grid(engine, user.id, book.id)
    if not rows:
        st.info("This book has no story yet." + (" Retry to write it." if book.status != books.GENERATING else ""))
        if book.status != books.GENERATING and st.button("Retry", type="primary", key="studio_retry_story"):
            studio.retry_failed(engine, user.id, book.id)
            session.run_queued_jobs()
            st.rerun()
        st.stop()

    st.subheader("Pages", anchor=False)
    st.caption("Double-click a cell to edit it, then **Save**. **Regenerate** draws that page again from its row; "
               "**Open** shows the page at full size, to move it, add a page after it or remove it.")
    studio_pages.undo_bar(engine, user, book.id)
    pending = review_grid(engine, user, book, rows)
    if under_grid is not None:
        under_grid()
    save_bar(engine, user, book.id, pending)
    book_actions(engine, user, book, rows, pending)
    open_dialog(engine, user, book)
