"""The working picture: an RGB image at the painting resolution plus what every
painter needs to agree on (light, horizon, random stream, style).

Backgrounds are painted at a reduced resolution (short side 512) and scaled up
once; that keeps blurs and layer effects cheap and gives the soft look of
painted scenery. Figures are drawn later at full resolution so they stay crisp.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from .palette import RGB

if TYPE_CHECKING:
    from .finish import Style
    from .scene import Scene
    from .sky import Light

WORK_SHORT_SIDE = 512


@lru_cache(maxsize=16)
def _ramp(size: tuple[int, int]) -> Image.Image:
    return Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)


@lru_cache(maxsize=16)
def _disc(size: tuple[int, int]) -> Image.Image:
    """255 in the centre fading to 0 at the rim: the mask of every soft glow."""
    return (
        Image.radial_gradient("L")
        .point(lambda v: max(0, 255 - v * 2 if v < 128 else 0))
        .resize(size, Image.Resampling.BILINEAR)
    )


@lru_cache(maxsize=128)
def _lut(stops: tuple[tuple[float, RGB], ...]) -> list[int]:
    flat: list[int] = []
    for i in range(256):
        t = i / 255
        for (t0, c0), (t1, c1) in pairwise(stops):
            if t <= t1 or (t1, c1) == stops[-1]:
                k = 0.0 if t1 == t0 else max(0.0, min(1.0, (t - t0) / (t1 - t0)))
                flat.extend(int(c0[j] + (c1[j] - c0[j]) * k + 0.5) for j in range(3))
                break
    return flat


def gradient(size: tuple[int, int], stops: list[tuple[float, RGB]]) -> Image.Image:
    """A top-to-bottom RGB gradient through (position 0..1, colour) stops."""
    g = _ramp(size).copy()
    g.putpalette(_lut(tuple(stops)))
    g.info.clear()
    return g.convert("RGB")


def glow_mask(size: tuple[int, int], strength: float = 1.0) -> Image.Image:
    m = _disc(size)
    return m if strength >= 1 else m.point(lambda v: int(v * strength))


class Layer(ImageDraw.ImageDraw):
    """A drawing on its own sheet; painters that paste gradients onto the sheet reach it here."""

    sheet: Image.Image


@dataclass
class Canvas:
    img: Image.Image
    rng: random.Random
    scene: Scene
    light: Light
    style: Style
    kind: str = "page"
    horizon: float = 0.6  # fraction of height where land meets sky
    calm: float = 0.0  # fraction of height at the top to keep quiet (cover titles)
    ground: RGB = (110, 180, 90)
    notes: dict = field(default_factory=dict)

    @property
    def w(self) -> int:
        return self.img.width

    @property
    def h(self) -> int:
        return self.img.height

    @property
    def u(self) -> float:
        """One percent of the short side: the unit every painter measures in."""
        return min(self.w, self.h) / 100

    @property
    def hy(self) -> int:
        return int(self.h * self.horizon)

    @property
    def sky_room(self) -> float:
        """How tall a landmark may be and still leave the calm top free."""
        return self.hy - self.h * self.calm

    def lit(self, rgb: RGB, depth: float = 0.0) -> RGB:
        return self.light.lit(rgb, depth)

    def rand(self, a: float, b: float) -> float:
        return self.rng.uniform(a, b)

    @contextmanager
    def layer(self, name: str = "layer") -> Iterator[Layer]:
        """Draw a group of shapes on their own sheet, then let the style treat the
        sheet as a whole (outlines, paper shadows, washes) before laying it down."""
        sheet = Image.new("RGBA", self.img.size, (0, 0, 0, 0))
        d = Layer(sheet)
        d.sheet = sheet
        yield d
        self.style.treat_layer(self, sheet, name)
        box = sheet.getbbox()
        if box:  # lay down only the part that was painted on
            part = sheet.crop(box)
            self.img.paste(part, box[:2], part)

    def glow(self, center: tuple[float, float], radius: float, color: RGB, strength: float = 1.0) -> None:
        r = max(2, int(radius))
        x, y = int(center[0]) - r, int(center[1]) - r
        self.img.paste(color, (x, y, x + 2 * r, y + 2 * r), glow_mask((2 * r, 2 * r), strength))

    def wash(self, color: RGB, alpha: float, box: tuple[int, int, int, int] | None = None) -> None:
        box = box or (0, 0, self.w, self.h)
        self.img.paste(color, box, Image.new("L", (box[2] - box[0], box[3] - box[1]), int(255 * alpha)))

    def ridge(
        self, y: float, amp: float, waves: int = 3, step: int = 6, phase: float | None = None
    ) -> list[tuple[float, float]]:
        """Points along a rolling skyline at height `y`, closed along the bottom edge."""
        ph = self.rng.uniform(0, 6.3) if phase is None else phase
        ph2 = self.rng.uniform(0, 6.3)
        pts: list[tuple[float, float]] = []
        for x in range(0, self.w + step, step):
            t = x / self.w
            dy = math.sin(t * math.pi * waves + ph) * amp + math.sin(t * math.pi * waves * 2.3 + ph2) * amp * 0.35
            pts.append((x, y - dy))
        return pts + [(self.w, self.h), (0, self.h)]


def fill_gradient(c: Canvas, sheet: Image.Image, points, top: RGB, bottom: RGB, y0: float, y1: float) -> None:
    """Fill a polygon on `sheet` with a vertical gradient from `top` at y0 to `bottom` at y1."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    left, upper = max(0, int(min(xs))), max(0, int(min(ys)))
    right, lower = min(sheet.width, int(max(xs)) + 1), min(sheet.height, int(max(ys)) + 1)
    if right <= left or lower <= upper:
        return
    size = (right - left, lower - upper)
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon([(x - left, y - upper) for x, y in points], fill=255)
    span = max(1.0, lower - upper)
    a = min(1.0, max(0.0, (y0 - upper) / span))
    b = min(1.0, max(a + 0.01, (y1 - upper) / span))
    stops = [(0.0, top), (a, top), (b, bottom), (1.0, bottom)] if b < 1 else [(0.0, top), (a, top), (1.0, bottom)]
    sheet.paste(gradient(size, stops), (left, upper), mask)
