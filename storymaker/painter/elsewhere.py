"""Places with their own skies: outer space, under the sea, a cave, and up
among the clouds. Each replaces the usual land with its own floor.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFilter

from . import props
from .canvas import fill_gradient, gradient
from .palette import RGB, lighten, mix, shade
from .sky import cloud, star


def space(c) -> None:
    c.img.paste(gradient(c.img.size, [(0, (12, 10, 40)), (0.5, (40, 28, 90)), (1, (70, 40, 110))]), (0, 0))
    neb = Image.new("L", (c.w // 8, c.h // 8), 0)
    nd = ImageDraw.Draw(neb)
    for _ in range(5):
        x, y, r = c.rand(0, neb.width), c.rand(0, neb.height * 0.6), c.rand(4, 12)
        nd.ellipse((x - r * 2, y - r, x + r * 2, y + r), fill=90)
    c.img.paste((190, 90, 200), (0, 0), neb.filter(ImageFilter.BoxBlur(4)).resize(c.img.size, Image.Resampling.BILINEAR))
    d = ImageDraw.Draw(c.img)
    top = c.h * c.calm
    for _ in range(120):
        x, y, r = c.rand(0, c.w), c.rand(top, c.h * 0.75), c.rand(0.2, 0.5) * c.u
        d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 250, 230))
    for _ in range(10):
        star(d, c.rand(0, c.w), c.rand(top + 3 * c.u, c.h * 0.6), c.rand(1.2, 2.4) * c.u, (255, 236, 160))
    with c.layer("far") as d:
        x, y = c.w * c.rand(0.65, 0.8), max(c.h * (c.calm + 0.16), 20 * c.u)
        r = 11 * c.u
        ring = (250, 210, 140)
        d.ellipse((x - r * 2, y - r * 0.45, x + r * 2, y + r * 0.45), outline=ring, width=max(1, int(c.u * 1.4)))
        d.ellipse((x - r, y - r, x + r, y + r), fill=(240, 150, 110))
        for k in (-0.4, 0.1, 0.5):
            d.chord((x - r, y + k * r - r * 0.12, x + r, y + k * r + r * 0.12), 0, 360, fill=(226, 120, 96))
        d.arc((x - r * 2, y - r * 0.45, x + r * 2, y + r * 0.45), 0, 180, fill=ring, width=max(1, int(c.u * 1.4)))
        px, py, pr = c.w * c.rand(0.12, 0.3), max(c.h * (c.calm + 0.1), 12 * c.u), 5 * c.u
        d.ellipse((px - pr, py - pr, px + pr, py + pr), fill=(110, 200, 220))
        d.ellipse((px - pr * 0.6, py - pr * 0.7, px, py - pr * 0.1), fill=(170, 230, 240))
        if c.scene.has("rocket", "spaceship"):
            _rocket(c, d, c.w * 0.22, c.h * 0.5, 16 * c.u)
    with c.layer("near") as d:
        y = c.hy + 4 * c.u
        pts = c.ridge(y, 2 * c.u, 2)
        fill_gradient(c, d.sheet, pts, (196, 196, 214), (150, 146, 170), y, c.h)
        for _ in range(7):
            x, yy = c.rand(0, c.w), c.rand(y + 3 * c.u, c.h)
            r = c.u * c.rand(2, 5) * (0.5 + (yy - y) / (c.h - y))
            d.ellipse((x - r, yy - r * 0.35, x + r, yy + r * 0.35), fill=(140, 136, 160))
            d.ellipse((x - r * 0.8, yy - r * 0.2, x + r * 0.9, yy + r * 0.33), fill=(176, 174, 196))


def _rocket(c, d, x: float, y: float, h: float) -> None:
    w = h * 0.22
    d.polygon([(x - w, y), (x - w * 1.8, y + h * 0.3), (x - w, y + h * 0.2)], fill=(220, 60, 60))
    d.polygon([(x + w, y), (x + w * 1.8, y + h * 0.3), (x + w, y + h * 0.2)], fill=(220, 60, 60))
    d.ellipse((x - w, y - h * 0.6, x + w, y + h * 0.25), fill=(236, 236, 244))
    d.ellipse((x - w * 0.45, y - h * 0.3, x + w * 0.45, y - h * 0.05), fill=(110, 190, 240))
    d.polygon([(x - w * 0.5, y + h * 0.22), (x + w * 0.5, y + h * 0.22), (x, y + h * 0.55)], fill=(255, 180, 60))


def underwater(c) -> None:
    deep = (20, 70, 130) if not c.scene.dark else (8, 24, 60)
    c.img.paste(gradient(c.img.size, [(0, lighten((40, 150, 200), 0.2)), (0.55, (30, 110, 170)), (1, deep)]), (0, 0))
    rays = Image.new("L", (c.w // 4, c.h // 4), 0)
    rd = ImageDraw.Draw(rays)
    for _ in range(5):
        x = c.rand(0, rays.width)
        rd.polygon([(x, 0), (x + 5, 0), (x - 12, rays.height), (x - 26, rays.height)], fill=50)
    c.img.paste((220, 250, 255), (0, 0), rays.filter(ImageFilter.BoxBlur(2)).resize(c.img.size, Image.Resampling.BILINEAR))
    with c.layer("far") as d:
        pts = c.ridge(c.hy, 3 * c.u, 3)
        d.polygon(pts, fill=mix((60, 120, 150), (30, 110, 170), 0.5))
        for _ in range(4):
            _fish(
                c,
                d,
                c.rand(0.05, 0.95) * c.w,
                c.rand(c.calm + 0.1, c.horizon - 0.1) * c.h,
                c.u * c.rand(2, 3),
                (120, 190, 220),
            )
    with c.layer("mid") as d:
        for _ in range(9):
            x = c.rand(0, c.w)
            _weed(c, d, x, c.hy + c.rand(2, 8) * c.u, c.u * c.rand(14, 26))
        for _ in range(3):
            _coral(c, d, c.rand(0, c.w), c.hy + c.rand(5, 10) * c.u, c.u * c.rand(6, 10))
        for _ in range(3):
            _fish(
                c,
                d,
                c.rand(0.05, 0.95) * c.w,
                c.rand(0.3, 0.55) * c.h,
                c.u * c.rand(3, 5),
                c.rng.choice(((250, 150, 50), (250, 210, 60), (240, 110, 150))),
            )
    with c.layer("near") as d:
        y = c.hy + 10 * c.u
        pts = c.ridge(y, 1.5 * c.u, 2)
        fill_gradient(c, d.sheet, pts, (230, 206, 150), (200, 176, 120), y, c.h)
        for _ in range(5):
            x, yy = c.rand(0, c.w), c.rand(y + 3 * c.u, c.h)
            r = c.u * c.rand(1, 1.8)
            d.pieslice((x - r, yy - r, x + r, yy + r), 180, 360, fill=(250, 210, 200))
    d = ImageDraw.Draw(c.img)
    for _ in range(16):  # bubbles
        x, y, r = c.rand(0, c.w), c.rand(c.calm * c.h, c.h * 0.9), c.rand(0.5, 1.6) * c.u
        d.ellipse((x - r, y - r, x + r, y + r), outline=(220, 245, 255), width=max(1, int(c.u * 0.3)))


def _weed(c, d, x: float, y: float, h: float) -> None:
    col = c.rng.choice(((60, 160, 110), (90, 180, 90), (50, 140, 120)))
    pts_l, pts_r = [], []
    for i in range(9):
        t = i / 8
        sway = math.sin(t * 5 + x) * h * 0.08
        w = h * 0.05 * (1 - t * 0.8)
        pts_l.append((x + sway - w, y - h * t))
        pts_r.append((x + sway + w, y - h * t))
    d.polygon(pts_l + pts_r[::-1], fill=col)


def _coral(c, d, x: float, y: float, s: float) -> None:
    col = c.rng.choice(((250, 120, 120), (250, 160, 90), (220, 110, 200)))
    for a in (-0.6, -0.2, 0.25, 0.65):
        ex, ey = x + math.sin(a) * s, y - math.cos(a) * s
        d.line((x, y, ex, ey), fill=col, width=max(2, int(s * 0.22)))
        d.ellipse((ex - s * 0.16, ey - s * 0.16, ex + s * 0.16, ey + s * 0.16), fill=col)


def _fish(c, d, x: float, y: float, s: float, col: RGB) -> None:
    k = 1 if c.rng.random() < 0.5 else -1
    d.polygon(
        [(x - k * s * 0.8, y), (x - k * s * 1.6, y - s * 0.6), (x - k * s * 1.6, y + s * 0.6)], fill=shade(col, 0.85)
    )
    d.ellipse((x - s, y - s * 0.6, x + s, y + s * 0.6), fill=col)
    d.ellipse((x + k * s * 0.4 - s * 0.15, y - s * 0.25, x + k * s * 0.4 + s * 0.15, y + s * 0.05), fill=(30, 30, 40))


def cave(c) -> None:
    rock: RGB = (92, 80, 96)
    # the mouth of the cave opens on the outside world (with its own time of day)
    with c.layer("far") as d:
        pts = c.ridge(c.hy, 2 * c.u, 2)
        d.polygon(pts, fill=c.lit((110, 170, 100), 0.6))
    with c.layer("mid") as d:
        mouth = (c.w * 0.22, c.h * (c.calm + 0.08), c.w * 0.78, c.hy + 30 * c.u)
        wall = Image.new("L", c.img.size, 255)
        ImageDraw.Draw(wall).ellipse(mouth, fill=0)
        d.sheet.paste(rock, (0, 0), wall)
        d.arc(mouth, 180, 360, fill=shade(rock, 0.7), width=int(3 * c.u))
        for _ in range(12):  # stalactites along the roof
            x = c.rand(0, c.w)
            top = 0 if abs(x - c.w / 2) > c.w * 0.25 else mouth[1] * 0.5
            L = c.rand(5, 14) * c.u
            d.polygon([(x - 2 * c.u, top), (x + 2 * c.u, top), (x, top + L)], fill=shade(rock, 1.15))
        for _ in range(5):
            x, y = c.rng.choice((c.rand(0.02, 0.2), c.rand(0.8, 0.98))) * c.w, c.rand(0.45, 0.75) * c.h
            _crystal(c, d, x, y, c.u * c.rand(4, 7))
    with c.layer("near") as d:
        y = c.hy + 10 * c.u
        pts = c.ridge(y, 1.5 * c.u, 2)
        fill_gradient(c, d.sheet, pts, shade(rock, 1.3), shade(rock, 0.9), y, c.h)
        for _ in range(4):
            props.rock(c, d, c.rand(0, c.w), c.rand(y + 3 * c.u, c.h), c.u * c.rand(5, 9), 0.0, (120, 108, 124))
    for x, y, r in c.notes.get("crystals", ()):
        c.glow((x, y), r, (160, 220, 255), 0.5)


def _crystal(c, d, x: float, y: float, s: float) -> None:
    col = c.rng.choice(((140, 220, 250), (200, 150, 250), (150, 250, 200)))
    for a, k in ((-0.4, 0.8), (0.0, 1.2), (0.45, 0.7)):
        ex, ey = x + math.sin(a) * s * k, y - math.cos(a) * s * k * 1.5
        w = s * 0.25
        d.polygon([(x - w, y), (ex - w * 0.6, ey + w), (ex, ey - w), (ex + w * 0.6, ey + w), (x + w, y)], fill=col)
    c.notes.setdefault("crystals", []).append((x, y - s, s * 3))


def sky(c) -> None:
    """Up among the clouds: a sea of cloud below, a balloon and birds."""
    tops = c.light.horizon
    with c.layer("far") as d:
        for i in range(8):
            cloud(
                c,
                d.sheet,
                c.w * (i / 7),
                c.hy + c.rand(-2, 2) * c.u,
                c.u * c.rand(20, 30),
                mix(tops, (255, 255, 255), 0.5),
            )
    with c.layer("mid") as d:
        if c.scene.has("balloon", "balloons") or c.rng.random() < 0.7:
            _balloon(c, d, c.w * c.rand(0.68, 0.85), max(c.h * (c.calm + 0.2), 24 * c.u), 13 * c.u)
        if not c.scene.dark:
            props.birds(c, d, 5)
        if "kite" in c.scene.details:
            props.kite(c, d, c.w * 0.25, c.h * (c.calm + 0.15))
    with c.layer("near") as d:
        y = c.hy + 12 * c.u
        base = lighten(mix(tops, (255, 255, 255), 0.6), 0.2)
        for i in range(7):
            x = c.w * (i / 6)
            r = c.u * c.rand(14, 20)
            d.ellipse((x - r * 1.3, y - r * 0.6, x + r * 1.3, y + r), fill=shade(base, 0.94))
        d.rectangle((0, y + 6 * c.u, c.w, c.h), fill=shade(base, 0.94))
        for i in range(6):
            x = c.w * (i / 5) + c.rand(-5, 5) * c.u
            r = c.u * c.rand(10, 15)
            d.ellipse((x - r * 1.2, y - r * 0.3, x + r * 1.2, y + r * 0.7), fill=base)


def _balloon(c, d, x: float, y: float, r: float) -> None:
    cols = ((236, 80, 80), (250, 200, 60), (80, 150, 230), (250, 250, 250))
    d.ellipse((x - r, y - r, x + r, y + r * 1.1), fill=c.lit(cols[0]))
    for i, k in enumerate((-0.55, 0.0, 0.55)):
        d.chord((x + k * r - r * 0.22, y - r, x + k * r + r * 0.22, y + r * 1.1), 0, 360, fill=c.lit(cols[1 + i % 3]))
    d.polygon(
        [
            (x - r * 0.7, y + r * 0.8),
            (x + r * 0.7, y + r * 0.8),
            (x + r * 0.25, y + r * 1.5),
            (x - r * 0.25, y + r * 1.5),
        ],
        fill=c.lit(cols[0]),
    )
    for k in (-0.22, 0.22):
        d.line(
            (x + k * r, y + r * 1.5, x + k * r * 1.3, y + r * 1.9),
            fill=c.lit((120, 90, 60)),
            width=max(1, int(c.u * 0.3)),
        )
    d.rectangle((x - r * 0.3, y + r * 1.9, x + r * 0.3, y + r * 2.3), fill=c.lit((160, 110, 60)))
