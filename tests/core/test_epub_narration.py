"""Narration in the EPUB: EPUB 3 media overlays that play each page's audio and light its words,
for any subset of the pages, never on words the narration was not made from."""

from __future__ import annotations

import re
from dataclasses import replace
from xml.etree import ElementTree

import pytest

from storymaker.exports import ExportOptions
from storymaker.exports import epub as epub_export
from storymaker.exports import overlays
from storymaker.narration import PageNarration, WordTiming, word_timings

from tests.core.epub_support import NS, X, Package, book, epubcheck, narrated, text_of
from tests.fakes.audio import silent_mp3

SMIL = "{http://www.w3.org/ns/SMIL}"
MARKUP_WORDS = "She said <b>hi</b> & {{ name }} &amp; left.\n\nThen <script>x</script> slept."
PAGES = [("The shore", "Mia found a shell on the sand."), ("Tricky words", MARKUP_WORDS),
         ("Home", "Pip ran home\nand went to sleep.")]
SECONDS = {0: 1.5, 1: 3.0, 2: 4.2, 3: 2.6}


def ms(clock: str) -> int:
    hours, minutes, seconds = clock.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


def render(made) -> Package:
    return Package.open(epub_export.render(made, ExportOptions()))


def fully_narrated():
    plain = book(PAGES)
    return replace(plain, narration={n: narrated(plain, [n], SECONDS[n]).narration[n] for n in SECONDS})


@pytest.fixture(scope="module")
def full():
    made = fully_narrated()
    data = epub_export.render(made, ExportOptions())
    return made, data, Package.open(data)


def by_href(package: Package) -> dict[str, ElementTree.Element]:
    return {item.attrib["href"]: item for item in package.manifest.values()}


def overlay_of(package: Package, document: str) -> str | None:
    """The href of the SMIL document `document`'s manifest item points at, if any."""
    smil_id = by_href(package)[document].get("media-overlay")
    return package.manifest[smil_id].attrib["href"] if smil_id else None


def pars(package: Package, smil_href: str) -> list[tuple[str, str, int, int]]:
    """Each <par> of a SMIL document: (text src, audio src, clip begin ms, clip end ms)."""
    root = ElementTree.fromstring(package.files[package.path(smil_href)])
    found = []
    for par in root.iter(f"{SMIL}par"):
        text, audio = par.find(f"{SMIL}text"), par.find(f"{SMIL}audio")
        assert text is not None and audio is not None
        found.append((text.attrib["src"], audio.attrib["src"], ms(audio.attrib["clipBegin"]),
                      ms(audio.attrib["clipEnd"])))
    return found


def element(document: ElementTree.Element, element_id: str) -> ElementTree.Element:
    (found,) = [e for e in document.iter() if e.get("id") == element_id]
    return found


def durations(package: Package) -> tuple[dict[str, int], list[int]]:
    """media:duration per overlay (by the SMIL's href) and the total(s)."""
    per, total = {}, []
    for meta in package.opf.iterfind("opf:metadata/opf:meta", NS):
        if meta.get("property") != "media:duration":
            continue
        if meta.get("refines"):
            per[package.manifest[meta.attrib["refines"].lstrip("#")].attrib["href"]] = ms(meta.text or "")
        else:
            total.append(ms(meta.text or ""))
    return per, total


def test_a_narrated_book_passes_epubcheck_with_its_audio_and_overlays(full, tmp_path):
    made, data, package = full
    assert epubcheck(data, tmp_path) == []
    manifest = by_href(package)
    for n, audio in (("cover", made.narration[0].audio), *((f"page_{p:02d}", made.narration[p].audio) for p in (1, 2, 3))):
        assert manifest[f"audio/{n}.mp3"].attrib["media-type"] == "audio/mpeg"
        assert package.files[package.path(f"audio/{n}.mp3")] == audio
        assert manifest[f"{n}.smil"].attrib["media-type"] == "application/smil+xml"
    assert overlay_of(package, "cover.xhtml") is None  # the title is said on the title page, where it is lit
    assert overlay_of(package, "title.xhtml") == "cover.smil"
    assert [overlay_of(package, f"page_{p:02d}.xhtml") for p in (1, 2, 3)] == ["page_01.smil", "page_02.smil",
                                                                               "page_03.smil"]


