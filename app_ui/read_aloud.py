"""Read aloud in the Reader: the page's words with a small player (read_aloud.js) that speaks
them with the browser's own voices and lights each word as it is spoken.

It replaces the plain words on the page (the player draws them itself, one span a word, so it
can light them). "Read the whole book" turns the page at the end of each one: the player
triggers "finished", this module moves `?page=` on and tells the next page to start by itself.
"""

from __future__ import annotations

import pkgutil
from typing import Any, Callable

import streamlit as st

from storymaker import languages

AUTOPLAY = "read_aloud_autoplay"  # (book, page) that "Read the whole book" turned to

_HTML = """
<div class="sm-read">
  <div class="sm-controls" role="group" aria-label="Read aloud">
    <button type="button" data-act="page">Read aloud</button>
    <button type="button" data-act="book">Read the whole book</button>
    <button type="button" data-act="pause" disabled>Pause</button>
    <button type="button" data-act="stop" disabled>Stop</button>
    <label>Speed <select name="rate">
      <option value="0.75">0.75×</option><option value="1" selected>1×</option><option value="1.25">1.25×</option>
    </select></label>
    <label>Voice <select name="voice"></select></label>
  </div>
  <p class="sm-status" role="status" aria-live="polite"></p>
  <div class="sm-words"></div>
</div>
"""

_CSS = """
.sm-read { font-family: var(--st-font, inherit); color: var(--st-text-color, inherit); }
.sm-controls { display: flex; flex-wrap: wrap; gap: 0.4rem 0.5rem; align-items: center; margin: 0.25rem 0 0.5rem; }
.sm-controls button {
  font: inherit; font-size: 0.95rem; min-height: 2.5rem; padding: 0.3rem 0.8rem; cursor: pointer;
  border-radius: 0.5rem; border: 1px solid var(--st-border-color, #d8c4a6);
  background: var(--st-secondary-background-color, #fbe9cf); color: inherit;
}
.sm-controls button[data-act=page], .sm-controls button[data-act=book] {
  background: var(--st-primary-color, #d9653b); border-color: transparent; color: #fff;
}
.sm-controls button:disabled { opacity: 0.45; cursor: default; }
.sm-controls label { font-size: 0.9rem; display: inline-flex; gap: 0.3rem; align-items: center; }
.sm-controls select { font: inherit; font-size: 0.9rem; min-height: 2.2rem; max-width: 11rem; border-radius: 0.4rem; }
.sm-status { font-size: 0.9rem; opacity: 0.8; min-height: 1.2em; margin: 0; }
.sm-words { font-size: 1.45rem; line-height: 1.7; max-width: 42rem; margin: 0.5rem auto; white-space: pre-line; }
.sm-word { border-radius: 0.25rem; transition: background-color 80ms linear; }
.sm-word.sm-now { background: #ffe08a; box-shadow: 0 0 0 0.12rem #ffe08a; }
"""

_JS = (pkgutil.get_data(__package__ or "app_ui", "read_aloud.js") or b"").decode("utf-8")  # shipped beside this module
_component = st.components.v2.component("storymaker.read_aloud", html=_HTML, css=_CSS, js=_JS)


def page_words(book_id: int, page: int, last: int, text: str, language: str,
               turn_to: Callable[[int], None], intro: str = "") -> None:
    """The page's words with the player; `intro` is said first (the cover's title, shown above
    the words). `turn_to(n)` moves the Reader to page n (and reruns)."""
    # Which page is to start reading by itself: the one "Read the whole book" turned to. The data
    # stays the same on every run of that page, so the player is not started twice.
    autoplay = st.session_state.get(AUTOPLAY) == (book_id, page)
    data: dict[str, Any] = {"text": text, "lang": languages.tag_for(language), "page": page,
                            "last": page >= last, "autoplay": autoplay, "intro": intro}
    result = _component(data=data, key=f"read_aloud_{book_id}_{page}", on_finished_change=lambda: None)
    finished = getattr(result, "finished", None)
    if isinstance(finished, dict) and finished.get("page") == page and page < last:
        st.session_state[AUTOPLAY] = (book_id, page + 1)
        turn_to(page + 1)
