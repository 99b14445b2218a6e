"""Studio: a page's place in the book, from its preview dialog: move it up or down, add a page
after it, remove it (asked first, then "Page 4 removed. Undo" above the grid).

Unsaved grid edits are keyed by page number, so a change of numbers would put them on the wrong
page: every change here saves them first, as Regenerate does (`studio_review.save_first`), and
stops with the notice when they do not fit the book; the editor then starts over on the new rows.
One dialog at a time: Add and Remove close the preview and open their own; a move keeps the preview
open on the page it moved (it has another number now).
"""

from __future__ import annotations

import streamlit as st

from storymaker import books, styles
from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.errors import NotFound, StorymakerError
from storymaker.pages import TOO_FEW, TOO_MANY
from storymaker.scenes import MAX_FIELD_CHARS, Scene, SceneError
from storymaker.services import books as book_service
from storymaker.services import page_words, pages, review, studio
from storymaker.status import JobStatus
from app_ui import render, session, studio_review

ADDING, REMOVING, UNDO = "studio_adding", "studio_removing", "studio_undo"
FIELDS = ("title", "text", "illustration", "characters")


def _form_key(book_id: int, field: str) -> str:
    return f"page_new_{field}_{book_id}"


def panel(engine: Engine, user: User, book_id: int, scene: int) -> None:
    """The page's actions as one compact row under its words (in the preview dialog)."""
    book = book_service.get(engine, user.id, book_id)
    if book is None:
        return
    count = book.scene_count
    with st.container(horizontal=True, gap="small", key=f"page_actions_{book_id}"):
        up = st.button("Move up", icon=":material/arrow_upward:", disabled=scene <= 1, key="page_move_up")
        down = st.button("Move down", icon=":material/arrow_downward:", disabled=scene >= count, key="page_move_down")
        add = st.button("Add a page after this one", icon=":material/add:", disabled=count >= styles.MAX_SCENES,
                        key="page_add")
        remove = st.button("Remove this page", icon=":material/delete:", disabled=count <= styles.MIN_SCENES,
                           key="page_remove")
    if count <= styles.MIN_SCENES:
        st.caption(TOO_FEW)
    elif count >= styles.MAX_SCENES:
        st.caption(TOO_MANY)
    if up or down:
        _move(engine, user, book_id, scene, -1 if up else 1)
    elif add or remove:
        if not studio_review.save_first(engine, user, book_id):
            st.rerun()  # the notice says what to fix
        studio_review.fresh_editor(book_id)
        studio_review.close_preview()
        st.session_state[ADDING if add else REMOVING] = (book_id, scene)
        st.rerun()


def _move(engine: Engine, user: User, book_id: int, scene: int, direction: int) -> None:
    if not studio_review.save_first(engine, user, book_id):
        st.rerun()
    try:
        moved_to = pages.move_page(engine, user.id, book_id, scene, direction)
    except StorymakerError as error:
        st.error(render.md_escape(error))
        return
    studio_review.fresh_editor(book_id)
    st.session_state[studio_review.PREVIEW] = (book_id, moved_to)  # the dialog follows the page
    render.flash(f"Moved page {scene} {'up' if direction < 0 else 'down'}: it is page {moved_to} now.")
    st.rerun()


def open_dialog(engine: Engine, user: User, book: books.Book) -> bool:
    """Open this book's Add or Remove dialog if one was asked for; whether one was."""
    for state, dialog in ((ADDING, add_dialog), (REMOVING, confirm_remove)):
        wanted = st.session_state.get(state)
        if wanted is None:
            continue
        if isinstance(wanted, tuple) and wanted[0] == book.id:
            dialog(engine, user, book, wanted[1])
            return True
        st.session_state.pop(state, None)  # another book's
    return False


def _end_adding() -> None:
    st.session_state.pop(ADDING, None)
    for field in (*FIELDS, "drafts"):
        for key in [k for k in st.session_state if str(k).startswith(f"page_new_{field}_")]:
            st.session_state.pop(key, None)


def fill_form(book_id: int, scene: Scene) -> None:
    """Put a page's words in the Add dialog's form (before it is drawn): its first words, or a draft."""
    st.session_state[_form_key(book_id, "title")] = scene.title
    st.session_state[_form_key(book_id, "text")] = scene.text
    st.session_state[_form_key(book_id, "illustration")] = scene.illustration
    st.session_state[_form_key(book_id, "characters")] = list(scene.characters)


@st.dialog("Add a page", width="large", on_dismiss=_end_adding)
def add_dialog(engine: Engine, user: User, book: books.Book, after: int) -> None:
    st.caption(f"The new page becomes page {after + 1}" + (
        "; the pages after it move down one." if after < book.scene_count else ", the last one.")
        + " Its picture is drawn as soon as it is added.")
    if _form_key(book.id, "title") not in st.session_state:
        fill_form(book.id, Scene(0, "", "", "", _neighbours_cast(engine, user, book, after)))
    let_the_writer_draft_it(engine, user, book, after)
    write_it_myself(engine, user, book, after)


