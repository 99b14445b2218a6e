"""Studio: new words for one page, in its preview dialog.

An instruction ("shorter", "make it rhyme") and **Propose new words** ask the text model; the page's
words and the proposed ones then sit side by side (stacked on a phone) with **Use the new words**,
**Try another** and **Keep the old words**. The proposal lives in session state, per book and page,
until it is used or dropped. Unsaved grid edits of the page are saved first, so the proposal rewrites
the words the person sees; a change reruns the whole app, so the grid shows the new words at once.
"""

from __future__ import annotations

import streamlit as st

from storymaker.accounts import User
from storymaker.engine import Engine
from storymaker.errors import StorymakerError
from storymaker.scenes import Scene
from storymaker.services import page_words
from app_ui import render, studio_review


def proposal_key(book_id: int, scene: int) -> str:
    return f"studio_proposal_{book_id}_{scene}"


def panel(engine: Engine, user: User, book_id: int, scene: Scene) -> None:
    """The instruction box and Propose new words, then the proposal (if any) beside the page's words."""
    key = proposal_key(book_id, scene.scene)
    st.markdown("**New words for this page**")
    with st.form(f"studio_rewrite_{book_id}_{scene.scene}", border=False, clear_on_submit=False):
        instruction = st.text_input(
            "How should the words change? (optional)", max_chars=page_words.MAX_INSTRUCTION,
            key=f"studio_rewrite_text_{book_id}_{scene.scene}", placeholder="e.g. shorter, make it rhyme, add a joke")
        asked = st.form_submit_button("Propose new words", icon=":material/edit_note:")
    if engine.text_model.is_offline:
        st.caption("The offline writer offers other wordings of this page and follows “shorter” and “longer”; "
                   "other wishes need a text model such as OpenAI's.")
    if asked:
        # The proposal rewrites the words as the person sees them: this page's unsaved grid edits first.
        if not studio_review.save_first(engine, user, book_id, [scene.scene]):
            st.rerun()  # the notice says what to fix
        _propose(engine, user, book_id, scene.scene, instruction, 0)
    proposal: page_words.Proposal | None = st.session_state.get(key)
    if proposal is not None:
        _compare(engine, user, book_id, proposal)


def _propose(engine: Engine, user: User, book_id: int, number: int, instruction: str, attempt: int) -> None:
    key = proposal_key(book_id, number)
    try:
        with st.spinner("Writing new words…"):
            st.session_state[key] = page_words.propose(engine, user.id, book_id, number, instruction, attempt)
    except StorymakerError as error:
        st.session_state.pop(key, None)
        st.error(render.md_escape(error), icon=":material/error:")
        return
    st.rerun()


def _compare(engine: Engine, user: User, book_id: int, proposal: page_words.Proposal) -> None:
    key = proposal_key(book_id, proposal.number)
    asked = f" (asked: “{render.md_escape(proposal.instruction)}”)" if proposal.instruction else ""
    with st.container(border=True, key=f"studio_proposal_box_{book_id}_{proposal.number}"):
        now, new = st.columns(2, gap="medium")  # Streamlit stacks them on a narrow screen
        with now:
            st.caption("Now")
            _words(proposal.old)
        with new:
            st.caption("Proposed" + asked)
            _words(proposal.new)
        with st.container(horizontal=True):
            use = st.button("Use the new words", type="primary", icon=":material/check:",
                            key=f"studio_proposal_use_{book_id}_{proposal.number}")
            again = st.button("Try another", icon=":material/refresh:",
                              key=f"studio_proposal_again_{book_id}_{proposal.number}")
            keep = st.button("Keep the old words", key=f"studio_proposal_keep_{book_id}_{proposal.number}")
    if use and proposal.number in studio_review.pending_edits(book_id):
        st.error(f"Page {proposal.number} has unsaved edits in the grid (made after these words were proposed): "
                 "save or discard them first, then propose again.", icon=":material/edit_note:")
    elif use:
        try:
            page_words.accept(engine, user.id, book_id, proposal)
        except StorymakerError as error:
            st.error(render.md_escape(error), icon=":material/error:")
            return
        st.session_state.pop(key, None)
        # The save ended the server's draft; the tab's other unsaved edits are kept there again next run.
        st.session_state[studio_review.keys(book_id)["kept"]] = {}
        render.flash(f"Page {proposal.number} has the new words.")
        st.rerun()
    if again:
        _propose(engine, user, book_id, proposal.number, proposal.instruction, proposal.attempt + 1)
    if keep:
        st.session_state.pop(key, None)
        st.rerun()


def _words(scene: Scene) -> None:
    st.markdown(f"**{render.md_escape(scene.title)}**")
    st.markdown(render.md_escape(scene.text).replace("\n", "  \n"))
