"""Studio: make a book (the form), watch it being made, then review and fix every page in the grid.

Without `?book=ID` it shows the form; with it, that book of the user's (anybody
else's id reads as "Book not found."). While jobs run, only a small fragment polls;
the editor sits outside it, and unsaved edits are kept in session state (app_ui.grid).
"""

import html

import streamlit as st

from storymaker import books, characters, jobs, previews, review, studio, styles
from storymaker.books import BookError, BookOptions
from storymaker.scenes import SceneError
from app_ui import grid, render, session

user = session.require_user()
engine = session.engine()
db = engine.db()

POLL_S = 1.0
LANGUAGES = ["English", "Spanish", "French", "German", "Italian", "Portuguese", "Dutch", "Polish", "Swedish",
             "Turkish", "Ukrainian", "Chinese", "Japanese", "Korean", "Hindi", "Arabic"]
FORM_ERRORS, NOTICE, PREVIEW, REWRITING = "studio_form_errors", "studio_notice", "studio_preview", "studio_rewriting"
FIELD = {name: f"studio_{name}" for name in ("title", "characters", "premise", "age_band", "style", "language", "scene_count")}


def as_int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def offline_cannot_write(language: str) -> bool:
    writes = getattr(engine.text_model, "writes", None)
    return bool(engine.text_model.is_offline and writes is not None and not writes(language))


def notice(kind: str, message: str, problems: list[str] | None = None) -> None:
    """A message for the next run (set in callbacks, which cannot draw)."""
    st.session_state[NOTICE] = (kind, message, problems or [])


def show_notice() -> None:
    kind, message, problems = st.session_state.pop(NOTICE, (None, None, None))
    if kind:
        body = message + ("".join(f"\n- {render.md_escape(p)}" for p in problems) if problems else "")
        (st.error if kind == "error" else st.warning)(body, icon=":material/error:")


# ---------------------------------------------------------------- step 1: the form


def field_error(name: str) -> None:
    message = st.session_state.get(FORM_ERRORS, {}).get(name)
    if message:
        st.error(message, icon=":material/error:")


def generate() -> None:
    """The form's submit callback: every bad field is named at once; nothing typed is lost."""
    state = st.session_state
    options = BookOptions(
        title=state.get(FIELD["title"]) or "",
        premise=state.get(FIELD["premise"]) or "",
        age_band=state.get(FIELD["age_band"]) or "",
        style=state.get(FIELD["style"]) or "",
        language=state.get(FIELD["language"]) or "",
        scene_count=state.get(FIELD["scene_count"]) or 0,
    )
    chosen = [c for c in state.get(FIELD["characters"]) or [] if isinstance(c, int)]
    problems: dict[str, str] = {}
    try:
        options = options.cleaned()
    except BookError as error:
        problems.update(error.fields)
    if not chosen:
        problems["characters"] = "Choose at least one character."
    if not problems:
        try:
            book_id = studio.start_book(engine, user.id, options, chosen)
        except BookError as error:
            problems.update(error.fields)
    state[FORM_ERRORS] = problems
    if problems:
        return
    for key in (FIELD["title"], FIELD["premise"]):  # a fresh form next time
        state.pop(key, None)
    if offline_cannot_write(options.language):
        notice("warning", f"The offline writer cannot write {render.md_escape(options.language)}, so this "
                          "story is written in English.")
    session.run_queued_jobs()  # only in inline mode; otherwise the background runner makes it
    st.query_params.from_dict({"book": str(book_id)})


