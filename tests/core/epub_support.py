"""Reading an EPUB the way a reading system does (zip, container, package, pages), and
Debian's epubcheck, for tests/core/test_epub.py.

The reader here uses only zipfile and ElementTree, not ebooklib, so the tests check the bytes
a reader gets, not what the library that wrote them believes it wrote.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from PIL import Image

from storymaker.exports.book import BookToExport, ExportPage
from storymaker.narration import PageNarration, word_timings

from tests.fakes.audio import silent_mp3
from tests.infra.postgres import under_ci

import pytest

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "c": "urn:oasis:names:tc:opendocument:xmlns:container"}
X = "{http://www.w3.org/1999/xhtml}"


def epubcheck(data: bytes, folder: Path) -> list[str]:
    """epubcheck's fatal errors, errors and warnings for `data` (none means it passed). Skips
    without epubcheck; under CI, which installs it, fails instead."""
    command = shutil.which("epubcheck")
    if command is None:
        if under_ci():
            pytest.fail("CI needs epubcheck (Debian's epubcheck package) for the EPUB tests", pytrace=False)
        pytest.skip("needs epubcheck (Debian's epubcheck package)")
    target = Path(command).resolve()
    java = shutil.which("java")
    # Debian installs the jar itself as the command, which runs only where the kernel is set
    # up to start jars; `java -jar` runs it everywhere (and a quick-starting JVM saves seconds).
    run = ([java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(target)]
           if java and zipfile.is_zipfile(target) else [command])
    book, report = folder / "book.epub", folder / "epubcheck.json"
    book.write_bytes(data)
    done = subprocess.run([*run, str(book), "--json", str(report)], capture_output=True, text=True, timeout=600)
    if not report.exists():
        raise AssertionError(f"epubcheck did not run: {done.stdout}\n{done.stderr}")
    messages = json.loads(report.read_text())["messages"]
    return [f"{m['severity']} {m['ID']}: {m['message']} at {[loc.get('path') for loc in m['locations']]}"
            for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")]


@dataclass
class Package:
    """An EPUB opened as a reading system opens it."""

    files: dict[str, bytes]  # every entry of the zip by its full path
    first_entry: str
    opf: ElementTree.Element
    root: PurePosixPath  # the folder the package document sits in

    @classmethod
    def open(cls, data: bytes) -> "Package":
        with zipfile.ZipFile(io.BytesIO(data)) as zipped:
            files = {name: zipped.read(name) for name in zipped.namelist()}
            first = zipped.infolist()[0]
            assert first.compress_type == zipfile.ZIP_STORED  # the mimetype entry is stored, uncompressed
        container = ElementTree.fromstring(files["META-INF/container.xml"])
        rootfile = container.find(".//c:rootfile", NS)
        assert rootfile is not None
        path = rootfile.attrib["full-path"]
        return cls(files, first.filename, ElementTree.fromstring(files[path]), PurePosixPath(path).parent)

    def metadata(self, name: str) -> list[str]:
        """dc:NAME values, or the values of <meta property="NAME">."""
        if ":" in name and not name.startswith("dc:"):
            return [m.text or "" for m in self.opf.iterfind("opf:metadata/opf:meta", NS) if m.get("property") == name]
        return [e.text or "" for e in self.opf.iterfind(f"opf:metadata/{name}", NS)]

    @property
    def manifest(self) -> dict[str, ElementTree.Element]:
        return {item.attrib["id"]: item for item in self.opf.iterfind("opf:manifest/opf:item", NS)}

    def path(self, href: str) -> str:
        return str(self.root / href)

    @property
    def spine(self) -> list[str]:
        """The hrefs of the spine's documents, in reading order."""
        manifest = self.manifest
        return [manifest[ref.attrib["idref"]].attrib["href"] for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def document(self, href: str) -> ElementTree.Element:
        """A content document, parsed as XML (a page that is not well-formed fails here)."""
        return ElementTree.fromstring(self.files[self.path(href)])

    @property
    def nav(self) -> ElementTree.Element:
        (nav,) = [i for i in self.manifest.values() if "nav" in i.get("properties", "").split()]
        return self.document(nav.attrib["href"])

    def toc(self) -> list[tuple[str, str]]:
        """The navigation document's table of contents: (href, label) in order."""
        (toc,) = [n for n in self.nav.iter(f"{X}nav") if n.get(f"{{{NS['epub']}}}type") == "toc"]
        return [(a.attrib["href"], "".join(a.itertext())) for a in toc.iter(f"{X}a")]


def text_of(element: ElementTree.Element, tag: str) -> list[str]:
    """The text of every `tag` element (e.g. "p") under `element`, whitespace as one space."""
    return [" ".join("".join(e.itertext()).split()) for e in element.iter(f"{X}{tag}")]


def viewport(document: ElementTree.Element) -> str | None:
    for meta in document.iter(f"{X}meta"):
        if meta.get("name") == "viewport":
            return meta.get("content")
    return None


def png(size: tuple[int, int], color: tuple[int, ...] = (90, 140, 200), mode: str = "RGB") -> bytes:
    """A picture with some detail in it (a flat one would say nothing about JPEG sizes)."""
    image = Image.new(mode, size, color)
    for x in range(0, size[0], 37):
        image.paste((255, 255, 255) if mode == "RGB" else (255, 255, 255, 128), (x, 0, x + 5, size[1]))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def book(pages: list[tuple[str, str]], title: str = "The Lighthouse Cat", author: str = "Ada",
         language: str = "English", age_band: str = "6-8", pictures: list[bytes] | None = None,
         cover: bytes | None = None) -> BookToExport:
    """A finished book as `exports.snapshot` gives it, from (title, words) per page."""
    pictures = pictures or [png((512, 512))] * len(pages)
    return BookToExport(
        id=7, title=title, author=author, language=language, age_band=age_band, style="watercolor",
        cast=("Mia", "Pip"), cover=cover or png((512, 512), (200, 90, 60)),
        pages=tuple(ExportPage(n, page_title, words, pictures[n - 1])
                    for n, (page_title, words) in enumerate(pages, start=1)),
        version="0123456789abcdef")


def narrated(made: BookToExport, pages: list[int], seconds: float = 3.0, mime: str = "audio/mpeg") -> BookToExport:
    """`made` with narration for `pages` (0 is the cover, which says the title), as the narration
    jobs make it: real (silent) MP3 and the timings estimated from the words."""
    texts = {0: made.title, **{p.number: p.text for p in made.pages}}
    narration = {n: PageNarration(n, texts[n], mime, seconds, word_timings(texts[n], seconds), silent_mp3(seconds))
                 for n in pages}
    return replace(made, narration=narration)