def test_each_word_plays_its_clip_of_the_audio_in_order(full):
    made, _data, package = full
    for page in made.pages:
        narration = made.narration[page.number]
        document = package.document(f"page_{page.number:02d}.xhtml")
        played = pars(package, f"page_{page.number:02d}.smil")
        words = page.text.split()
        assert len(played) == len(words) == len(narration.words)
        starts = [round(t.begin_s * 1000) for t in narration.words]
        for i, (text_src, audio_src, begin, end) in enumerate(played):
            assert text_src == f"page_{page.number:02d}.xhtml#w{page.number}-{i}"
            assert audio_src == f"audio/page_{page.number:02d}.mp3"
            # Every fragment names a span in its page, holding exactly the word said in this clip.
            assert "".join(element(document, text_src.split("#")[1]).itertext()) == words[i]
            # The clips tile the recording: each word from its start to the next word's start.
            assert begin == (0 if i == 0 else starts[i])
            assert end == (starts[i + 1] if i + 1 < len(starts) else round(narration.duration_s * 1000))
        assert text_of(document, "p") == epub_export.paragraphs(page.text)  # paragraphs and spaces as before


def test_the_cover_narration_lights_the_title_as_one_clip(full):
    made, _data, package = full
    assert pars(package, "cover.smil") == [("title.xhtml#title", "audio/cover.mp3", 0, 1500)]
    title = package.document("title.xhtml")
    assert "".join(element(title, "title").itertext()) == made.title
    assert element(title, "title").tag == f"{X}h1"


def test_durations_and_the_active_class_are_declared(full):
    _made, _data, package = full
    per, total = durations(package)
    assert per == {"cover.smil": 1500, "page_01.smil": 3000, "page_02.smil": 4200, "page_03.smil": 2600}
    assert total == [sum(per.values())]
    for smil, duration in per.items():  # each overlay's duration is where its last clip ends
        assert pars(package, smil)[-1][3] == duration
    assert package.metadata("media:active-class") == [overlays.ACTIVE_CLASS]
    css = package.files[package.path("style/book.css")].decode()
    assert re.search(rf"\.{overlays.ACTIVE_CLASS} {{ background-color: #ffe08a;", css)


def test_words_that_look_like_markup_are_spoken_and_lit_as_words(full):
    _made, _data, package = full
    document = package.document("page_02.xhtml")
    spans = ["".join(s.itertext()) for s in document.iter(f"{X}span")]
    assert spans == MARKUP_WORDS.split()
    assert "<b>hi</b>" in spans and "{{" in spans and "&amp;" in spans
    assert not list(document.iter(f"{X}b")) and not list(document.iter(f"{X}script"))
    raw = package.files[package.path("page_02.xhtml")].decode()
    assert '<span id="w2-2">&lt;b&gt;hi&lt;/b&gt;</span>' in raw and '<span id="w2-3">&amp;</span>' in raw


def test_narration_keeps_the_page_layout(full):
    """Wrapping words in spans changes nothing a reader lays out: the same boxes and sizes."""
    made, _data, package = full
    plain = render(book(PAGES))
    for page in made.pages:
        styles = [e.get("style") for e in package.document(f"page_{page.number:02d}.xhtml").iter() if e.get("style")]
        before = [e.get("style") for e in plain.document(f"page_{page.number:02d}.xhtml").iter() if e.get("style")]
        assert styles == before


def test_a_partly_narrated_book_passes_epubcheck_and_overlays_only_those_pages(tmp_path):
    plain = book(PAGES)
    data = epub_export.render(narrated(plain, [2], 4.2), ExportOptions())
    package = Package.open(data)
    assert epubcheck(data, tmp_path) == []
    assert [overlay_of(package, href) for href in package.spine] == [None, None, None, "page_02.smil", None]
    assert [n for n in package.files if n.startswith("EPUB/audio/")] == ["EPUB/audio/page_02.mp3"]
    unnarrated = render(plain)
    for href in ("cover.xhtml", "title.xhtml", "page_01.xhtml", "page_03.xhtml"):  # as without narration
        assert package.files[package.path(href)] == unnarrated.files[unnarrated.path(href)]
    assert durations(package) == ({"page_02.smil": 4200}, [4200])


def without_modified(opf: bytes) -> bytes:
    return re.sub(rb'<meta property="dcterms:modified">[^<]*</meta>', b"", opf)


