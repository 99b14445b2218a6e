"""PDF checks for the export tests, through pypdf and poppler's command-line tools.

A test module that needs poppler calls `require_poppler()` at its top: that skips the
module when poppler-utils is missing, and fails it under CI (`.ci/run` installs them, so
a skipped PDF test there would hide a broken set-up).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

POPPLER_TOOLS = ("pdfinfo", "pdfimages", "pdffonts", "pdftoppm", "pdftotext")
PT = 72  # points per inch


def require_poppler() -> None:
    missing = [tool for tool in POPPLER_TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            raise RuntimeError(f"CI needs poppler-utils for the PDF tests (missing: {', '.join(missing)})")
        pytest.skip(f"needs poppler-utils ({', '.join(missing)})", allow_module_level=True)


def _run(*args: str | Path) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args[0]} failed: {done.stderr}"
    return done.stdout


def saved(data: bytes, path: Path) -> Path:
    path.write_bytes(data)
    return path


@dataclass(frozen=True)
class PageBoxes:
    size: tuple[float, float]  # points
    media: tuple[float, float, float, float]  # x0, y0, x1, y1 in points, from the bottom left
    trim: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float]


def page_boxes(pdf: Path) -> list[PageBoxes]:
    """Every page's size and boxes as `pdfinfo -box` reports them."""
    pages = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", pdf), re.M).group(1))  # type: ignore[union-attr]
    out = _run("pdfinfo", "-box", "-f", "1", "-l", str(pages), pdf)
    found: dict[int, dict[str, tuple[float, ...]]] = {}
    for number, name, values in re.findall(r"^Page\s+(\d+)\s+(size|MediaBox|TrimBox|BleedBox):\s+(.*)$", out, re.M):
        numbers = tuple(float(v) for v in re.findall(r"[\d.]+", values))
        found.setdefault(int(number), {})[name] = numbers[:2] if name == "size" else numbers[:4]
    return [PageBoxes(p["size"], p["MediaBox"], p["TrimBox"], p["BleedBox"])  # type: ignore[arg-type]
            for _, p in sorted(found.items())]


@dataclass(frozen=True)
class PlacedImage:
    page: int
    width: int
    height: int
    x_ppi: int
    y_ppi: int


def images(pdf: Path) -> list[PlacedImage]:
    """Every placed image with its resolution at the size it is printed (`pdfimages -list`)."""
    rows = _run("pdfimages", "-list", pdf).splitlines()[2:]
    placed = []
    for row in rows:
        cols = row.split()
        placed.append(PlacedImage(int(cols[0]), int(cols[3]), int(cols[4]), int(cols[12]), int(cols[13])))
    return placed


def fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(name, embedded) for every font (`pdffonts`)."""
    rows = _run("pdffonts", pdf).splitlines()[2:]
    # The emb/sub/uni columns are the three yes/no words before the object number.
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows]


def render_every_page(pdf: Path, out_dir: Path, dpi: int = 20) -> list[Path]:
    """`pdftoppm` renders each page (it fails on a broken page); the PNGs it wrote."""
    _run("pdftoppm", "-r", str(dpi), "-png", pdf, out_dir / "page")
    return sorted(out_dir.glob("page*.png"))


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x0: float  # points from the page's top left
    y0: float
    x1: float
    y1: float


class _BBoxParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[Word] = []
        self.page = 0
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "page":
            self.page += 1
        elif tag == "word":
            self._open = {k: v or "" for k, v in attrs}

    def handle_data(self, data):
        if self._open is not None:
            a = self._open
            self.words.append(Word(self.page, data.strip(), float(a["xmin"]), float(a["ymin"]),
                                   float(a["xmax"]), float(a["ymax"])))
            self._open = None


def words(pdf: Path) -> list[Word]:
    """Every word with its box (`pdftotext -bbox`)."""
    parser = _BBoxParser()
    parser.feed(_run("pdftotext", "-bbox", pdf, "-"))
    return [w for w in parser.words if w.text]


def page_texts(data: bytes) -> list[str]:
    """Each page's text through pypdf, with runs of white space made single spaces."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())