def new_book_form() -> None:
    st.title("Studio")
    st.write("A title and a few characters in, an illustrated picture book out.")
    render.models_notice(engine)
    show_notice()
    cast = characters.list_for(db, user.id)
    if not cast:
        st.info("A book needs at least one character, and you have none yet.", icon=":material/face:")
        st.page_link("app_pages/characters.py", label="Create your characters first", icon=":material/person_add:")
    names = {c.id: c.name for c in cast}

    with st.form("new_book", border=True):
        st.text_input("Title", key=FIELD["title"], max_chars=books.MAX_TITLE, placeholder="The Lighthouse Cat",
                      persist_state="session")
        field_error("title")
        st.multiselect("Characters", list(names), format_func=lambda i: names.get(i, "?"), key=FIELD["characters"],
                       max_selections=books.MAX_CAST, placeholder="Choose one or more of your characters",
                       help=f"Up to {books.MAX_CAST}. The book keeps its own copy of them.")
        field_error("characters")
        st.text_area("Premise or lesson (optional)", key=FIELD["premise"], max_chars=books.MAX_PREMISE, height=80,
                     placeholder="Keeping a promise, even when it is hard", persist_state="session")
        field_error("premise")
        st.radio("Age band", list(styles.AGE_BANDS), key=FIELD["age_band"], horizontal=True,
                 index=list(styles.AGE_BANDS).index(styles.DEFAULT_AGE_BAND), format_func=lambda a: f"Ages {a}")
        field_error("age_band")
        st.markdown("**Art style**")
        gallery = st.grid("auto", min_column_width=110, gap="small")
        for key, art in styles.ART_STYLES.items():
            with gallery.cell():
                st.image(previews.style_preview(key), caption=art.label, output_format="JPEG", width="stretch")
        st.radio("Art style", list(styles.ART_STYLES), key=FIELD["style"], horizontal=True,
                 index=list(styles.ART_STYLES).index(styles.DEFAULT_STYLE),
                 format_func=lambda s: styles.ART_STYLES[s].label, label_visibility="collapsed")
        field_error("style")
        st.selectbox("Language", LANGUAGES, key=FIELD["language"], accept_new_options=True,
                     help="Type another language if it is not in the list.")
        if engine.text_model.is_offline and getattr(engine.text_model, "languages", None):
            st.caption("The offline writer writes in " + ", ".join(engine.text_model.languages) +
                       " only: a book in any other language comes out in English.")
        field_error("language")
        st.number_input("Number of scenes", min_value=styles.MIN_SCENES, max_value=styles.MAX_SCENES,
                        value=styles.DEFAULT_SCENES, step=1, key=FIELD["scene_count"],
                        help="One picture and a little text per scene.")
        field_error("scene_count")
        st.form_submit_button("Generate", type="primary", icon=":material/auto_awesome:", on_click=generate)


# ---------------------------------------------------------------- step 2: the book


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


def save_first(book_id: int, scenes: list[int] | None = None) -> bool:
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
    except review.NotYours as error:  # deleted meanwhile (in another tab)
        notice("error", str(error))
        return False
    st.session_state[keys(book_id)["pending"]] = {s: e for s, e in edits.items() if s not in chosen}
    return True


def clicked_scene(book_id: int, which: str) -> int | None:
    click = st.session_state.get(keys(book_id)[which])
    order = st.session_state.get(keys(book_id)["order"], [])
    try:
        return order[int(click["row"])]
    except (TypeError, KeyError, ValueError, IndexError):
        return None


def on_regenerate(book_id: int) -> None:
    """A row's Regenerate: save that row's edits, then queue its page (the click says which row)."""
    scene = clicked_scene(book_id, "regenerate")
    if scene is None or not save_first(book_id, [scene]):
        return
    try:
        studio.regenerate_page(engine, user.id, book_id, scene)
    except studio.NotFound as error:
        notice("error", str(error))
        return
    session.run_queued_jobs()
    render.flash(f"Redrawing page {scene}. Its picture updates in the grid when it is done.")


def on_open(book_id: int) -> None:
    scene = clicked_scene(book_id, "open")
    if scene is not None:
        st.session_state[PREVIEW] = (book_id, scene)


def close_preview() -> None:
    st.session_state.pop(PREVIEW, None)


@st.dialog("Page preview", width="large", on_dismiss=close_preview)  # closed with its X or Esc
def preview_dialog(book_id: int, scene: int) -> None:
    try:
        page = review.preview(engine, user.id, book_id, scene)
    except review.NotYours:
        st.warning("That page is not there any more.")
        return
    picture, words = st.columns([3, 2], gap="medium", vertical_alignment="center")
    with picture:
        if page.picture:
            render.picture(page.picture, width="stretch")
        else:
            st.info("This page has no picture yet." if page.status != books.FAILED else f"No picture: {page.error}")
    with words:
        st.subheader(f"{page.scene.scene}. {render.md_escape(page.scene.title)}", anchor=False)
        render.reading_text(page.scene.text)
        st.caption("Picture: " + render.md_escape(page.scene.illustration))


