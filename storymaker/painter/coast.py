"""By the sea: the beach and the lighthouse on its headland."""

from __future__ import annotations

from PIL import Image, ImageDraw

from . import props
from .canvas import fill_gradient
from .palette import RGB, lighten, shade

SEA: RGB = (60, 140, 210)
SAND: RGB = (240, 214, 160)


def sea(c, shore: float) -> None:
    with c.layer("far") as d:
        fill_gradient(
            c,
            d.sheet,
            [(0, c.hy), (c.w, c.hy), (c.w, shore + 2 * c.u), (0, shore + 2 * c.u)],
            c.lit(lighten(SEA, 0.2), 0.5),
            c.lit(SEA, 0.1),
            c.hy,
            shore,
        )
        d.line((0, c.hy, c.w, c.hy), fill=c.lit(lighten(SEA, 0.4), 0.6), width=max(1, int(c.u * 0.4)))
        props.waves(c, d, c.hy, shore, SEA, 5)
        where = c.notes.get("sun") or c.notes.get("moon")
        if where:  # the glittering path of light on the water
            x = where[0]
            glint = (255, 236, 180) if "sun" in c.notes else (220, 226, 250)
            for i in range(12):
                t = (i + 0.5) / 12
                y = c.hy + (shore - c.hy) * t
                w = c.u * (1 + t * 5) * c.rand(0.4, 1.0)
                x0 = x + c.rand(-1, 1) * c.u * (1 + t * 6)
                d.line((x0 - w, y, x0 + w, y), fill=c.lit(glint, 0.2), width=max(1, int(c.u * (0.3 + t * 0.5))))
        if "boat" in c.scene.details or c.rng.random() < 0.4:
            props.boat(c, d, c.rand(0.15, 0.45) * c.w, c.hy + 2 * c.u, 7 * c.u, 0.5)


def beach(c) -> None:
    shore = c.hy + 14 * c.u
    sea(c, shore)
    with c.layer("near") as d:
        pts = c.ridge(shore, 1.5 * c.u, 2)
        d.polygon([(x, y - 1.2 * c.u) for x, y in pts[:-2]] + pts[-2:], fill=c.lit((250, 250, 250), 0.2))  # surf line
        fill_gradient(c, d.sheet, pts, c.lit(shade(SAND, 0.92)), c.lit(lighten(SAND, 0.1)), shore, c.h)
        for _ in range(6):
            x, y = c.rand(0, c.w), c.rand(shore + 6 * c.u, c.h)
            r = c.u * c.rand(0.8, 1.6)
            d.pieslice(
                (x - r, y - r, x + r, y + r),
                180,
                360,
                fill=c.lit(c.rng.choice(((250, 200, 190), (250, 240, 230), (240, 170, 120)))),
            )
        x, y = c.rand(0.1, 0.9) * c.w, c.rand(0.9, 0.97) * c.h
        _starfish(c, d, x, y, 2.4 * c.u)
        if c.rng.random() < 0.6 and not c.scene.dark:
            _palm(
                c, d, c.w * c.rng.choice((0.08, 0.92)), shore + 10 * c.u, min(46 * c.u, c.hy + 10 * c.u - c.h * c.calm)
            )


def _starfish(c, d, x: float, y: float, r: float) -> None:
    import math

    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.45
        pts.append((x + math.cos(a) * rr, y + math.sin(a) * rr * 0.7))
    d.polygon(pts, fill=c.lit((246, 130, 80)))


def _palm(c, d, x: float, y: float, h: float) -> None:
    trunk = c.lit((170, 120, 70))
    for i in range(8):
        t0, t1 = i / 8, (i + 1) / 8
        bend = lambda t: x + (t * t) * h * 0.18 * (1 if x < c.w / 2 else -1)
        d.polygon(
            [
                (bend(t0) - h * 0.03, y - h * t0),
                (bend(t0) + h * 0.03, y - h * t0),
                (bend(t1) + h * 0.026, y - h * t1),
                (bend(t1) - h * 0.026, y - h * t1),
            ],
            fill=trunk if i % 2 else shade(trunk, 0.88),
        )
    tx, ty = bend(1.0), y - h
    leaf = c.lit((60, 150, 70))
    for dx, dy in ((-0.4, 0.12), (0.4, 0.12), (-0.3, -0.05), (0.3, -0.05), (0.0, -0.1)):
        d.chord(
            (
                tx + min(0, dx) * h,
                ty + dy * h - h * 0.07,
                tx + max(0, dx) * h + (h * 0.05 if dx == 0 else 0),
                ty + dy * h + h * 0.07,
            ),
            180,
            360,
            fill=leaf,
        )


