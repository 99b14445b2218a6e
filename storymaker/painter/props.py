"""Small things that dress a scene: trees, houses, flowers, grass, rocks,
fences, waves, birds. Each takes the canvas (for light, scale and randomness),
a drawing surface and where to stand; `depth` 0 is the foreground, 1 the far
distance, so far things come out paler and hazier.
"""

from __future__ import annotations

import math

from .palette import RGB, lighten, shade

GREENS: tuple[RGB, ...] = ((76, 160, 76), (96, 176, 82), (60, 140, 86), (120, 180, 70))
FLOWER_COLORS: tuple[RGB, ...] = (
    (244, 90, 110),
    (255, 210, 60),
    (250, 250, 250),
    (190, 120, 230),
    (255, 150, 60),
    (110, 160, 250),
)


def tree(c, d, x: float, y: float, h: float, depth: float = 0.0, kind: str = "round", color: RGB | None = None) -> None:
    snowy = "snow" in c.scene.weather or c.scene.setting == "snow"
    green = color or c.rng.choice(GREENS)
    trunk = c.lit((120, 80, 50), depth)
    leaf, dark, light = c.lit(green, depth), c.lit(shade(green, 0.75), depth), c.lit(lighten(green, 0.25), depth)
    if kind == "pine":
        tw = h * 0.07
        d.rectangle((x - tw, y - h * 0.2, x + tw, y), fill=trunk)
        for i in range(3):
            top = y - h * (1.0 - i * 0.22)
            base = y - h * (0.16 + (2 - i) * 0.2)
            wid = h * (0.22 + i * 0.08)
            d.polygon([(x, top), (x + wid, base), (x - wid, base)], fill=dark)
            d.polygon([(x, top), (x + wid * 0.15, base), (x - wid, base)], fill=leaf)
            if snowy:
                d.polygon(
                    [
                        (x, top),
                        (x + wid * 0.35, top + (base - top) * 0.35),
                        (x - wid * 0.35, top + (base - top) * 0.35),
                    ],
                    fill=c.lit((250, 252, 255), depth),
                )
        return
    tw = h * 0.06
    d.polygon([(x - tw, y), (x - tw * 0.6, y - h * 0.55), (x + tw * 0.6, y - h * 0.55), (x + tw, y)], fill=trunk)
    r = h * 0.3
    cy = y - h * 0.68
    for dx, dy, k, col in (
        (-0.55, 0.2, 0.8, dark),
        (0.55, 0.2, 0.8, dark),
        (0, -0.25, 1.0, leaf),
        (-0.45, 0.0, 0.75, leaf),
        (0.45, 0.05, 0.7, leaf),
    ):
        rr = r * k
        d.ellipse((x + dx * r - rr, cy + dy * r - rr, x + dx * r + rr, cy + dy * r + rr), fill=col)
    d.ellipse((x - r * 0.55, cy - r * 0.85, x + r * 0.05, cy - r * 0.35), fill=light)
    if snowy:
        d.chord((x - r * 0.9, cy - r * 1.28, x + r * 0.9, cy - r * 0.2), 190, 350, fill=c.lit((250, 252, 255), depth))
    elif c.rng.random() < 0.35 and depth < 0.5:
        for _ in range(4):  # apples or blossom
            ax, ay = x + c.rand(-0.6, 0.6) * r, cy + c.rand(-0.6, 0.4) * r
            ar = h * 0.025
            d.ellipse((ax - ar, ay - ar, ax + ar, ay + ar), fill=c.lit((230, 70, 60), depth))


def bush(c, d, x: float, y: float, w: float, depth: float = 0.0) -> None:
    g = c.rng.choice(GREENS)
    for i, k in enumerate((0.7, 1.0, 0.75)):
        px = x + (i - 1) * w * 0.32
        r = w * 0.3 * k
        d.ellipse((px - r, y - r * 1.5, px + r, y + r * 0.3), fill=c.lit(shade(g, 0.85 + i * 0.08), depth))


