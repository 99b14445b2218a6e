"""Read aloud in a real Chromium. Headless Chromium has no voices, so `speechSynthesis` is
replaced by a recording stub before the app loads: it says which words it was asked to speak,
sends a word-boundary event per word (or none, to test the estimate) and ends the utterance.
"""

from __future__ import annotations

import pytest

from storymaker.services import samples

from .support import SHOTS, idle, opened, sign_up  # skips without Chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402

# A voice for English; each utterance is recorded, then "spoken" a word every 60 ms.
STUB = """
(() => {
  const spoken = (window.__spoken = []);
  window.__voices = [{name: "Stub English", lang: "en-US", voiceURI: "stub-en", localService: true}];
  window.__boundaries = true;  // false: a browser that sends no word boundaries
  let current = null, timer = null, queue = [], paused = false;
  function next() {
    if (current || !queue.length) return;
    current = queue.shift();
    const u = current;
    spoken.push({text: u.text, lang: u.lang, rate: u.rate, voice: u.voice ? u.voice.name : null});
    u.onstart && u.onstart({});
    const words = [...u.text.matchAll(/\\S+/g)];
    let i = 0;
    const tick = () => {
      if (current !== u) return;
      if (paused) { timer = setTimeout(tick, 60); return; }
      if (i < words.length) {
        if (window.__boundaries) u.onboundary && u.onboundary({name: "word", charIndex: words[i].index});
        i += 1;
        timer = setTimeout(tick, 60);
      } else {
        current = null;
        u.onend && u.onend({});
        next();
      }
    };
    timer = setTimeout(tick, 20);
  }
  const synth = {
    get speaking() { return current !== null; },
    get pending() { return queue.length > 0; },
    get paused() { return paused; },
    getVoices: () => window.__voices,
    speak(u) { queue.push(u); next(); },
    cancel() {
      queue = [];
      const u = current;
      current = null;
      clearTimeout(timer);
      window.__cancels = (window.__cancels || 0) + 1;
      if (u && u.onerror) u.onerror({error: "interrupted"});
    },
    pause() { paused = true; },
    resume() { paused = false; },
    onvoiceschanged: null,
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = function (text) {
    this.text = text; this.lang = ""; this.rate = 1; this.voice = null;
  };
})();
"""
SAMPLE_TITLE = samples.OPTIONS.title


def open_sample_book(page) -> None:
    sign_up(page, "ada")
    page.get_by_role("button", name="Make a sample book").click()
    expect(page.get_by_text("Ready")).to_be_visible(timeout=120_000)
    idle(page)
    page.get_by_role("link", name="Read", exact=True).click()
    expect(page.get_by_text("Cover", exact=True).last).to_be_visible(timeout=30_000)
    idle(page)


def page_words(page) -> str:
    return page.locator(".sm-words").inner_text()


def spoken(page) -> list[dict]:
    return page.evaluate("window.__spoken")


def read_and_see_the_highlight_move(page) -> None:
    page.get_by_role("button", name="Read aloud").click()
    lit = page.locator(".sm-word.sm-now")
    expect(lit).to_have_count(1, timeout=5_000)
    first = lit.inner_text()
    expect(lit).not_to_have_text(first, timeout=5_000)
    page.get_by_role("button", name="Stop").click()
    expect(lit).to_have_count(0)
    expect(page.get_by_role("button", name="Stop")).to_be_disabled()


def test_read_aloud(server):
    """One book, read every way: a page, without boundary events, the whole book, no voice."""
    with opened(server, "read-aloud.png", width=390, height=900) as page:
        page.add_init_script(STUB)
        page.reload()
        open_sample_book(page)

        # The cover: its title is said first, then its words.
        page.get_by_role("button", name="Read aloud").click()
        page.wait_for_function("window.__spoken.length >= 2", timeout=10_000)
        assert [s["text"] for s in spoken(page)] == [SAMPLE_TITLE, page_words(page)]
        assert spoken(page)[0]["lang"] == "en" and spoken(page)[0]["voice"] == "Stub English"

        # A page: exactly its words, and the highlight moves as the boundary events arrive; Stop stops.
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_text("Page 1 of")).to_be_visible(timeout=30_000)
        idle(page)
        page.evaluate("window.__spoken.length = 0")
        page.screenshot(path=SHOTS / "read-aloud-page.png", full_page=True)
        read_and_see_the_highlight_move(page)
        assert [s["text"] for s in spoken(page)] == [page_words(page)]

        # A browser with no boundary events: the highlight still moves, on an estimate.
        page.evaluate("window.__boundaries = false")
        read_and_see_the_highlight_move(page)
        page.evaluate("window.__boundaries = true")

        # The whole book: at the end of page 1 the Reader turns to page 2 and reads on by itself.
        page.evaluate("window.__spoken.length = 0")
        page.get_by_role("button", name="Read the whole book").click()
        expect(page.get_by_text("Page 2 of")).to_be_visible(timeout=60_000)
        page.wait_for_function("window.__spoken.length >= 2", timeout=30_000)
        idle(page)
        assert spoken(page)[1]["text"] == page_words(page)
        page.get_by_role("button", name="Stop").click()
        before = len(spoken(page))
        # Nothing turns or speaks after Stop: a check that something does NOT happen needs a while.
        page.wait_for_timeout(1_500)
        assert len(spoken(page)) == before
        expect(page.get_by_text("Page 2 of")).to_be_visible()

        # No voice for the book's language: said, and the buttons are off.
        page.evaluate("""() => {
            window.__voices = [{name: "Stub French", lang: "fr-FR", voiceURI: "stub-fr", localService: true}];
            window.speechSynthesis.onvoiceschanged && window.speechSynthesis.onvoiceschanged();
        }""")
        expect(page.get_by_text("This browser has no voice for this book's language (en).")).to_be_visible()
        expect(page.get_by_role("button", name="Read aloud")).to_be_disabled()