@st.dialog("Rewrite the whole story?", on_dismiss=lambda: st.session_state.pop(REWRITING, None))
def confirm_rewrite(book: books.Book) -> None:
    st.write("The story is written again from the title, characters and options, and every page is "
             "drawn again. The words you have now, saved or not, are replaced.")
    st.caption("To keep a copy, download story.csv first.")
    rewrite, keep = st.columns(2)
    if rewrite.button("Rewrite", type="primary", key="confirm_rewrite"):
        studio.rewrite_story(engine, user.id, book.id)
        fresh_editor(book.id)
        st.session_state.pop(REWRITING, None)
        session.run_queued_jobs()
        render.flash("Rewriting the story. The pages follow.")
        st.rerun()
    if keep.button("Keep the story", key="keep_story"):
        st.session_state.pop(REWRITING, None)
        st.rerun()


def page_cards(book_id: int, now: studio.Progress) -> None:
    """While the whole book is being made: every page's status, with its thumbnail once drawn."""
    thumbs = review.thumbnails(engine, user.id, book_id)
    cards = st.grid("auto", min_column_width=120, gap="small")
    for row in now.scenes:
        number = row.scene.scene
        with cards.cell():
            if number in thumbs:
                render.picture(thumbs[number], width="stretch")
            else:
                st.html("<div style=\"aspect-ratio:1;background:#fbe9cf;border-radius:0.4rem;display:flex;"
                        "align-items:center;justify-content:center;color:#8a6d5a;\">"
                        f"{html.escape(grid.STATUS.get(row.status, row.status))}</div>")
            st.caption(f"Page {number} · {grid.STATUS.get(row.status, row.status)}"
                       + (f": {render.md_escape(row.error)}" if row.status == books.FAILED and row.error else ""))


def live(book_id: int, making: bool, shown: dict[int, tuple[int, str]]) -> None:
    """Progress while jobs run; only this reruns every second. The whole page reruns once the book is
    done, and (in grid mode) when a page's picture or status changes, so its row updates in place."""
    try:
        now = studio.progress(engine, user.id, book_id)
    except studio.NotFound:
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
            if making and now.scenes:
                page_cards(book_id, now)
        if st.button("Cancel", icon=":material/stop_circle:", key="studio_cancel",
                     help="Stop drawing. Pages already drawn are kept; Retry failed pages draws the rest."):
            studio.cancel(engine, user.id, book_id)
            render.flash("Canceled. Pages already drawn are kept; **Retry failed pages** draws the others.")
            st.rerun()