def flower(c, d, x: float, y: float, s: float, color: RGB | None = None) -> None:
    col = c.lit(color or c.rng.choice(FLOWER_COLORS))
    d.line((x, y, x, y - s * 2.2), fill=c.lit((70, 140, 60)), width=max(1, int(s * 0.35)))
    cy = y - s * 2.2
    for k in range(5):
        a = k * 2 * math.pi / 5
        px, py = x + math.cos(a) * s * 0.7, cy + math.sin(a) * s * 0.7
        d.ellipse((px - s * 0.55, py - s * 0.55, px + s * 0.55, py + s * 0.55), fill=col)
    d.ellipse((x - s * 0.4, cy - s * 0.4, x + s * 0.4, cy + s * 0.4), fill=c.lit((255, 200, 60)))


def tuft(c, d, x: float, y: float, s: float, color: RGB) -> None:
    col = c.lit(color)
    for k in (-1, 0, 1):
        d.polygon(
            [
                (x + k * s * 0.5 - s * 0.25, y),
                (x + k * s * 0.9, y - s * (1.6 - abs(k) * 0.5)),
                (x + k * s * 0.5 + s * 0.25, y),
            ],
            fill=col,
        )


def rock(c, d, x: float, y: float, w: float, depth: float = 0.0, color: RGB = (150, 146, 140)) -> None:
    d.chord((x - w / 2, y - w * 0.7, x + w / 2, y + w * 0.3), 180, 360, fill=c.lit(color, depth))
    d.chord((x - w * 0.35, y - w * 0.6, x + w * 0.15, y - w * 0.1), 180, 360, fill=c.lit(lighten(color, 0.2), depth))


def house(c, d, x: float, y: float, w: float, h: float, wall: RGB, roof: RGB, depth: float = 0.0) -> None:
    """A gabled storybook house standing with its bottom centre at (x, y)."""
    lit_windows = c.scene.dark or c.scene.time == "sunset" or "storm" in c.scene.weather
    d.rectangle((x - w / 2, y - h, x + w / 2, y), fill=c.lit(wall, depth))
    d.polygon([(x - w * 0.6, y - h), (x, y - h - w * 0.55), (x + w * 0.6, y - h)], fill=c.lit(roof, depth))
    d.rectangle((x + w * 0.18, y - h - w * 0.5, x + w * 0.32, y - h - w * 0.15), fill=c.lit((150, 90, 70), depth))
    win = (255, 214, 120) if lit_windows else (170, 210, 240)
    ww = w * 0.2
    for wx in (x - w * 0.3, x + w * 0.1):
        d.rectangle((wx, y - h * 0.78, wx + ww, y - h * 0.78 + ww), fill=win if lit_windows else c.lit(win, depth))
        d.line(
            (wx + ww / 2, y - h * 0.78, wx + ww / 2, y - h * 0.78 + ww),
            fill=c.lit((250, 250, 250), depth),
            width=max(1, int(ww * 0.12)),
        )
    d.rectangle((x - w * 0.1, y - h * 0.42, x + w * 0.1, y), fill=c.lit(shade(roof, 0.8), depth))
    if lit_windows and depth < 0.8:
        for wx in (x - w * 0.3, x + w * 0.1):
            c.notes.setdefault("lights", []).append((wx + ww / 2, y - h * 0.78 + ww / 2, ww * 1.6))


def fence(c, d, x0: float, x1: float, y: float, h: float, depth: float = 0.0) -> None:
    col = c.lit((236, 226, 204), depth)
    step = h * 0.55
    d.rectangle((x0, y - h * 0.7, x1, y - h * 0.58), fill=col)
    d.rectangle((x0, y - h * 0.35, x1, y - h * 0.23), fill=col)
    x = x0
    while x < x1:
        d.polygon(
            [(x, y), (x, y - h * 0.85), (x + step * 0.2, y - h), (x + step * 0.4, y - h * 0.85), (x + step * 0.4, y)],
            fill=col,
        )
        x += step


