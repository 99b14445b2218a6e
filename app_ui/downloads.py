"""Download buttons for a finished book (the Reader and the Studio): one per format.

Each file is made only when its button is clicked (`st.download_button` with a callable,
run by Streamlit on its own thread), so opening a page never renders an export; the
core keeps what it made per version of the book, so a second click is instant. Whether
the book can be exported is checked on every run without reading a picture; a book
that cannot be says why instead of offering buttons. The print options sit with the
print buttons; the resolution report is worked out only while that section is open.
"""

from __future__ import annotations


import streamlit as st

from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.errors import NotFound, StorymakerError
from storymaker.exports import LAYOUTS, PAPERS, TRIMS, ExportOptions, NotReady
from storymaker.services import exports as export_service

LABELS = {"pdf": "PDF to read", "epub": "EPUB", "zip": "ZIP", "print": "Print interior", "cover": "Print cover"}
HELP = {
    "pdf": "Cover, title page, every page with its picture and words, The End. Small enough to e-mail.",
    "epub": "A fixed-layout picture book for e-readers (Apple Books, Kobo, Thorium...).",
    "zip": "Everything: story.csv, every picture at full size, the cover, both PDFs and a README.",
    "print": "The interior for a print-on-demand service: bleed, 300 DPI pictures, page count padded.",
    "cover": "The printed cover: back, spine and front on one sheet, with bleed.",
}
LAYOUT_WORDS = {"spread": "Spread: picture facing its words", "single": "Single: words over the picture"}


def _keys(where: str, book_id: int) -> dict[str, str]:
    return {name: f"{where}_download_{name}_{book_id}" for name in ("trim", "layout", "paper", "print_open")}


def chosen_options(where: str, book_id: int) -> ExportOptions:
    """The print options as chosen on this page (their widgets come later in the run)."""
    k, state, default = _keys(where, book_id), st.session_state, ExportOptions()
    return ExportOptions(state.get(k["trim"], default.trim), state.get(k["layout"], default.layout),
                         state.get(k["paper"], default.paper))


def _button(engine: Engine, user: User, book_id: int, title: str, fmt: str, options: ExportOptions,
            where: str) -> None:
    key = f"{where}_download_{fmt}_{book_id}"

    def made() -> bytes:  # Streamlit calls this on the click, on a thread of its own
        return export_service.export(engine, user.id, book_id, fmt, options).data

    st.download_button(LABELS[fmt], data=made, file_name=export_service.file_name(title, book_id, fmt),
                       mime=export_service.FORMATS[fmt].mime, on_click="ignore", icon=":material/download:",
                       help=HELP[fmt], key=key)


def _resolution_report(engine: Engine, user: User, book_id: int, options: ExportOptions) -> None:
    try:
        lines = export_service.resolution_report(engine, user.id, book_id, options)
    except StorymakerError as error:
        st.warning(str(error), icon=":material/warning:")
        return
    if lines:
        st.warning("Some pictures are below 300 DPI at their printed size and may print soft:\n"
                   + "".join(f"\n- {line}" for line in lines), icon=":material/photo_size_select_large:")
    else:
        st.caption("Every picture is at 300 DPI or more at its printed size.")


def panel(engine: Engine, user: User, book_id: int, title: str, where: str, unsaved: bool = False) -> None:
    """The book's download buttons, or why it cannot be downloaded yet. `where` keeps two pages' widgets apart."""
    st.markdown("**Download**")
    try:
        export_service.check_ready(engine, user.id, book_id)
    except NotReady as error:
        st.info(str(error), icon=":material/hourglass_top:")
        return
    except NotFound:
        return  # the page already says the book is not there
    if unsaved:
        st.caption("Downloads hold the saved book: save your edits to include them.")
    k = _keys(where, book_id)
    options = chosen_options(where, book_id)
    with st.container(horizontal=True):
        for fmt in ("pdf", "epub", "zip"):
            _button(engine, user, book_id, title, fmt, options, where)
    # Tracked, so the report (which reads every picture) is worked out only while it is open.
    box = st.expander("Print-ready PDFs, for a print-on-demand service", icon=":material/print:",
                      key=k["print_open"], on_change="rerun")
    with box:
        trim, layout, paper = st.columns(3)
        trim.selectbox("Trim size", list(TRIMS), key=k["trim"], format_func=lambda t: t.replace("x", " x ") + " in")
        layout.selectbox("Layout", list(LAYOUTS), key=k["layout"], format_func=lambda name: LAYOUT_WORDS.get(name, name))
        paper.selectbox("Paper", list(PAPERS), key=k["paper"], format_func=str.capitalize,
                        help="The paper sets the spine's width on the cover.")
        with st.container(horizontal=True):
            for fmt in ("print", "cover"):
                _button(engine, user, book_id, title, fmt, options, where)
        if box.open:
            _resolution_report(engine, user, book_id, options)
