"""Read aloud in the Reader: the page's words with a small player (read_aloud.js) that speaks
them with the browser's own voices and lights each word as it is spoken.

It replaces the plain words on the page (the player draws them itself, one span a word, so it
can light them). "Read the whole book" turns the page at the end of each one: the player
triggers "finished", this module moves `?page=` on and tells the next page to start by itself.
"""

from __future__ import annotations

import base64
import pkgutil
from typing import Any, Callable

import streamlit as st

from storymaker import languages, narration
from storymaker.narration import PageNarration

AUTOPLAY = "read_aloud_autoplay"  # (book, page) that "Read the whole book" turned to

# The player (read_aloud.js, shared with the public share page) and this component's adapter: the
# player draws its controls and the words into the component's element; "finished" turns the page.
_ADAPTER = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) return;
  const player = mountReadAloud(parentElement.querySelector(".sm-read"), {
    ...data,
    onFinished: (page) => setTriggerValue("finished", { page, nonce: Date.now() }),
  });
  return () => player.destroy();
}
"""


def _shipped(name: str) -> str:
    return (pkgutil.get_data(__package__ or "app_ui", name) or b"").decode("utf-8")  # beside this module


_component = st.components.v2.component("storymaker.read_aloud", html='<div class="sm-read"></div>',
                                        css=_shipped("read_aloud.css"), js=_shipped("read_aloud.js") + _ADAPTER)


def page_words(book_id: int, page: int, last: int, text: str, language: str,
               turn_to: Callable[[int], None], intro: str = "", narration: dict[str, Any] | None = None) -> None:
    """The page's words with the player; `intro` is said first (the cover's title, shown above
    the words). `turn_to(n)` moves the Reader to page n (and reruns). `narration`: the page's
    narration audio, `{"src", "voice", "words"}` (words from `storymaker.narration.utf16_offsets`),
    or None for the browser's voices only."""
    # Which page is to start reading by itself: the one "Read the whole book" turned to. The data
    # stays the same on every run of that page, so the player is not started twice.
    autoplay = st.session_state.get(AUTOPLAY) == (book_id, page)
    data: dict[str, Any] = {"text": text, "lang": languages.tag_for(language), "page": page,
                            "last": page >= last, "autoplay": autoplay, "intro": intro, "narration": narration}
    result = _component(data=data, key=f"read_aloud_{book_id}_{page}", on_finished_change=lambda: None)
    finished = getattr(result, "finished", None)
    if isinstance(finished, dict) and finished.get("page") == page and page < last:
        st.session_state[AUTOPLAY] = (book_id, page + 1)
        turn_to(page + 1)


def narration_data(made: PageNarration | None) -> dict[str, Any] | None:
    """A page's narration for the player: its audio as a data: address (the owner's tab holds
    it; no route serves a private book's audio), its voice and its words' timings."""
    if made is None:
        return None
    src = f"data:{made.mime};base64," + base64.b64encode(made.audio).decode("ascii")
    return {"src": src, "voice": made.voice.title(), "words": narration.utf16_offsets(made.text, made.words)}