def lighthouse(c) -> None:
    shore = c.hy + 12 * c.u
    sea(c, shore)
    left = c.rng.random() < 0.5
    cliff_x = c.w * (0.36 if left else 0.64)
    rock: RGB = (130, 120, 120)
    with c.layer("mid") as d:
        edge = cliff_x + (6 if left else -6) * c.u
        top = c.hy - 4 * c.u
        if left:
            pts = [(0, top - 2 * c.u), (cliff_x * 0.6, top - 3 * c.u), (cliff_x, top), (edge, shore), (0, shore)]
        else:
            pts = [
                (c.w, top - 2 * c.u),
                (c.w - (c.w - cliff_x) * 0.6, top - 3 * c.u),
                (cliff_x, top),
                (edge, shore),
                (c.w, shore),
            ]
        d.polygon(pts, fill=c.lit(rock, 0.3))
        d.polygon(
            pts[:3] + [(pts[2][0], top + 3 * c.u), (pts[0][0], top + 1 * c.u)],
            fill=c.lit((110, 170, 90) if "snow" not in c.scene.weather else (246, 248, 252), 0.3),
        )
        # the tower: tall, striped, tapering, with a lantern room on top
        tx = cliff_x * 0.55 if left else c.w - (c.w - cliff_x) * 0.55
        base = top - 2 * c.u
        H = max(14 * c.u, min(40 * c.u, c.sky_room - 6 * c.u - 13 * c.u))
        wb, wt = 7 * c.u, 4.8 * c.u
        bands = 5
        for i in range(bands):
            y0, y1 = base - H * i / bands, base - H * (i + 1) / bands
            w0, w1 = wb + (wt - wb) * i / bands, wb + (wt - wb) * (i + 1) / bands
            col = (224, 62, 62) if i % 2 == 0 else (250, 246, 240)
            d.polygon([(tx - w0, y0), (tx + w0, y0), (tx + w1, y1), (tx - w1, y1)], fill=c.lit(col, 0.3))
            d.polygon(
                [(tx + w0 * 0.35, y0), (tx + w0, y0), (tx + w1, y1), (tx + w1 * 0.35, y1)],
                fill=c.lit(shade(col, 0.85), 0.3),
            )
        ty = base - H
        d.rectangle((tx - wt * 1.35, ty - 1.2 * c.u, tx + wt * 1.35, ty), fill=c.lit((60, 60, 70), 0.3))
        glow = c.scene.dark or c.scene.time == "sunset" or bool({"storm", "fog", "rain"} & c.scene.weather)
        lamp = (255, 226, 120) if glow else c.lit((200, 226, 240), 0.3)
        d.rectangle((tx - wt * 0.9, ty - 6 * c.u, tx + wt * 0.9, ty - 1.2 * c.u), fill=lamp)
        for k in (-0.3, 0.3):
            d.line(
                (tx + wt * k, ty - 6 * c.u, tx + wt * k, ty - 1.2 * c.u),
                fill=c.lit((60, 60, 70), 0.3),
                width=max(1, int(c.u * 0.4)),
            )
        d.polygon(
            [(tx - wt * 1.2, ty - 6 * c.u), (tx, ty - 11 * c.u), (tx + wt * 1.2, ty - 6 * c.u)],
            fill=c.lit((200, 50, 50), 0.3),
        )
        d.rounded_rectangle(
            (tx - 1.4 * c.u, base - 5 * c.u, tx + 1.4 * c.u, base), radius=1.4 * c.u, fill=c.lit((90, 60, 50), 0.3)
        )
        for k in (0.35, 0.62):
            wy = base - H * k
            d.rounded_rectangle(
                (tx - 1 * c.u, wy, tx + 1 * c.u, wy + 2.4 * c.u),
                radius=c.u,
                fill=(255, 214, 120) if glow else c.lit((80, 90, 120), 0.3),
            )
    if glow:
        _beam(c, tx, ty - 3.6 * c.u, left)
    near_ground(c, rock, shore)


def _beam(c, x: float, y: float, left: bool) -> None:
    beam = Image.new("L", c.img.size, 0)
    d = ImageDraw.Draw(beam)
    far = c.w * 1.2 if left else -c.w * 0.2
    d.polygon([(x, y - 1.5 * c.u), (far, y - 16 * c.u), (far, y + 12 * c.u), (x, y + 1.5 * c.u)], fill=120)
    back = -c.w * 0.1 if left else c.w * 1.1
    d.polygon([(x, y - 1 * c.u), (back, y - 7 * c.u), (back, y + 5 * c.u), (x, y + 1 * c.u)], fill=60)
    from PIL import ImageFilter

    small = beam.resize((beam.width // 4, beam.height // 4), Image.Resampling.BILINEAR).filter(ImageFilter.BoxBlur(2))
    c.img.paste((255, 240, 170), (0, 0), small.resize(beam.size, Image.Resampling.BILINEAR))
    c.glow((x, y), 14 * c.u, (255, 236, 150), 0.9)


def near_ground(c, rock: RGB, shore: float) -> None:
    """Rocks and a strip of sand in front, where the characters stand."""
    with c.layer("near") as d:
        y = shore + 8 * c.u
        pts = c.ridge(y, 1.2 * c.u, 2)
        fill_gradient(c, d.sheet, pts, c.lit(SAND), c.lit(shade(SAND, 0.9)), y, c.h)
        for _ in range(5):
            props.rock(c, d, c.rand(0, 1) * c.w, c.rand(y + 2 * c.u, c.h), c.u * c.rand(5, 10), 0.0, rock)
        for _ in range(8):
            props.tuft(c, d, c.rand(0, c.w), c.rand(y + 2 * c.u, c.h), c.u * 1.8, (150, 170, 90))