def test_an_unnarrated_book_has_no_audio_no_overlays_and_passes_epubcheck(tmp_path):
    data = epub_export.render(book(PAGES), ExportOptions())
    package = Package.open(data)
    assert epubcheck(data, tmp_path) == []
    assert not [n for n in package.files if n.startswith("EPUB/audio/") or n.endswith(".smil")]
    assert not [i for i in package.manifest.values() if i.get("media-overlay") or "audio" in i.attrib["media-type"]]
    assert not [m for m in package.opf.iterfind("opf:metadata/opf:meta", NS)
                if (m.get("property") or "").startswith("media:")]
    assert not [s for href in package.spine for s in package.document(href).iter(f"{X}span")]
    assert overlays.ACTIVE_CLASS not in package.files[package.path("style/book.css")].decode()


def test_stale_narration_is_never_attached_to_other_words():
    """Narration made before an edit (of the words or the title) is left out for that page only:
    the same number of words, other words, or other words altogether, all get no overlay."""
    plain = book(PAGES)
    made = narrated(plain, [0, 1, 2, 3])
    edited = replace(made, title="The Lighthouse Dog", pages=(
        replace(plain.pages[0], text="Mia found a stone on the sand."),  # one word changed
        plain.pages[1],
        replace(plain.pages[2], text="Pip ran home."),  # words cut
    ))
    package = render(edited)
    assert [overlay_of(package, href) for href in package.spine] == [None, None, None, "page_02.smil", None]
    assert not list(package.document("page_01.xhtml").iter(f"{X}span"))
    assert package.document("title.xhtml").find(f".//{X}h1").get("id") is None  # type: ignore[union-attr]
    # Every page stale: exactly the book without narration (bar the package's timestamp).
    everything_stale = replace(edited, pages=tuple(replace(p, text=p.text + " More.") for p in edited.pages))
    stale, unnarrated = render(everything_stale), render(replace(everything_stale, narration={}))
    assert stale.files.keys() == unnarrated.files.keys()
    for name, content in stale.files.items():
        if name.endswith(".opf"):
            assert without_modified(content) == without_modified(unnarrated.files[name])
        else:
            assert content == unnarrated.files[name], name


def good(text: str = "Mia found a shell.", seconds: float = 2.0, **changes) -> PageNarration:
    made = PageNarration(1, text, "audio/mpeg", seconds, word_timings(text, seconds), silent_mp3(seconds))
    return replace(made, **changes)


@pytest.mark.parametrize("narration", [
    pytest.param(None, id="none"),
    pytest.param(good(page=2), id="another page's"),
    pytest.param(good(mime="audio/ogg"), id="not an EPUB audio type"),
    pytest.param(good(audio=b""), id="no audio"),
    pytest.param(good(duration_s=0.0), id="no duration"),
    pytest.param(good(words=()), id="no timings"),
    pytest.param(good(words=(WordTiming(0, 3, 0.1, 0.4), WordTiming(4, 9, 0.4, 0.8), WordTiming(10, 11, 0.4, 0.9),
                             WordTiming(12, 18, 1.0, 1.5))), id="starts not rising"),
    pytest.param(good(seconds=2.0, duration_s=0.9), id="words after the end"),
    pytest.param(good(text="Mia found a shell!"), id="other words"),
])
def test_narration_that_cannot_play_on_these_words_gives_no_overlay(narration):
    assert overlays.overlay(1, narration, "page_01.xhtml", ["Mia", "found", "a", "shell."]) is None


def test_mp4_narration_and_mime_spellings():
    made = overlays.overlay(1, good(mime="audio/mp4"), "page_01.xhtml", ["Mia", "found", "a", "shell."])
    assert made is not None and made.audio_file == "audio/page_01.m4a" and made.mime == "audio/mp4"
    made = overlays.overlay(1, good(mime="Audio/MP3"), "page_01.xhtml", ["Mia", "found", "a", "shell."])
    assert made is not None and made.audio_file == "audio/page_01.mp3" and made.mime == "audio/mpeg"
    package = render(narrated(book(PAGES), [1], mime="audio/mp4"))
    assert by_href(package)["audio/page_01.m4a"].attrib["media-type"] == "audio/mp4"


def test_clock_values():
    assert [overlays.clock(v) for v in (0, 1500, 61_004, 3_723_004)] == [
        "0:00:00.000", "0:00:01.500", "0:01:01.004", "1:02:03.004"]
