"""The read-aloud player alone (app_ui/read_aloud.js) in a real Chromium, on a blank page of its
own: narration audio (a silent MP3 as a data: URL, with word timings) played with the light
following currentTime, its controls, the fall-back to the browser's voice when the audio cannot
be played, and the cover's title with nothing lit. The speech stub is the Reader test's.
"""

from __future__ import annotations

import base64
from contextlib import contextmanager

import pytest

from app_ui import read_aloud  # noqa: F401  (the module ships the files read below)
from tests.fakes.audio import silent_mp3

from .support import ARGS, CHROMIUM, ROOT, SHOTS  # skips without Chromium
from .test_browser_read_aloud import STUB

pytestmark = [pytest.mark.browser, pytest.mark.slow]

from playwright.sync_api import expect  # noqa: E402

ORIGIN = "http://player.test/"  # answered by the test itself: a real origin, for localStorage
TEXT = "One two three four"
# [start, end, beginS, endS]: UTF-16 offsets into TEXT, as storymaker.narration.utf16_offsets gives them.
WORDS = [[0, 3, 0.0, 0.6], [4, 7, 0.6, 1.2], [8, 13, 1.2, 1.8], [14, 18, 1.8, 2.4]]
MP3 = "data:audio/mpeg;base64," + base64.b64encode(silent_mp3(2.6)).decode("ascii")
BROKEN = "data:audio/mpeg;base64," + base64.b64encode(b"not an mp3 at all" * 8).decode("ascii")

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>{css}</style></head>
<body><div id="root"></div><script>{js}</script></body></html>"""

# Every word lit, in order (a word lit again in a row counts once).
RECORD_LIGHT = """() => {
  window.__lit = [];
  new MutationObserver(() => {
    const now = document.querySelector(".sm-word.sm-now");
    const word = now ? now.textContent : null;
    if (word && window.__lit[window.__lit.length - 1] !== word) window.__lit.push(word);
  }).observe(document.getElementById("root"), {subtree: true, attributes: true, attributeFilter: ["class"]});
}"""


@contextmanager
def player_page():
    from playwright.sync_api import sync_playwright

    html = _PAGE.format(css=(ROOT / "app_ui" / "read_aloud.css").read_text(encoding="utf-8"),
                        js=(ROOT / "app_ui" / "read_aloud.js").read_text(encoding="utf-8"))
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 700})
        page.route(ORIGIN, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
        page.add_init_script(STUB)
        page.goto(ORIGIN)
        try:
            yield page
        except Exception:
            page.screenshot(path=SHOTS / "player-failed.png", full_page=True)
            raise
        finally:
            browser.close()


def mount(page, text: str = TEXT, src: str | None = MP3, words=None, intro: str = "", last: bool = False) -> None:
    narration = None if src is None else {"src": src, "voice": "Coral", "words": WORDS if words is None else words}
    page.evaluate("""([text, narration, intro, last]) => {
        window.__finished = [];
        if (window.player) window.player.destroy();
        window.player = mountReadAloud(document.getElementById("root"), {
            text, lang: "en", page: 1, last, intro, narration, onFinished: (n) => window.__finished.push(n)});
    }""", [text, narration, intro, last])
    page.evaluate(RECORD_LIGHT)


def audio_time(page) -> float:
    return page.evaluate("document.querySelector('.sm-read audio').currentTime")


def test_narration_plays_with_the_light_on_the_timings_and_stops(tmp_path):
    with player_page() as page:
        mount(page)
        voice = page.get_by_label("Voice")
        expect(voice).to_have_value("narrator")
        assert voice.locator("option").first.inner_text() == "Narrator (Coral)"
        assert voice.locator("option").nth(1).inner_text() == "Stub English"  # the browser's voices follow

        page.get_by_role("button", name="Read aloud").click()
        page.wait_for_function("(document.querySelector('.sm-read audio') || {}).currentTime > 0.3", timeout=10_000)
        assert page.evaluate("window.__spoken") == []  # the audio, not the browser's voice
        # The word lit is the one whose [begin, end) holds currentTime, word after word.
        expect(page.locator(".sm-word.sm-now")).to_have_text("three", timeout=10_000)
        assert 1.2 <= audio_time(page) < 1.8 + 0.1
        page.screenshot(path=SHOTS / "player-narration.png")

        page.get_by_role("button", name="Pause").click()
        paused_at = audio_time(page)
        page.wait_for_timeout(400)  # nothing may move while paused: that takes a while to show
        assert audio_time(page) == paused_at
        expect(page.get_by_role("button", name="Resume")).to_be_visible()
        page.get_by_label("Speed").select_option("1.25")
        assert page.evaluate("document.querySelector('.sm-read audio').playbackRate") == 1.25
        page.get_by_role("button", name="Resume").click()
        page.wait_for_function(f"document.querySelector('.sm-read audio').currentTime > {paused_at + 0.2}")

        page.get_by_role("button", name="Stop").click()
        expect(page.locator(".sm-word.sm-now")).to_have_count(0)
        expect(page.locator(".sm-read audio")).to_have_count(0)
        expect(page.get_by_role("button", name="Stop")).to_be_disabled()
        assert page.evaluate("window.__finished") == []
        assert page.evaluate("window.__lit") == ["One", "two", "three"] or \
            page.evaluate("window.__lit") == ["One", "two", "three", "four"]

        # The whole book: the end of the audio is the end of the page, which asks to turn.
        page.get_by_label("Speed").select_option("1")
        mount(page)
        page.get_by_role("button", name="Read the whole book").click()
        page.wait_for_function("window.__finished.length === 1", timeout=15_000)
        assert page.evaluate("window.__finished") == [1]
        assert page.evaluate("window.__lit") == ["One", "two", "three", "four"]
        expect(page.locator(".sm-word.sm-now")).to_have_count(0)


def test_a_narration_that_cannot_play_falls_back_to_the_browser_voice():
    with player_page() as page:
        mount(page, src=BROKEN)
        page.get_by_role("button", name="Read aloud").click()
        expect(page.get_by_role("status")).to_have_text(
            "The narration could not be played; reading with this browser's voice instead.", timeout=10_000)
        page.wait_for_function("window.__spoken.length === 1")
        assert page.evaluate("window.__spoken")[0]["text"] == TEXT
        page.wait_for_function("window.__lit.length === 4")  # lit by the voice's boundaries now
        expect(page.get_by_label("Voice").locator("option")).to_have_text(["Stub English"])


def test_a_browser_voice_chosen_instead_of_the_narrator_is_used_and_kept():
    with player_page() as page:
        mount(page)
        page.get_by_label("Voice").select_option("stub-en")
        page.get_by_role("button", name="Read aloud").click()
        page.wait_for_function("window.__spoken.length === 1")
        assert page.evaluate("window.__spoken")[0] == {"text": TEXT, "lang": "en", "rate": 1, "voice": "Stub English"}
        assert page.locator(".sm-read audio").count() == 0
        mount(page)  # the next page: the choice is kept by the browser
        expect(page.get_by_label("Voice")).to_have_value("stub-en")
        page.get_by_label("Voice").select_option("narrator")
        mount(page)
        expect(page.get_by_label("Voice")).to_have_value("narrator")


def test_the_cover_narration_says_the_title_with_nothing_lit():
    with player_page() as page:
        mount(page, text="", intro="The Lighthouse Cat", words=[])
        page.evaluate("window.__voices = []")  # no browser voice at all: the narration alone reads
        page.evaluate("window.speechSynthesis.onvoiceschanged()")
        expect(page.get_by_role("button", name="Read aloud")).to_be_enabled()
        page.get_by_role("button", name="Read the whole book").click()
        page.wait_for_function("window.__finished.length === 1", timeout=15_000)
        assert page.evaluate("window.__lit") == [] and page.evaluate("window.__spoken") == []


def test_words_are_text_and_the_controls_fit_a_phone():
    with player_page() as page:
        hostile = "<b>bold</b> {{ user.password }} <img src=x onerror=window.__pwned=1>"
        mount(page, text=hostile, src=None)
        assert page.locator(".sm-words").inner_text() == hostile
        assert page.locator(".sm-words b, .sm-words img").count() == 0
        assert page.evaluate("window.__pwned") is None
        page.get_by_role("button", name="Read aloud").click()
        page.wait_for_function("window.__spoken.length === 1")
        assert page.evaluate("window.__spoken")[0]["text"] == hostile
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for name in ("Read aloud", "Read the whole book", "Pause", "Stop"):
            box = page.get_by_role("button", name=name).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 36
