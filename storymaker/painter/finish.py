"""Art styles: how shapes are drawn (outline, shading) and the effects that
make the same scene look like watercolour, crayon, ink, paper, pixels or clay.

Effects come in three places: on each background layer as it is laid down
(`treat_layer`), once on the finished background (`treat_background`), and on
the full-size picture at the end (`finish`). Effects only shift colours a
little, except pixel art, whose palette is built to keep the characters'
colours exactly, so a character stays recognisable in every style.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageOps

from . import textures
from .palette import RGB

INK: RGB = (46, 34, 40)


def _box_blur(im: Image.Image, r: float) -> Image.Image:
    return im.filter(ImageFilter.BoxBlur(r))


def _darken_edges(sheet: Image.Image, radius: float, strength: float) -> None:
    """Pigment pools at the edge of a wash: darken a band just inside each shape."""
    alpha = sheet.getchannel("A")
    band = ImageChops.subtract(alpha, _box_blur(alpha, radius)).point(lambda v: min(255, int(v * strength)))
    rgb = sheet.convert("RGB")
    dark = ImageChops.multiply(rgb, Image.new("RGB", rgb.size, (150, 130, 140)))
    sheet.paste(Image.composite(dark, rgb, band), (0, 0))
    sheet.putalpha(alpha)


def _drop_shadow(c, sheet: Image.Image, dx: float, dy: float, blur: float, opacity: float) -> None:
    """Lay a soft shadow under the shapes on the sheet, as if they were cut out and raised."""
    alpha = sheet.getchannel("A")
    shadow = ImageChops.offset(_box_blur(alpha, blur), int(dx), int(dy)).point(lambda v: int(v * opacity))
    c.img.paste((30, 24, 40), (0, 0), shadow)


def _edge_lines(
    img: Image.Image,
    color: RGB,
    width: int,
    gain: float,
    cap: int,
    threshold: int = 0,
    blur: bool = False,
    broken: bool = False,
) -> None:
    """Lines where colours meet, drawn straight onto the picture: ink, crayon or pooled pigment."""
    edges = img.convert("L").filter(ImageFilter.FIND_EDGES)
    if threshold:
        edges = edges.point(lambda v: 255 if v > threshold else 0)
    else:
        edges = edges.point(lambda v: min(cap, int(v * gain)))
    if blur:
        edges = _box_blur(edges, 0.7)
    if broken:
        edges = ImageChops.multiply(edges, textures.noise(edges.size, 5).point(lambda v: 255 if v > 70 else 90))
    img.paste(color, (0, 0), edges)


def _relief(img: Image.Image, amount: float) -> None:
    """Light every rounded edge from the top left, as on a modelled clay set."""
    lum = _box_blur(img.convert("L"), 2)
    bump = lum.filter(ImageFilter.Kernel((3, 3), (-2, -1, 0, -1, 0, 1, 0, 1, 2), 1, 128))
    hi = bump.point(lambda v: min(200, int(max(0, v - 128) * amount * 2)))
    lo = bump.point(lambda v: min(200, int(max(0, 128 - v) * amount * 2)))
    img.paste((255, 246, 226), (0, 0), hi)
    img.paste((40, 24, 30), (0, 0), lo)


@dataclass(frozen=True)
class Style:
    key: str
    ink: RGB | None = None  # outline colour for figure shapes; None = a darker shade of each fill
    line: float = 0.6  # outline width in figure units (0 = none)
    clay: bool = False  # shade figure shapes like modelling clay

    # -- background layers (painting resolution) ----------------------------------------
    def treat_layer(self, c, sheet: Image.Image, name: str) -> None:
        u = c.u
        if self.key == "paper-cutout":
            _drop_shadow(c, sheet, 0.5 * u, 0.8 * u, 0.5 * u, 0.45)
        elif self.key == "claymation" and name in ("mid", "front", "wall"):
            _drop_shadow(c, sheet, 0.3 * u, 0.6 * u, 1.0 * u, 0.35)

    def treat_background(self, c) -> None:
        """Outlines and paper for the background, at painting size (cheap, and free of
        pixel-level noise, which would make every saved PNG slow and large)."""
        img, size = c.img, c.img.size
        if self.key == "watercolor":
            # pigment gathers where one wash meets another, and dries unevenly
            _edge_lines(img, (96, 70, 96), 1, 2.0, 110, blur=True)
            c.img = ImageChops.multiply(img, textures.paper(size, 222)).filter(ImageFilter.BoxBlur(0.6))
        elif self.key == "crayon":
            _edge_lines(img, (70, 56, 60), 1, 3.0, 170, broken=True)
            strokes, tooth = textures.crayon_strokes(size)
            c.img = ImageChops.screen(ImageChops.multiply(img, strokes), tooth)
        elif self.key == "storybook-ink":
            _edge_lines(img, INK, 1, 255, 255, threshold=30)
            c.img = ImageChops.multiply(img, textures.paper(size, 226, kind="fibres"))
        elif self.key == "paper-cutout":
            c.img = ImageChops.multiply(ImageOps.posterize(img, 4), textures.paper(size, 220, seed=31, kind="fibres"))
        elif self.key == "claymation":
            _relief(img, 1.6)
            c.img = ImageChops.multiply(img, Image.new("RGB", size, (255, 240, 222)))  # warm studio lamps

    # -- figures (final resolution) ------------------------------------------------------
    def treat_figure(self, fig: Image.Image, unit: float) -> Image.Image:
        if self.key == "watercolor":
            alpha = fig.getchannel("A")
            _darken_edges(fig, 1.2 * unit, 0.7)
            fig.putalpha(_box_blur(alpha, 0.6))
        elif self.key == "crayon":
            strokes, tooth = textures.crayon_strokes((512, 512))
            box = (0, 0, min(512, fig.width), min(512, fig.height))
            region = fig.crop(box)
            alpha = region.getchannel("A")
            rgb = ImageChops.screen(ImageChops.multiply(region.convert("RGB"), strokes.crop(box)), tooth.crop(box))
            rgb.putalpha(alpha)
            fig.paste(rgb, box)
        return fig

    def figure_shadow(self, unit: float) -> tuple[float, float, float, float] | None:
        """(dx, dy, blur, opacity) of a shadow cast behind a figure, if the style has one."""
        if self.key == "paper-cutout":
            return (1.2 * unit, 1.6 * unit, 1.0 * unit, 0.5)
        if self.key == "claymation":
            return (1.0 * unit, 1.4 * unit, 2.5 * unit, 0.35)
        return None

    # -- the whole picture (final resolution) ----------------------------------------------
    def finish(self, img: Image.Image, keep: list[RGB]) -> Image.Image:
        return pixelate(img, keep) if self.key == "pixel-art" else img


def pixelate(img: Image.Image, keep: list[RGB], cells: int = 128, colors: int = 28) -> Image.Image:
    """About `cells` big square pixels across the short side, in a small palette
    that always includes the `keep` colours (the characters' own)."""
    factor = max(1, min(img.size) // cells)
    small = img.reduce(factor) if factor > 1 else img
    palette = small.quantize(colors, method=Image.Quantize.MEDIANCUT).getpalette()
    assert palette is not None  # a quantized picture always has a palette
    flat = palette[: colors * 3]
    for rgb in keep[: 256 - colors]:
        flat.extend(rgb)
    pal = Image.new("P", (1, 1))
    pal.putpalette(flat + flat[:3] * (256 - len(flat) // 3))
    out = small.quantize(palette=pal, dither=Image.Dither.NONE).convert("RGB")
    return (
        out.resize((small.width * factor, small.height * factor), Image.Resampling.NEAREST).resize(img.size, Image.Resampling.NEAREST)
        if out.size != img.size
        else out
    )


STYLES: dict[str, Style] = {
    "watercolor": Style("watercolor", None, 0.6),
    "crayon": Style("crayon", None, 1.1),
    "storybook-ink": Style("storybook-ink", INK, 1.4),
    "paper-cutout": Style("paper-cutout", None, 0.0),
    "pixel-art": Style("pixel-art", (40, 30, 50), 1.5),
    "claymation": Style("claymation", None, 0.5, clay=True),
}


def style_for(key: str) -> Style:
    return STYLES.get(key, STYLES["watercolor"])
