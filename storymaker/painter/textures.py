"""Paper, wash and crayon textures.

They are made from a seeded random stream (never from Pillow's unseeded noise)
so every picture is reproducible, and cached per size because every page of a
book has the same size.
"""

from __future__ import annotations

import random
from functools import lru_cache

from PIL import Image, ImageDraw


@lru_cache(maxsize=8)
def noise(size: tuple[int, int], seed: int) -> Image.Image:
    """White noise, 0..255."""
    rnd = random.Random(seed)
    return Image.frombytes("L", size, rnd.randbytes(size[0] * size[1]))


@lru_cache(maxsize=8)
def paper(size: tuple[int, int], lo: int, hi: int = 255, seed: int = 11, kind: str = "wash") -> Image.Image:
    """Multiply texture (lo..hi) made of marks rather than per-pixel noise: brushed
    horizontal wash streaks, or scattered paper fibres, plus fine specks. Runs of
    equal values keep saved PNGs small and quick to write."""
    rnd = random.Random(seed)
    w, h = size
    unit = min(w, h) / 100
    tex = Image.new("L", size, hi)
    d = ImageDraw.Draw(tex)
    span = hi - lo
    if kind == "wash":
        for _ in range(int(w * h / 2600)):
            x, y = rnd.uniform(-30, w), rnd.uniform(0, h)
            L = rnd.uniform(4, 14) * unit
            d.line(
                (x, y, x + L, y + rnd.uniform(-0.3, 0.3) * unit),
                fill=hi - int(span * rnd.uniform(0.1, 0.3)),
                width=max(1, int(unit * rnd.uniform(0.4, 1.4))),
            )
        for _ in range(int(w * h / 6000)):  # blooms where the wash dried unevenly
            x, y, r = rnd.uniform(0, w), rnd.uniform(0, h), rnd.uniform(2, 6) * unit
            d.ellipse((x - r, y - r * 0.6, x + r, y + r * 0.6), fill=hi - int(span * rnd.uniform(0.1, 0.3)))
    else:  # fibres: short strands in every direction
        for _ in range(int(w * h / 420)):
            x, y = rnd.uniform(0, w), rnd.uniform(0, h)
            dx, dy = rnd.uniform(-1.5, 1.5) * unit, rnd.uniform(-1.5, 1.5) * unit
            d.line((x, y, x + dx, y + dy), fill=hi - int(span * rnd.uniform(0.3, 0.8)), width=1)
    for _ in range(int(w * h / 700)):
        x, y = rnd.randrange(w), rnd.randrange(h)
        d.point((x, y), fill=lo + span // 3)
    return Image.merge("RGB", (tex, tex, tex))


@lru_cache(maxsize=8)
def crayon_strokes(size: tuple[int, int], seed: int = 23) -> tuple[Image.Image, Image.Image]:
    """Two textures for wax crayon: darker diagonal strokes (multiply) and the
    paper tooth left uncovered by the wax (screen)."""
    rnd = random.Random(seed)
    w, h = size
    strokes = Image.new("L", size, 255)
    d = ImageDraw.Draw(strokes)
    unit = min(w, h) / 100
    for _ in range(int(w * h / 2400)):  # patches of short hatching, as a child colours in
        cx, cy = rnd.uniform(-20, w), rnd.uniform(0, h)
        slope = rnd.uniform(0.4, 1.2)
        tone = rnd.randint(214, 236)
        for k in range(rnd.randint(3, 6)):
            x, y = cx + k * unit * 0.9, cy + rnd.uniform(-0.5, 0.5) * unit
            L = rnd.uniform(2.5, 5) * unit
            d.line((x, y, x + L / slope * 0.5, y - L), fill=tone, width=max(1, int(unit * 0.3)))
    tooth = Image.new("L", size, 0)
    td = ImageDraw.Draw(tooth)
    for _ in range(int(w * h / 700)):  # specks of paper tooth the wax skipped over
        x, y = rnd.uniform(0, w), rnd.uniform(0, h)
        v = rnd.randint(70, 130)
        for _ in range(rnd.randint(2, 5)):
            td.point((x + rnd.uniform(-1, 1) * unit, y + rnd.uniform(-0.6, 0.6) * unit), fill=v)
    return Image.merge("RGB", (strokes,) * 3), Image.merge("RGB", (tooth,) * 3)
