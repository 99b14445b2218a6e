"""Setting a title on a cover: a designed title block in the book's art style.

The title is set by us, not drawn by the image model: image models still misspell
words, and the offline painter draws no text at all. The block is a panel or ribbon
that belongs to the style (a watercolour wash, a crayon band, an inked cartouche, a
paper ribbon, a pixel panel, a clay plaque), in a colour taken from the picture, with
the title in the shipped display face and the author line under it. It sits in the top
third, which the offline painter keeps calm for it.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import cast
from importlib.resources import files

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]

FONTS = files("storymaker.exports") / "fonts"  # package data, shipped with the package
TITLE_FACE = "FredokaOne-Regular.ttf"
AUTHOR_FACE = "SourceSansPro-Semibold.ttf"
# Bold sans faces found on common systems, for titles in scripts the shipped face lacks;
# Pillow's bundled face is the last resort, so a cover always gets real lettering.
_FONT_CANDIDATES = (
    "DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)
CREAM: RGB = (255, 250, 236)
INK: RGB = (52, 38, 84)


@lru_cache(maxsize=4)
def _covers(face: str) -> frozenset[int]:
    with TTFont(str(FONTS / face), lazy=True) as font:
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=64)
def _font(face: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(str(FONTS / face), size)


@lru_cache(maxsize=32)
def title_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The system's bold sans: the fallback for text the shipped faces cannot set."""
    for candidate in _FONT_CANDIDATES:
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _face(text: str, face: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if all(ord(ch) in _covers(face) for ch in text if not ch.isspace()):
        return _font(face, size)
    return title_font(size)


@dataclass(frozen=True)
class TitleBlock:
    """Where a cover's lettering goes and in what colours (pixels of the cover)."""

    panel: Box  # the ribbon or panel behind the words
    lines: tuple[tuple[str, tuple[int, int]], ...]  # each title line and where it is drawn
    title_size: int
    author: str
    author_at: tuple[int, int] | None
    author_size: int
    colour: RGB  # the colour taken from the picture
    fill: RGB  # the panel's colour
    ink: RGB  # the words' colour


def picture_colour(image: Image.Image) -> RGB:
    """The picture's liveliest colour that covers a fair part of it (below the title)."""
    w, h = image.size
    small = image.convert("RGB").crop((0, int(h * 0.35), w, h)).resize((48, 32), Image.Resampling.BOX)
    quant = small.quantize(10, method=Image.Quantize.MEDIANCUT)
    pal: list[int] = quant.getpalette() or []
    best, score = (90, 120, 200), -1.0
    # a palette picture counts palette indices (ints), at most 10 of them here
    counts = cast("list[tuple[int, int]]", quant.getcolors() or [])
    for count, idx in sorted(counts, reverse=True):
        rgb = (pal[idx * 3], pal[idx * 3 + 1], pal[idx * 3 + 2])
        chroma = max(rgb) - min(rgb)
        if count < 0.03 * 48 * 32 or chroma < 40:
            continue
        if count * chroma > score:
            best, score = rgb, count * chroma
    return best


def _luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _towards(c: RGB, luma: float) -> RGB:
    """`c` darkened or lightened until its luminance is about `luma`, keeping its hue."""
    now = max(1.0, _luma(c))
    if now > luma:
        k = luma / now
        return (round(c[0] * k), round(c[1] * k), round(c[2] * k))
    t = (luma - now) / max(1.0, 255 - now)
    return (round(c[0] + (255 - c[0]) * t), round(c[1] + (255 - c[1]) * t), round(c[2] + (255 - c[2]) * t))


# style -> (panel lightness, words lightness): a pale panel with deep words, or the reverse
TONES: dict[str, tuple[float, float]] = {
    "watercolor": (232, 60),
    "crayon": (236, 58),
    "storybook-ink": (240, 52),
    "paper-cutout": (96, 250),
    "pixel-art": (70, 250),
    "claymation": (104, 250),
}


def _wrap(draw: ImageDraw.ImageDraw, title: str, width: int, size: int) -> list[str]:
    font = _face(title, TITLE_FACE, size)
    for chars in range(max(8, len(title)), 5, -1):
        lines = textwrap.wrap(title, chars, break_long_words=True) or [title]
        if all(draw.textlength(line, font=font) <= width for line in lines):
            return lines
    return textwrap.wrap(title, 6, break_long_words=True)


def title_block(image: Image.Image, title: str, author: str = "", style: str = "watercolor") -> TitleBlock:
    """Lay out the title block for `image`: type size, lines, panel and colours."""
    w, h = image.size
    draw = ImageDraw.Draw(image)
    max_width = int(w * 0.78)
    size = max(20, int(h * 0.1))
    # Shrink the type until the title fits in at most three lines in the top quarter.
    while True:
        lines = _wrap(draw, title, max_width, size)
        line_h = int(size * 1.12)
        if (len(lines) <= 3 and line_h * len(lines) <= h * 0.24) or size <= 18:
            break
        size = int(size * 0.9)
    font = _face(title, TITLE_FACE, size)
    author_size = max(12, int(size * 0.5))
    top = int(h * 0.06)
    placed = []
    for i, line in enumerate(lines):
        placed.append((line, (round((w - draw.textlength(line, font=font)) / 2), top + i * line_h)))
    bottom = top + len(lines) * line_h
    author_at = None
    if author:
        afont = _face(author, AUTHOR_FACE, author_size)
        byline = f"by {author}"
        author_at = (round((w - draw.textlength(byline, font=afont)) / 2), bottom + int(size * 0.12))
        bottom = author_at[1] + int(author_size * 1.3)
    widest = max(draw.textlength(line, font=font) for line in lines)
    pad = int(size * 0.55)
    half = min(w * 0.47, widest / 2 + pad * 1.4)
    panel = (round(w / 2 - half), top - pad // 2 - int(size * 0.08), round(w / 2 + half), bottom + pad // 2)
    colour = picture_colour(image)
    panel_l, ink_l = TONES.get(style, TONES["watercolor"])
    return TitleBlock(panel, tuple(placed), size, author, author_at, author_size, colour,
                      _towards(colour, panel_l), _towards(colour, ink_l))


def set_title(image: Image.Image, title: str, author: str = "", style: str = "watercolor") -> Image.Image:
    """Return a copy of `image` with its title block: panel, title and author line."""
    cover = image.convert("RGB").copy()
    block = title_block(cover, title, author, style)
    rng = random.Random(f"{title}/{style}/{cover.size}")
    PANELS.get(style, _wash)(cover, block, rng)
    _words(cover, block, style)
    return cover


# ---- the panels, one per style ------------------------------------------------------------

def _mask(size: tuple[int, int]) -> Image.Image:
    return Image.new("L", size, 0)


def _wash(cover: Image.Image, b: TitleBlock, rng: random.Random) -> None:
    """Watercolour: a pale wash with a ragged edge where the pigment gathered."""
    x0, y0, x1, y1 = b.panel
    m = _mask(cover.size)
    d = ImageDraw.Draw(m)
    u = (y1 - y0) / 10
    for _ in range(26):  # overlapping blots make the ragged outline
        cx, cy = rng.uniform(x0 + u, x1 - u), rng.uniform(y0 + u, y1 - u)
        rx, ry = rng.uniform(2, 4) * u, rng.uniform(2, 3.5) * u
        d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=235)
    d.rounded_rectangle((x0 + u, y0 + u * 0.5, x1 - u, y1 - u * 0.5), radius=int(2 * u), fill=235)
    m = m.filter(ImageFilter.GaussianBlur(max(1, u * 0.35)))
    edge = ImageChops.subtract(m, m.filter(ImageFilter.GaussianBlur(max(1, u * 0.6)))).point(lambda v: min(255, v * 4))
    cover.paste(b.fill, (0, 0), m)
    cover.paste(_towards(b.colour, 150), (0, 0), edge.point(lambda v: v // 2))


def _crayon(cover: Image.Image, b: TitleBlock, rng: random.Random) -> None:
    """Crayon: a paper band coloured in with zigzag strokes that run over its edges."""
    x0, y0, x1, y1 = b.panel
    m = _mask(cover.size)
    d = ImageDraw.Draw(m)
    d.polygon([(x0 + rng.uniform(-4, 4), y0 + rng.uniform(-4, 4)), (x1 + rng.uniform(-4, 4), y0 + rng.uniform(-4, 4)),
               (x1 + rng.uniform(-4, 4), y1 + rng.uniform(-4, 4)), (x0 + rng.uniform(-4, 4), y1 + rng.uniform(-4, 4))],
              fill=240)
    cover.paste((252, 248, 238), (0, 0), m)
    strokes = _mask(cover.size)
    sd = ImageDraw.Draw(strokes)
    step = max(3, (y1 - y0) // 14)
    width = max(2, step // 2)
    x = x0 - step
    while x < x1 + step:
        sd.line((x, y0 - step + rng.uniform(0, step), x + step * 2, y1 + step - rng.uniform(0, step)),
                fill=rng.randint(90, 150), width=width)
        x += step
    cover.paste(_towards(b.colour, 170), (0, 0), ImageChops.multiply(strokes, m.point(lambda v: 255 if v else 0)))
    for k in (0, 1):  # a double crayon outline, never quite closed
        off = k * width
        ImageDraw.Draw(cover).line([(x0 + off, y0 + off), (x1 - off, y0 + off + rng.uniform(-3, 3)),
                                    (x1 - off, y1 - off), (x0 + off + rng.uniform(-3, 3), y1 - off), (x0 + off, y0 + 2 * off)],
                                   fill=_towards(b.colour, 90), width=width)


def _cartouche(cover: Image.Image, b: TitleBlock, rng: random.Random) -> None:
    """Storybook ink: a cream cartouche with a double inked rule and corner roundels."""
    x0, y0, x1, y1 = b.panel
    d = ImageDraw.Draw(cover)
    u = max(2, (y1 - y0) // 30)
    r = 3 * u
    d.rounded_rectangle((x0, y0, x1, y1), radius=r * 2, fill=b.fill, outline=INK, width=u)
    d.rounded_rectangle((x0 + 2 * u, y0 + 2 * u, x1 - 2 * u, y1 - 2 * u), radius=r, outline=b.ink, width=max(1, u // 2))
    for cx, cy in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_towards(b.colour, 140), outline=INK, width=u)


def _ribbon(cover: Image.Image, b: TitleBlock, rng: random.Random) -> None:
    """Paper cut-out: a paper ribbon with swallowtail ends, laid over a second sheet, with shadows."""
    x0, y0, x1, y1 = b.panel
    h = y1 - y0
    tail = h * 0.45
    under = _towards((255 - b.colour[0], 255 - b.colour[1], 255 - b.colour[2]), 200)
    shapes: list[tuple[list[tuple[float, float]], RGB]] = [
        ([(x0 - tail, y0 + h * 0.25), (x0 + tail, y0 + h * 0.25), (x0 + tail, y1 + h * 0.15),
          (x0 - tail, y1 + h * 0.15), (x0 - tail * 0.5, y0 + h * 0.7)], _towards(b.colour, 60)),
        ([(x1 + tail, y0 + h * 0.25), (x1 - tail, y0 + h * 0.25), (x1 - tail, y1 + h * 0.15),
          (x1 + tail, y1 + h * 0.15), (x1 + tail * 0.5, y0 + h * 0.7)], _towards(b.colour, 60)),
        ([(x0 + 6, y0 - 6), (x1 + 6, y0 + 4), (x1 - 4, y1 + 6), (x0 - 6, y1 - 2)], under),
        ([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], b.fill),
    ]
    off = max(2, h // 28)
    for points, colour in shapes:
        shadow = _mask(cover.size)
        ImageDraw.Draw(shadow).polygon([(x + off, y + off * 1.4) for x, y in points], fill=110)
        cover.paste((30, 24, 40), (0, 0), shadow.filter(ImageFilter.BoxBlur(off)))
        ImageDraw.Draw(cover).polygon(points, fill=colour)


def _pixels(cover: Image.Image, b: TitleBlock, rng: random.Random) -> None:
    """Pixel art: a panel with stepped corners and a bevelled two-tone border, in big pixels."""
    x0, y0, x1, y1 = b.panel
    p = max(4, min(cover.size) // 128)
    d = ImageDraw.Draw(cover)
    for k, colour in ((0, (30, 24, 40)), (1, _towards(b.colour, 190)), (2, b.fill)):
        s = k * p
        d.polygon([(x0 + s + 2 * p, y0 + s), (x1 - s - 2 * p, y0 + s), (x1 - s - 2 * p, y0 + s + p),
                   (x1 - s - p, y0 + s + p), (x1 - s - p, y0 + s + 2 * p), (x1 - s, y0 + s + 2 * p),
                   (x1 - s, y1 - s - 2 * p), (x1 - s - p, y1 - s - 2 * p), (x1 - s - p, y1 - s - p),
                   (x1 - s - 2 * p, y1 - s - p), (x1 - s - 2 * p, y1 - s), (x0 + s + 2 * p, y1 - s),
                   (x0 + s + 2 * p, y1 - s - p), (x0 + s + p, y1 - s - p), (x0 + s + p, y1 - s - 2 * p),
                   (x0 + s, y1 - s - 2 * p), (x0 + s, y0 + s + 2 * p), (x0 + s + p, y0 + s + 2 * p),
                   (x0 + s + p, y0 + s + p), (x0 + s + 2 * p, y0 + s + p)], fill=colour)


def _plaque(cover: Image.Image, b: TitleBlock, rng: random.Random) -> None:
    """Claymation: a puffy clay plaque, lit from above, resting on its own soft shadow."""
    x0, y0, x1, y1 = b.panel
    h = y1 - y0
    r = int(h * 0.35)
    shadow = _mask(cover.size)
    ImageDraw.Draw(shadow).rounded_rectangle((x0 + h * 0.03, y0 + h * 0.08, x1 + h * 0.03, y1 + h * 0.08), radius=r, fill=120)
    cover.paste((30, 24, 40), (0, 0), shadow.filter(ImageFilter.GaussianBlur(max(1, h * 0.05))))
    d = ImageDraw.Draw(cover)
    d.rounded_rectangle((x0, y0, x1, y1), radius=r, fill=_towards(b.fill, _luma(b.fill) * 0.75))
    d.rounded_rectangle((x0, y0, x1, y1 - h * 0.06), radius=r, fill=b.fill)
    light = _mask(cover.size)
    ImageDraw.Draw(light).rounded_rectangle((x0 + r * 0.6, y0 + h * 0.06, x1 - r * 0.6, y0 + h * 0.2), radius=r // 3, fill=90)
    cover.paste((255, 255, 255), (0, 0), light.filter(ImageFilter.GaussianBlur(max(1, h * 0.03))))


PANELS = {
    "watercolor": _wash,
    "crayon": _crayon,
    "storybook-ink": _cartouche,
    "paper-cutout": _ribbon,
    "pixel-art": _pixels,
    "claymation": _plaque,
}


def _words(cover: Image.Image, b: TitleBlock, style: str) -> None:
    font = _face("".join(line for line, _ in b.lines), TITLE_FACE, b.title_size)
    light_words = _luma(b.ink) > 128
    outline = _towards(b.fill, 40) if light_words else CREAM
    stroke = max(1, b.title_size // 16)
    if style == "pixel-art":
        # blocky type: drawn small without smoothing, then enlarged square by square
        p = max(2, min(cover.size) // 256)
        layer = Image.new("RGBA", (cover.width // p, cover.height // p), (0, 0, 0, 0))
        small = _face("".join(line for line, _ in b.lines), TITLE_FACE, max(8, b.title_size // p))
        d = ImageDraw.Draw(layer)
        d.fontmode = "1"
        for line, (x, y) in b.lines:
            d.text((x // p + 1, y // p + 1), line, font=small, fill=(30, 24, 40, 255))
            d.text((x // p, y // p), line, font=small, fill=b.ink + (255,))
        big = layer.resize((layer.width * p, layer.height * p), Image.Resampling.NEAREST)
        cover.paste(big, (0, 0), big)
    else:
        d = ImageDraw.Draw(cover)
        for line, (x, y) in b.lines:
            if style in ("paper-cutout", "claymation"):
                d.text((x + stroke, y + stroke * 1.5), line, font=font, fill=_towards(b.fill, 35))
            d.text((x, y), line, font=font, fill=b.ink, stroke_width=stroke, stroke_fill=outline)
    if b.author and b.author_at:
        byline = f"by {b.author}"
        afont = _face(byline, AUTHOR_FACE, b.author_size)
        ImageDraw.Draw(cover).text(b.author_at, byline, font=afont, fill=b.ink)