def let_the_writer_draft_it(engine: Engine, user: User, book: books.Book, after: int) -> None:
    """The text model writes the page from its neighbours and the book's arc into the form below, to be
    read and changed before it is added; pressed again, it drafts another."""
    drafts = _form_key(book.id, "drafts")
    attempt = st.session_state.get(drafts, 0)
    label = "Draft another" if attempt else "Let the writer draft it"
    if engine.text_model.is_offline:
        st.caption("The offline writer drafts a page that fits this place in the story: a try, a helper, a "
                   "celebration. Or write it yourself below.")
    if not st.button(label, icon=":material/edit_note:", key=f"page_draft_{book.id}"):
        return
    try:
        with st.spinner("Writing the page..."):
            drafted = page_words.draft_new_page(engine, user.id, book.id, after, attempt)
    except StorymakerError as error:
        st.error(render.md_escape(error))
        return
    fill_form(book.id, drafted)
    st.session_state[drafts] = attempt + 1
    st.rerun()


def _neighbours_cast(engine: Engine, user: User, book: books.Book, after: int) -> tuple[str, ...]:
    """Who is on the page before (or, for a new first page, the page after): a sensible start."""
    try:
        return review.preview(engine, user.id, book.id, max(1, after)).scene.characters
    except NotFound:
        return ()


def write_it_myself(engine: Engine, user: User, book: books.Book, after: int) -> None:
    """The new page's words typed in a small form, checked like a grid row, then added."""
    with st.form(f"page_new_{book.id}", border=False):
        title = st.text_input("Title", max_chars=MAX_FIELD_CHARS["title"], key=_form_key(book.id, "title"))
        text = st.text_area("Words", max_chars=MAX_FIELD_CHARS["text"], key=_form_key(book.id, "text"),
                            placeholder="What the page says, read aloud.")
        illustration = st.text_area("What the picture shows", max_chars=MAX_FIELD_CHARS["illustration"],
                                    key=_form_key(book.id, "illustration"), height=90)
        cast = st.multiselect("Who is on it", book.names, key=_form_key(book.id, "characters"))
        if not st.form_submit_button("Add the page", type="primary", icon=":material/add:"):
            return
    try:
        number = pages.add_page(engine, user.id, book.id, after, Scene(0, title, text, illustration, tuple(cast)))
    except SceneError as error:
        st.error("The page was not added: " + "; ".join(render.md_escape(p) for p in error.problems) + ".")
        return
    except books.BookError as error:  # the safety check: a sentence per refused field
        st.error("The page was not added. " + " ".join(render.md_escape(m) for m in error.fields.values()))
        return
    except StorymakerError as error:
        st.error(render.md_escape(error))
        return
    _end_adding()
    studio_review.fresh_editor(book.id)
    session.run_queued_jobs()
    drawn = studio.wait_for_page(engine, user.id, book.id, number, studio_review.SHOWN_WITHIN_S)
    render.flash(f"Added page {number}." + (
        "" if drawn == JobStatus.SUCCEEDED else
        " Its picture could not be drawn: its row says why." if drawn == JobStatus.FAILED else
        " Its picture appears in the grid when it is drawn."))
    st.rerun()


@st.dialog("Remove this page?", on_dismiss=lambda: st.session_state.pop(REMOVING, None))
def confirm_remove(engine: Engine, user: User, book: books.Book, number: int) -> None:
    st.write(f"Page {number} leaves the book with its pictures; the pages after it move up one.")
    st.caption("You can undo this right after.")
    remove, keep = st.columns(2)
    if remove.button(f"Remove page {number}", type="primary", key="confirm_remove_page"):
        try:
            removed = pages.remove_page(engine, user.id, book.id, number)
        except StorymakerError as error:
            st.error(render.md_escape(error))
            return
        st.session_state.pop(REMOVING, None)
        st.session_state[UNDO] = (book.id, removed.scene_id, removed.number)
        studio_review.fresh_editor(book.id)
        st.rerun()
    if keep.button("Keep it", key="keep_page"):
        st.session_state.pop(REMOVING, None)
        st.rerun()


def undo_bar(engine: Engine, user: User, book_id: int) -> None:
    """"Page 4 removed. Undo" above the grid, while the removed page can still be put back."""
    wanted = st.session_state.get(UNDO)
    if not (isinstance(wanted, tuple) and wanted[0] == book_id):
        return
    _, scene_id, number = wanted
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key=f"page_undo_{book_id}"):
        st.markdown(f":material/delete: Page {number} removed.")
        undo = st.button("Undo", icon=":material/undo:", key="page_undo")
        dismiss = st.button("Dismiss", type="tertiary", key="page_undo_dismiss")
    if dismiss:
        st.session_state.pop(UNDO, None)
        st.rerun()
    if not undo:
        return
    if not studio_review.save_first(engine, user, book_id):
        st.rerun()
    try:
        back = pages.undo_remove(engine, user.id, book_id, scene_id)
    except StorymakerError as error:
        st.session_state.pop(UNDO, None)
        st.warning(render.md_escape(error))
        return
    st.session_state.pop(UNDO, None)
    studio_review.fresh_editor(book_id)
    session.run_queued_jobs()
    render.flash(f"Page {back} is back.")
    st.rerun()