def waves(c, d, y0: float, y1: float, color: RGB, rows: int = 4, depth: float = 0.3) -> None:
    """Scalloped wave crests across a band of water, smaller towards the horizon."""
    crest = c.lit(lighten(color, 0.45), depth)
    for i in range(rows):
        t = (i + 1) / (rows + 1)
        y = y0 + (y1 - y0) * t * t
        r = c.u * (0.6 + 2.2 * t)
        x = c.rand(-2, 0) * r * 4
        while x < c.w:
            if c.rng.random() < 0.6:
                d.arc((x, y - r, x + r * 3, y + r), 200, 340, fill=crest, width=max(1, int(r * 0.35)))
            x += r * c.rand(4, 7)


def birds(c, d, n: int, color: RGB = (60, 60, 80)) -> None:
    col = c.lit(color)
    top = c.h * (c.calm + 0.05)
    for _ in range(n):
        x, y = c.rand(0.1, 0.9) * c.w, c.rand(top, max(top + 1, c.hy * 0.7))
        s = c.rand(1.2, 2.2) * c.u
        d.arc((x - s, y - s * 0.5, x, y + s * 0.5), 200, 340, fill=col, width=max(1, int(s * 0.3)))
        d.arc((x, y - s * 0.5, x + s, y + s * 0.5), 200, 340, fill=col, width=max(1, int(s * 0.3)))


def butterfly(c, d, x: float, y: float, s: float) -> None:
    col = c.lit(c.rng.choice(((250, 150, 60), (120, 170, 250), (240, 110, 170))))
    for sx in (-1, 1):
        d.ellipse((x + sx * s * 0.9 - s * 0.6, y - s * 0.7, x + sx * s * 0.9 + s * 0.6, y + s * 0.2), fill=col)
        d.ellipse((x + sx * s * 0.6 - s * 0.4, y, x + sx * s * 0.6 + s * 0.4, y + s * 0.6), fill=lighten(col, 0.3))
    d.line((x, y - s * 0.5, x, y + s * 0.6), fill=(60, 40, 40), width=max(1, int(s * 0.2)))


def boat(c, d, x: float, y: float, w: float, depth: float = 0.5) -> None:
    d.polygon(
        [(x - w / 2, y - w * 0.15), (x + w / 2, y - w * 0.15), (x + w * 0.35, y), (x - w * 0.35, y)],
        fill=c.lit((190, 70, 60), depth),
    )
    d.line((x, y - w * 0.15, x, y - w * 0.9), fill=c.lit((110, 80, 60), depth), width=max(1, int(w * 0.03)))
    d.polygon(
        [(x + w * 0.03, y - w * 0.85), (x + w * 0.4, y - w * 0.22), (x + w * 0.03, y - w * 0.22)],
        fill=c.lit((250, 248, 240), depth),
    )


def ground_dressing(c, d, y0: float, y1: float, green: RGB, flowers: int = 10, tufts: int = 16) -> None:
    """Grass tufts and flowers scattered over the foreground, bigger when nearer."""
    for _ in range(tufts):
        t = c.rng.random()
        tuft(c, d, c.rand(0, c.w), y0 + (y1 - y0) * t, c.u * (1.2 + 1.6 * t), shade(green, 0.8))
    for _ in range(flowers):
        t = c.rng.random()
        flower(c, d, c.rand(0, c.w), y0 + (y1 - y0) * t, c.u * (0.7 + 0.9 * t))


def kite(c, d, x: float, y: float) -> None:
    s = 5 * c.u
    d.polygon([(x, y - s), (x + s * 0.7, y), (x, y + s * 1.3), (x - s * 0.7, y)], fill=c.lit((240, 80, 90)))
    d.line((x, y - s, x, y + s * 1.3), fill=c.lit((250, 230, 120)), width=max(1, int(c.u * 0.3)))
    d.line((x, y + s * 1.3, x + 20 * c.u, c.h * 0.75), fill=c.lit((80, 80, 80)), width=1)
