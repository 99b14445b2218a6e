"""Small sample pictures of each art style, for choosing one before a book is made.

Painted once per process by the offline painter (a few milliseconds each at this
size), whatever image model makes the books: they show the style, not a page. At
thumbnail size the painter's own style effects (fine lines, paper grain, small pixels)
are too fine to tell six samples apart, so each sample then gets its style's signature
at a scale a thumbnail keeps: washes bleeding into white paper, waxy strokes, bold ink
lines, flat cut paper, big pixels, lit clay.
"""

from __future__ import annotations

import functools
import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from . import styles
from .models.base import CharacterLook, ImageRequest
from .painter import paint

PREVIEW_SIZE = (240, 160)
SCENE = "a sunny meadow beside a little house on a spring morning, happy"
CAST = (
    CharacterLook("Mia", "a curious girl with red boots and a yellow raincoat"),
    CharacterLook("Pip", "a tiny grey cat with a white-tipped tail"),
)
INK = (40, 30, 36)


def _edges(img: Image.Image, threshold: int, thickness: int) -> Image.Image:
    """A mask of where colours meet, `thickness` (odd) pixels wide."""
    edges = img.convert("L").filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > threshold else 0)
    return edges.filter(ImageFilter.MaxFilter(thickness)) if thickness > 1 else edges


def _watercolor(img: Image.Image) -> Image.Image:
    # Soft washes that pale towards the edges of the sheet and stop short of them, on white paper.
    soft = ImageEnhance.Color(img.filter(ImageFilter.GaussianBlur(0.9))).enhance(0.9)
    soft = Image.blend(soft, Image.new("RGB", img.size, "white"), 0.15)
    w, h = img.size
    mask = Image.new("L", img.size, 0)
    draw = ImageDraw.Draw(mask)
    rng = random.Random(7)
    points = []
    for i in range(36):  # a wobbly oval: where the wash reached
        a = 2 * math.pi * i / 36
        r = 1 + rng.uniform(-0.06, 0.04)
        points.append((w / 2 + math.cos(a) * w * 0.56 * r, h / 2 + math.sin(a) * h * 0.6 * r))
    draw.polygon(points, fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(5))
    pigment = ImageChops.multiply(soft, ImageOps.colorize(_edges(soft, 30, 1).filter(ImageFilter.GaussianBlur(0.8)),
                                                          "white", (170, 140, 170)))
    return Image.composite(pigment, Image.new("RGB", img.size, (252, 249, 242)), mask)


def _crayon(img: Image.Image) -> Image.Image:
    # Waxy diagonal strokes with paper showing through, and a scribbled outline.
    w, h = img.size
    strokes = Image.new("L", img.size, 255)
    draw = ImageDraw.Draw(strokes)
    rng = random.Random(11)
    for x in range(-h, w, 3):
        draw.line([(x, h), (x + h, 0)], fill=rng.randint(150, 215), width=1)
    bright = ImageEnhance.Color(img).enhance(1.35)
    waxy = ImageChops.screen(bright, ImageOps.invert(strokes).point(lambda v: v // 2).convert("RGB"))
    waxy.paste((90, 70, 70), (0, 0), _edges(img, 40, 1))
    return waxy


def _storybook_ink(img: Image.Image) -> Image.Image:
    # Bold black lines over a light, muted wash on cream paper.
    wash = Image.blend(ImageEnhance.Color(img).enhance(0.7), Image.new("RGB", img.size, (250, 240, 215)), 0.3)
    wash.paste(INK, (0, 0), _edges(img.filter(ImageFilter.MedianFilter(3)), 60, 1))
    return wash


def _paper_cutout(img: Image.Image) -> Image.Image:
    # A few flat colours, each shape cut out and raised off the page by its shadow.
    flat = ImageOps.posterize(img.filter(ImageFilter.ModeFilter(5)), 2)
    shadow = ImageChops.offset(_edges(flat, 10, 3), 2, 2).filter(ImageFilter.GaussianBlur(1))
    out = flat.copy()
    out.paste((60, 40, 50), (0, 0), shadow.point(lambda v: v // 2))
    return out


def _pixel_art(img: Image.Image) -> Image.Image:
    # Pixels a thumbnail can see: 60 across, in 20 colours.
    small = ImageEnhance.Color(img).enhance(1.25).resize((img.width // 4, img.height // 4), Image.Resampling.BOX)
    small = small.quantize(20, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE).convert("RGB")
    return small.resize(img.size, Image.Resampling.NEAREST)


def _claymation(img: Image.Image) -> Image.Image:
    # Thick, rounded, saturated shapes lit from the top left, with a dark studio edge.
    rounded = ImageEnhance.Color(img.filter(ImageFilter.ModeFilter(3)).filter(ImageFilter.GaussianBlur(1))).enhance(1.5)
    relief = rounded.convert("L").filter(ImageFilter.EMBOSS)
    lit = ImageChops.overlay(rounded, ImageOps.colorize(relief, (60, 40, 30), (255, 245, 225)))
    vignette = Image.radial_gradient("L").resize(img.size).point(lambda v: min(255, int(v * 0.9)))
    return Image.composite(Image.new("RGB", img.size, (45, 30, 30)), ImageEnhance.Contrast(lit).enhance(1.1),
                           vignette.point(lambda v: max(0, v - 150) * 2))


SIGNATURES = {
    "watercolor": _watercolor,
    "crayon": _crayon,
    "storybook-ink": _storybook_ink,
    "paper-cutout": _paper_cutout,
    "pixel-art": _pixel_art,
    "claymation": _claymation,
}


@functools.lru_cache(maxsize=len(styles.ART_STYLES))
def style_preview(style: str) -> bytes:
    """A small JPEG of the same little scene painted in `style` (ValueError for an unknown style)."""
    if style not in styles.ART_STYLES:
        raise ValueError(f"unknown art style {style!r}")
    picture = paint(ImageRequest(prompt="", scene=SCENE, characters=CAST, style=style, size=PREVIEW_SIZE,
                                 seed="style-preview", kind="page")).convert("RGB")
    signature = SIGNATURES.get(style)
    if signature is not None:
        picture = signature(picture)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