def review_grid(book: books.Book, rows: list[review.GridRow]) -> dict[int, dict[str, str]]:
    """The editor over the book's rows, outside any polling fragment; returns the unsaved edits."""
    k = keys(book.id)
    pending = grid.unsaved(pending_edits(book.id), rows)
    st.session_state[k["pending"]] = pending
    st.session_state[k["order"]] = [row.scene for row in rows]
    st.data_editor(
        grid.frame(rows, pending),
        key=k["editor"],
        column_config=grid.column_config(book.names, on_open=on_open, on_regenerate=on_regenerate,
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


def save_bar(book_id: int, pending: grid.Edits) -> None:
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
        else:
            fresh_editor(book_id)
            render.flash(f"Saved page{'s' if len(pending) > 1 else ''} {', '.join(str(s) for s in sorted(pending))}.")
            st.rerun()
    if discard:
        fresh_editor(book_id)
        st.rerun()


def book_actions(book: books.Book, rows: list[review.GridRow], pending: grid.Edits) -> None:
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
        if pressed and save_first(book.id):
            action(engine, user.id, book.id)
            session.run_queued_jobs()
            render.flash(message)
            st.rerun()
        elif pressed:
            st.rerun()  # the notice says what to fix

    k = keys(book.id)
    with st.expander("Upload an edited story.csv", icon=":material/upload:"):
        st.caption(f"UTF-8 CSV with the columns scene, title, text, illustration, characters and exactly "
                   f"{book.scene_count} rows. It replaces the words of every page; pictures stay until you redraw them.")
        upload = st.file_uploader("story.csv", type=["csv"], key=k["upload"], max_upload_size=1)
        if st.button("Replace the words from this file", disabled=upload is None, key="studio_import"):
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
                    render.flash(f"Replaced the words of all {book.scene_count} pages from {upload.name}.")
                    st.rerun()


def book_screen(book_id: int) -> None:
    book = books.get(db, user.id, book_id)
    if book is None:
        st.title("Studio")
        st.warning("Book not found.")
        st.page_link("app_pages/my_books.py", label="Back to My Books", icon=":material/arrow_back:")
        st.stop()
    now = studio.progress(engine, user.id, book_id)
    # Making the book (its story, or pages never drawn yet): progress only, the grid opens when it is done.
    # Redrawing pages of a made book: the grid stays, and each page updates in it as it is redrawn.
    making = now.running and (now.story in jobs.ACTIVE or not now.scenes or any(
        r.image_version == 0 and r.status in (books.PENDING, books.DRAWING) for r in now.scenes))

    st.title(render.md_escape(book.title), anchor=False)
    style = styles.ART_STYLES.get(book.style)
    st.caption(f"Studio · {book.scene_count} pages · ages {book.age_band} · {style.label if style else book.style} · "
               f"{render.md_escape(book.language)}")
    with st.container(horizontal=True, vertical_alignment="center"):
        render.status_badge(book.status)
        st.page_link("app_pages/reader.py", label="Read it", icon=":material/menu_book:", query_params={"book": str(book.id)})
        st.page_link("app_pages/my_books.py", label="My Books", icon=":material/auto_stories:")
        if st.button("Start another book", icon=":material/add:", type="tertiary", key="studio_new"):
            st.query_params.clear()
            st.rerun()
    render.models_notice(engine)
    render.show_flash()
    show_notice()
    if offline_cannot_write(book.language):
        st.caption(f"The offline writer cannot write {render.md_escape(book.language)}: this book's words are in "
                   "English. With an OpenAI key (Settings), **Rewrite the story** writes it in that language.")
    if book.status == books.NEEDS_ATTENTION and book.error:
        st.error(book.error, icon=":material/error:")

    if now.running:
        shown = {r.scene.scene: (r.image_version, r.status) for r in now.scenes}
        st.fragment(live, run_every=POLL_S)(book_id, making, shown)
    if making:
        st.caption("The grid for reading and editing every page opens here when the pictures are drawn.")
        st.stop()

    rows = review.grid(engine, user.id, book_id)
    if not rows:
        st.info("This book has no story yet." + (" Retry to write it." if book.status != books.GENERATING else ""))
        if book.status != books.GENERATING and st.button("Retry", type="primary", key="studio_retry_story"):
            studio.retry_failed(engine, user.id, book_id)
            session.run_queued_jobs()
            st.rerun()
        st.stop()

    st.subheader("Pages", anchor=False)
    st.caption("Double-click a cell to edit it, then **Save**. **Regenerate** draws that page again from its row; "
               "**Open** shows the page at full size.")
    pending = review_grid(book, rows)
    save_bar(book_id, pending)
    book_actions(book, rows, pending)

    if (rewriting := st.session_state.get(REWRITING)) is not None:
        if rewriting == book.id:
            confirm_rewrite(book)
        else:
            st.session_state.pop(REWRITING, None)
    elif (wanted := st.session_state.get(PREVIEW)) is not None:
        if isinstance(wanted, tuple) and wanted[0] == book.id:
            preview_dialog(book.id, wanted[1])
        else:
            close_preview()


# ---------------------------------------------------------------- route

wanted = st.query_params.get("book")
if not wanted:
    new_book_form()
else:
    book_id = as_int(wanted)
    if book_id is None:
        st.title("Studio")
        st.warning("Book not found.")
        st.page_link("app_pages/my_books.py", label="Back to My Books", icon=":material/arrow_back:")
    else:
        book_screen(book_id)
