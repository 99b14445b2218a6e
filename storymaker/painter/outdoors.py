"""Open-air settings: meadow, forest, mountain, snow, desert, farm, river,
castle and town. Each paints far, middle and near layers over the sky.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFilter

from . import props
from .canvas import fill_gradient
from .palette import RGB, lighten, mix, shade

SNOW: RGB = (246, 248, 252)


def snowy(c) -> bool:
    return "snow" in c.scene.weather or c.scene.setting == "snow"


def grass(c) -> RGB:
    if snowy(c):
        return SNOW
    if c.scene.has("autumn", "leaves"):
        return (170, 168, 80)
    return (104, 180, 84)


def hills(c, y: float, amp: float, color: RGB, depth: float, name: str = "far", trees: int = 0, waves: int = 3) -> list:
    pts = c.ridge(y, amp, waves)
    with c.layer(name) as d:
        d.polygon(pts, fill=c.lit(color, depth))
        for _ in range(trees):
            i = c.rng.randrange(2, len(pts) - 4)
            x, yy = pts[i]
            props.tree(c, d, x, yy + 1, c.u * c.rand(5, 8) * (1.2 - depth), depth, c.rng.choice(("round", "pine")))
    return pts


def mountains(c, base: float, height: float, depth: float = 0.7, n: int = 3) -> None:
    rock = (120, 126, 150)
    with c.layer("far") as d:
        xs = sorted(c.rand(-0.1, 1.1) * c.w for _ in range(n))
        for x in xs:
            h = min(height * c.rand(0.7, 1.0), c.sky_room * 0.9)
            w = h * c.rand(0.9, 1.3)
            top = (x, base - h)
            d.polygon([top, (x + w, base + 2), (x - w, base + 2)], fill=c.lit(rock, depth))
            d.polygon([top, (x + w, base + 2), (x + w * 0.15, base + 2)], fill=c.lit(shade(rock, 0.8), depth))
            k = 0.32
            cap = [
                top,
                (x + w * k, base - h * (1 - k)),
                (x + w * k * 0.4, base - h * (1 - k * 0.7)),
                (x, base - h * (1 - k * 1.1)),
                (x - w * k * 0.5, base - h * (1 - k * 0.75)),
                (x - w * k, base - h * (1 - k)),
            ]
            d.polygon(cap, fill=c.lit((250, 250, 255), depth))


def near_ground(
    c, color: RGB, y: float | None = None, flowers: int = 8, tufts: int = 14, path: float | None = None
) -> None:
    y = c.hy + 3 * c.u if y is None else y
    pts = c.ridge(y, 1.2 * c.u, 2)
    with c.layer("near") as d:
        far, near = (lighten(color, 0.12), shade(color, 0.88)) if not snowy(c) else (color, shade(color, 0.97))
        fill_gradient(c, d.sheet, pts, c.lit(far, 0.25), c.lit(near), y, c.h)
        if path is not None:  # a path winding from the distance to our feet
            wf, wn = 2 * c.u, 22 * c.u
            d.polygon(
                [(path - wf, y), (path + wf, y), (c.w * 0.5 + wn, c.h), (c.w * 0.5 - wn, c.h)],
                fill=c.lit((226, 204, 156), 0.2),
            )
        if not snowy(c):
            for _ in range(26):  # brush marks so the ground is never one flat colour
                x, yy = c.rand(0, c.w), c.rand(y + 2 * c.u, c.h)
                L = c.u * c.rand(2, 5)
                d.line((x, yy, x + L, yy - L * 0.15), fill=c.lit(shade(color, 0.9)), width=max(1, int(c.u * 0.5)))
            props.ground_dressing(c, d, y + 2 * c.u, c.h, color, flowers, tufts)
        else:
            for _ in range(6):
                x, yy = c.rand(0, c.w), c.rand(y + 4 * c.u, c.h)
                d.ellipse((x - 14 * c.u, yy - 1.6 * c.u, x + 14 * c.u, yy + 1.6 * c.u), fill=c.lit((214, 226, 246)))


def _extras(c) -> None:
    """Props from other settings the scene names in passing."""
    also = c.scene.also
    if "forest" in also:
        with c.layer("mid") as d:
            for x in (c.rand(0.02, 0.12), c.rand(0.86, 0.98)):
                props.tree(c, d, x * c.w, c.hy + 6 * c.u, c.u * c.rand(26, 34), 0.15, c.rng.choice(("round", "pine")))
    if "home" in also or "town" in also:
        with c.layer("mid") as d:
            props.house(
                c, d, c.w * c.rand(0.6, 0.8), c.hy + 1 * c.u, 12 * c.u, 9 * c.u, (246, 226, 190), (196, 80, 70), 0.4
            )


def meadow(c) -> None:
    s = c.scene
    if "mountain" in s.also:
        mountains(c, c.hy, 30 * c.u)
    hills(c, c.hy - 5 * c.u, 4 * c.u, (130, 190, 110) if not snowy(c) else SNOW, 0.8, trees=5)
    hills(c, c.hy, 3 * c.u, (110, 180, 90) if not snowy(c) else SNOW, 0.45, "mid", trees=2, waves=2)
    garden = s.has("flowers", "flower")
    path = c.w * c.rand(0.4, 0.6) if s.has("path", "walk", "road", "journey") else None
    with c.layer("mid") as d:  # a big friendly tree to one side
        x = c.w * c.rng.choice((c.rand(0.04, 0.14), c.rand(0.86, 0.96)))
        props.tree(c, d, x, c.hy + 8 * c.u, min(44 * c.u, c.hy + 8 * c.u - c.h * c.calm), 0.1)
        props.bush(c, d, x + c.rand(8, 14) * c.u * (1 if x < c.w / 2 else -1), c.hy + 9 * c.u, 12 * c.u, 0.1)
    _extras(c)
    if garden:
        with c.layer("mid") as d:
            props.fence(c, d, 0, c.w, c.hy + 5 * c.u, 6 * c.u, 0.2)
    near_ground(c, grass(c), flowers=26 if garden else 10, path=path)


def forest(c) -> None:
    far = (60, 120, 80)
    with c.layer("far") as d:
        d.rectangle((0, c.hy - 2 * c.u, c.w, c.h), fill=c.lit((70, 130, 80), 0.6))
        for i in range(22):
            x = (i / 21) * c.w + c.rand(-3, 3) * c.u
            props.tree(c, d, x, c.hy + 1 * c.u, c.u * c.rand(14, 22), 0.75, "pine", far)
    with c.layer("mid") as d:
        for i in range(7):
            x = (i / 6) * c.w + c.rand(-4, 4) * c.u
            props.tree(c, d, x, c.hy + 4 * c.u, c.u * c.rand(22, 30), 0.4, c.rng.choice(("round", "pine")))
    if not c.scene.dark and not c.scene.weather & {"rain", "storm", "fog"}:
        q = 4  # drawn small and enlarged, so the beams have soft edges
        beams = Image.new("L", (c.w // q, c.h // q), 0)
        bd = ImageDraw.Draw(beams)
        for _ in range(3):
            x = c.rand(0.1, 0.9) * c.w / q
            bd.polygon(
                [(x, 0), (x + 6 * c.u / q, 0), (x - 10 * c.u / q, c.h / q), (x - 22 * c.u / q, c.h / q)], fill=50
            )
        c.img.paste((255, 246, 200), (0, 0), beams.filter(ImageFilter.BoxBlur(1)).resize(c.img.size, Image.Resampling.BILINEAR))
    near_ground(c, (84, 150, 70) if not snowy(c) else SNOW, flowers=4, tufts=20)
    with c.layer("front") as d:
        for x in (c.rand(-0.04, 0.03), c.rand(0.97, 1.04)):
            X = x * c.w
            tw = 5 * c.u
            d.rectangle((X - tw, 0, X + tw, c.h * 0.93), fill=c.lit((96, 64, 44)))
            d.rectangle((X - tw * 0.3, 0, X + tw * 0.1, c.h * 0.93), fill=c.lit((120, 84, 56)))
            props.tree(c, d, X, c.h * 0.45, c.h * 0.7, 0.0, "round")
        for _ in range(3):  # mushrooms
            x, y = c.rand(0.1, 0.9) * c.w, c.rand(0.8, 0.97) * c.h
            r = c.u * c.rand(1.2, 2.0)
            d.rectangle((x - r * 0.35, y - r * 1.2, x + r * 0.35, y), fill=c.lit((245, 235, 215)))
            d.chord((x - r, y - r * 2, x + r, y - r * 0.4), 180, 360, fill=c.lit((220, 60, 50)))
            d.ellipse((x - r * 0.3, y - r * 1.6, x + r * 0.05, y - r * 1.3), fill=(250, 250, 250))


def mountain(c) -> None:
    mountains(c, c.hy + 2 * c.u, 42 * c.u, 0.65, 3)
    hills(c, c.hy + 2 * c.u, 3 * c.u, (96, 160, 96) if not snowy(c) else SNOW, 0.45, "mid", trees=7)
    near_ground(c, (150, 170, 100) if not snowy(c) else SNOW, flowers=4)
    with c.layer("front") as d:
        for _ in range(3):
            props.rock(c, d, c.rand(0, 1) * c.w, c.rand(0.82, 1.0) * c.h, c.u * c.rand(6, 12))


def snow(c) -> None:
    mountains(c, c.hy, 34 * c.u, 0.7, 3)
    hills(c, c.hy + 1 * c.u, 3 * c.u, SNOW, 0.5, "mid", trees=6)
    with c.layer("mid") as d:
        if c.scene.has("igloo"):
            x, y, r = c.w * 0.78, c.hy + 6 * c.u, 9 * c.u
            d.chord((x - r, y - r, x + r, y + r), 180, 360, fill=c.lit((236, 244, 252)))
            d.chord((x - r * 0.3, y - r * 0.45, x + r * 0.3, y + r * 0.45), 180, 360, fill=c.lit((90, 110, 150)))
        else:
            _snowman(c, d, c.w * c.rand(0.72, 0.86), c.hy + 8 * c.u, 12 * c.u)
    near_ground(c, SNOW)


def _snowman(c, d, x: float, y: float, h: float) -> None:
    white = c.lit((248, 250, 255))
    for k, ry in ((0.36, 0.0), (0.27, 0.55), (0.2, 0.95)):
        r = h * k
        cy = y - h * ry - r
        d.ellipse((x - r, cy - r, x + r, cy + r), fill=white)
    hy = y - h * 0.95 - h * 0.2
    d.ellipse((x - h * 0.07, hy - h * 0.05, x - h * 0.03, hy - h * 0.01), fill=(30, 30, 30))
    d.ellipse((x + h * 0.03, hy - h * 0.05, x + h * 0.07, hy - h * 0.01), fill=(30, 30, 30))
    d.polygon([(x, hy), (x + h * 0.16, hy + h * 0.03), (x, hy + h * 0.05)], fill=(250, 130, 40))
    d.rectangle((x - h * 0.22, y - h * 0.78, x + h * 0.22, y - h * 0.72), fill=c.lit((220, 50, 50)))


def desert(c) -> None:
    sand = (236, 196, 130)
    if c.scene.has("pyramid", "pyramids", "egypt"):
        with c.layer("far") as d:
            for x, h in ((0.25, 22), (0.4, 15)):
                X, H = x * c.w, min(h * c.u, c.sky_room * 0.8)
                d.polygon(
                    [(X, c.hy - H), (X + H * 1.2, c.hy + 1), (X - H * 1.2, c.hy + 1)], fill=c.lit((220, 180, 120), 0.6)
                )
                d.polygon(
                    [(X, c.hy - H), (X + H * 1.2, c.hy + 1), (X + H * 0.2, c.hy + 1)], fill=c.lit((190, 150, 96), 0.6)
                )
    hills(c, c.hy - 2 * c.u, 4 * c.u, (240, 204, 150), 0.7, waves=2)
    hills(c, c.hy + 2 * c.u, 4 * c.u, (232, 184, 116), 0.35, "mid", waves=2)
    with c.layer("mid") as d:
        for _ in range(3):
            _cactus(c, d, c.rand(0.05, 0.95) * c.w, c.hy + c.rand(4, 9) * c.u, c.u * c.rand(8, 14))
    near_ground(c, sand, flowers=0, tufts=4)


def _cactus(c, d, x: float, y: float, h: float) -> None:
    g, dark = c.lit((80, 160, 90), 0.2), c.lit((60, 130, 76), 0.2)
    w = h * 0.13
    d.rounded_rectangle((x - w, y - h, x + w, y), radius=w, fill=g)
    d.rounded_rectangle((x - w * 3, y - h * 0.62, x - w * 1.7, y - h * 0.3), radius=w * 0.6, fill=g)
    d.rectangle((x - w * 3, y - h * 0.42, x, y - h * 0.3), fill=g)
    d.rounded_rectangle((x + w * 1.7, y - h * 0.78, x + w * 3, y - h * 0.45), radius=w * 0.6, fill=g)
    d.rectangle((x, y - h * 0.57, x + w * 3, y - h * 0.45), fill=g)
    d.line((x, y - h * 0.9, x, y - h * 0.1), fill=dark, width=max(1, int(w * 0.3)))


def farm(c) -> None:
    hills(c, c.hy - 4 * c.u, 3 * c.u, (150, 196, 110) if not snowy(c) else SNOW, 0.75, trees=4)
    with c.layer("mid") as d:
        y = c.hy + 1 * c.u
        if not snowy(c):
            for i in range(9):  # crop rows running to the horizon
                x0 = c.w * (0.02 + i * 0.06)
                d.polygon(
                    [
                        (x0, y),
                        (x0 + c.w * 0.03, y),
                        (x0 + c.w * 0.01 - 4 * c.u, c.hy + 9 * c.u),
                        (x0 - 7 * c.u, c.hy + 9 * c.u),
                    ],
                    fill=c.lit((180, 200, 90) if i % 2 else (150, 180, 80), 0.3),
                )
        bx, bw, bh = c.w * 0.72, 24 * c.u, min(16 * c.u, c.sky_room * 0.6)
        red = (196, 60, 50)
        d.rectangle((bx - bw / 2, y - bh, bx + bw / 2, y + 2 * c.u), fill=c.lit(red, 0.3))
        d.polygon(
            [(bx - bw * 0.58, y - bh), (bx, y - bh - bw * 0.38), (bx + bw * 0.58, y - bh)],
            fill=c.lit((120, 50, 50), 0.3),
        )
        d.rectangle((bx - bw * 0.18, y - bh * 0.6, bx + bw * 0.18, y + 2 * c.u), fill=c.lit((240, 230, 210), 0.3))
        d.line(
            (bx - bw * 0.18, y - bh * 0.6, bx + bw * 0.18, y + 2 * c.u),
            fill=c.lit(red, 0.3),
            width=max(1, int(c.u * 0.8)),
        )
        d.line(
            (bx + bw * 0.18, y - bh * 0.6, bx - bw * 0.18, y + 2 * c.u),
            fill=c.lit(red, 0.3),
            width=max(1, int(c.u * 0.8)),
        )
        sx = bx + bw * 0.62
        d.rectangle((sx, y - bh * 1.3, sx + 7 * c.u, y + 2 * c.u), fill=c.lit((200, 200, 210), 0.3))
        d.chord(
            (sx, y - bh * 1.3 - 3.5 * c.u, sx + 7 * c.u, y - bh * 1.3 + 3.5 * c.u),
            180,
            360,
            fill=c.lit((160, 60, 60), 0.3),
        )
        for i in range(3):
            hx = c.w * (0.1 + 0.12 * i)
            d.ellipse((hx, y + 3 * c.u, hx + 7 * c.u, y + 8 * c.u), fill=c.lit((230, 190, 90), 0.3))
        props.fence(c, d, 0, c.w, c.hy + 11 * c.u, 6 * c.u, 0.15)
    near_ground(c, grass(c), y=c.hy + 10 * c.u, flowers=6)


def river(c) -> None:
    s = c.scene
    if "mountain" in s.also:
        mountains(c, c.hy, 30 * c.u)
    hills(c, c.hy - 3 * c.u, 3 * c.u, (120, 186, 110) if not snowy(c) else SNOW, 0.75, trees=8)
    water = (90, 160, 220) if not s.has("ice", "frozen") else (200, 228, 246)
    lake = s.has("lake", "pond")
    with c.layer("mid") as d:
        bank = c.lit((110, 180, 90) if not snowy(c) else SNOW, 0.4)
        d.rectangle((0, c.hy - 1, c.w, c.h), fill=bank)
        if lake:
            pts = [
                (0, c.hy),
                (c.w, c.hy),
                (c.w, c.hy + 14 * c.u),
                (c.w * 0.6, c.hy + 18 * c.u),
                (c.w * 0.3, c.hy + 15 * c.u),
                (0, c.hy + 17 * c.u),
            ]
        else:
            x = c.rand(0.35, 0.65) * c.w
            pts = [(x - 2 * c.u, c.hy), (x + 2 * c.u, c.hy)]
            for t in (0.25, 0.5, 0.75, 1.0):
                sway = math.sin(t * 3 + x) * 14 * c.u
                pts.append((x + sway + (4 + 40 * t) * c.u, c.hy + t * 26 * c.u))
            for t in (1.0, 0.75, 0.5, 0.25):
                sway = math.sin(t * 3 + x) * 14 * c.u
                pts.append((x + sway - (4 + 40 * t) * c.u, c.hy + t * 26 * c.u))
        d.polygon(pts, fill=c.lit(water, 0.2))
        ys = [p[1] for p in pts]
        props.waves(c, d, c.hy, max(ys), water, 3, 0.2)
        if lake:
            for _ in range(4):
                x, y = c.rand(0.1, 0.9) * c.w, c.hy + c.rand(6, 14) * c.u
                r = c.u * 1.8
                d.pieslice((x - r * 1.4, y - r * 0.6, x + r * 1.4, y + r * 0.6), 20, 340, fill=c.lit((90, 170, 90)))
        if "bridge" in s.details:
            bx = sum(p[0] for p in pts) / len(pts)
            y = c.hy + 8 * c.u
            d.chord((bx - 22 * c.u, y - 8 * c.u, bx + 22 * c.u, y + 8 * c.u), 180, 360, fill=c.lit((170, 110, 70)))
            d.chord((bx - 17 * c.u, y - 5 * c.u, bx + 17 * c.u, y + 5 * c.u), 180, 360, fill=c.lit(water, 0.2))
        if "boat" in s.details:
            props.boat(c, d, c.w * 0.5, c.hy + 8 * c.u, 10 * c.u, 0.3)
    near_ground(c, grass(c), y=c.hy + 20 * c.u if lake else c.hy + 27 * c.u, flowers=6)
    with c.layer("front") as d:
        for x in (c.rand(0.02, 0.1), c.rand(0.9, 0.98)):
            for k in range(5):  # reeds
                X = x * c.w + k * 1.2 * c.u
                Y = c.h * 0.8 + k * c.u
                d.line((X, Y, X + c.u, Y - 12 * c.u), fill=c.lit((90, 140, 60)), width=max(1, int(c.u * 0.6)))
                d.ellipse((X + 0.4 * c.u, Y - 12 * c.u, X + 1.8 * c.u, Y - 8 * c.u), fill=c.lit((130, 80, 50)))


def castle(c) -> None:
    hills(c, c.hy - 3 * c.u, 3 * c.u, (130, 190, 110) if not snowy(c) else SNOW, 0.8, trees=4)
    stone, roof = (200, 196, 206), (110, 90, 190)
    lit = c.scene.dark or c.scene.time == "sunset"
    with c.layer("mid") as d:
        x0 = c.w * c.rand(0.55, 0.7)
        base = c.hy + 3 * c.u
        room = max(c.sky_room, 20 * c.u)
        H = min(30 * c.u, room * 0.7)
        d.ellipse(
            (x0 - 40 * c.u, base - 6 * c.u, x0 + 40 * c.u, base + 12 * c.u),
            fill=c.lit((110, 176, 90) if not snowy(c) else SNOW, 0.4),
        )
        d.rectangle((x0 - 16 * c.u, base - H * 0.55, x0 + 16 * c.u, base), fill=c.lit(stone, 0.35))
        for i in range(8):  # battlements
            bx = x0 - 16 * c.u + i * 4.4 * c.u
            d.rectangle((bx, base - H * 0.55 - 2.5 * c.u, bx + 2.2 * c.u, base - H * 0.55), fill=c.lit(stone, 0.35))
        for dx, hk, w in ((-20, 0.8, 6), (20, 0.85, 6), (0, 1.0, 8)):
            tx, th, tw = x0 + dx * c.u, H * hk, w * c.u
            d.rectangle(
                (tx - tw / 2, base - th, tx + tw / 2, base), fill=c.lit(shade(stone, 0.95 if dx else 1.05), 0.35)
            )
            d.polygon(
                [(tx - tw * 0.7, base - th), (tx, base - th - tw * 1.5), (tx + tw * 0.7, base - th)],
                fill=c.lit(roof, 0.35),
            )
            top = base - th - tw * 1.5
            d.line((tx, top, tx, top - 3 * c.u), fill=c.lit((90, 70, 60), 0.3), width=max(1, int(c.u * 0.4)))
            d.polygon(
                [(tx, top - 3 * c.u), (tx + 3 * c.u, top - 2.3 * c.u), (tx, top - 1.6 * c.u)],
                fill=c.lit((230, 60, 70), 0.3),
            )
            wy = base - th * 0.7
            win = (255, 210, 110) if lit else c.lit((70, 70, 110), 0.3)
            d.rounded_rectangle((tx - tw * 0.15, wy, tx + tw * 0.15, wy + tw * 0.5), radius=tw * 0.15, fill=win)
            if lit:
                c.notes.setdefault("lights", []).append((tx, wy + tw * 0.25, tw * 0.8))
        d.chord((x0 - 5 * c.u, base - 12 * c.u, x0 + 5 * c.u, base + 4 * c.u), 180, 360, fill=c.lit((110, 76, 56), 0.3))
        d.rectangle((x0 - 5 * c.u, base - 4 * c.u, x0 + 5 * c.u, base), fill=c.lit((110, 76, 56), 0.3))
    near_ground(c, grass(c), y=c.hy + 9 * c.u, flowers=8, path=x0)


HOUSE_COLORS: tuple[RGB, ...] = (
    (246, 214, 170),
    (240, 170, 150),
    (170, 206, 230),
    (250, 230, 150),
    (200, 226, 180),
    (236, 190, 210),
)
ROOF_COLORS: tuple[RGB, ...] = ((190, 80, 70), (90, 110, 160), (130, 90, 80), (70, 130, 110))


def town(c) -> None:
    city = c.scene.has("city")
    with c.layer("far") as d:
        x = c.rand(-5, 0) * c.u
        while x < c.w:
            w = c.rand(8, 14) * c.u
            h = min(c.rand(14, 34 if city else 20) * c.u, c.sky_room * 0.9)
            d.rectangle((x, c.hy - h, x + w, c.hy + 2), fill=c.lit((150, 150, 180), 0.75))
            if c.scene.dark:
                for _ in range(4):
                    wx, wy = x + c.rand(0.15, 0.75) * w, c.hy - c.rand(0.2, 0.9) * h
                    d.rectangle((wx, wy, wx + c.u, wy + 1.3 * c.u), fill=(250, 220, 120))
            x += w + c.rand(0, 3) * c.u
    street_top = c.hy + 8 * c.u
    with c.layer("mid") as d:
        d.rectangle((0, c.hy, c.w, street_top), fill=c.lit((196, 190, 180), 0.2))
        x = c.rand(-6, 0) * c.u
        i = 0
        while x < c.w:
            w = c.rand(15, 20) * c.u
            h = min(c.rand(14, 22) * c.u, c.sky_room * 0.7)
            props.house(
                c,
                d,
                x + w / 2,
                street_top - 2 * c.u,
                w,
                h,
                HOUSE_COLORS[(i + c.rng.randrange(6)) % 6],
                c.rng.choice(ROOF_COLORS),
                0.25,
            )
            x += w + c.rand(2, 5) * c.u
            i += 1
        for lx in (0.25, 0.75):
            X = lx * c.w + c.rand(-5, 5) * c.u
            d.rectangle(
                (X - 0.5 * c.u, street_top - 24 * c.u, X + 0.5 * c.u, street_top + 2 * c.u), fill=c.lit((60, 64, 80))
            )
            d.ellipse(
                (X - 2 * c.u, street_top - 27 * c.u, X + 2 * c.u, street_top - 22 * c.u),
                fill=(255, 226, 140) if c.scene.dark else c.lit((240, 236, 200)),
            )
            if c.scene.dark:
                c.notes.setdefault("lights", []).append((X, street_top - 24.5 * c.u, 9 * c.u))
    with c.layer("near") as d:
        d.rectangle((0, street_top, c.w, c.h), fill=c.lit((170, 166, 170)))
        d.rectangle((0, street_top, c.w, street_top + 2 * c.u), fill=c.lit((214, 206, 196)))
        y = street_top + 4 * c.u
        row = 0
        while y < c.h:  # cobbles, bigger as they come nearer
            s = c.u * (2 + (y - street_top) / c.h * 8)
            x = (row % 2) * s * 0.6 - s
            while x < c.w:
                d.rounded_rectangle(
                    (x, y, x + s * 1.1, y + s * 0.6),
                    radius=s * 0.2,
                    fill=c.lit(mix((180, 176, 178), (150, 146, 150), c.rng.random())),
                )
                x += s * 1.25
            y += s * 0.72
            row += 1
        if snowy(c):
            d.rectangle((0, street_top, c.w, street_top + 3 * c.u), fill=c.lit(SNOW))
