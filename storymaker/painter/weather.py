"""Weather: lightning and fog are painted into the background; rain, snow and
wind are drawn over the finished picture at full size, so drops and flakes
stay crisp and fall in front of the characters too.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFilter

from .palette import RGB


def lightning(c) -> None:
    """A zigzag bolt from the clouds and the flash it throws on the sky."""
    x = c.w * c.rand(0.15, 0.85)
    y = c.h * max(c.calm, 0.02)
    pts = [(x, y)]
    while y < c.hy * 0.85:
        y += c.rand(5, 9) * c.u
        x += c.rand(-6, 6) * c.u
        pts.append((x, y))
    c.glow((pts[len(pts) // 2][0], pts[len(pts) // 2][1]), 35 * c.u, (200, 200, 255), 0.45)
    d = ImageDraw.Draw(c.img)
    d.line(pts, fill=(255, 250, 200), width=max(2, int(1.2 * c.u)), joint="curve")
    d.line(pts, fill=(255, 255, 255), width=max(1, int(0.4 * c.u)))


def fog(c) -> None:
    """Banks of mist that thicken towards the ground and swallow the distance."""
    small = Image.new("L", (c.w // 8, c.h // 8), 0)
    d = ImageDraw.Draw(small)
    hy = c.hy / 8
    for _ in range(10):
        y = hy + c.rand(-8, 12)
        w = c.rand(20, 50)
        x = c.rand(-10, small.width)
        d.ellipse((x - w, y - 4, x + w, y + 4), fill=int(c.rand(120, 190)))
    d.rectangle((0, hy - 2, small.width, hy + 2), fill=150)
    mask = small.filter(ImageFilter.BoxBlur(4)).resize(c.img.size, Image.Resampling.BILINEAR)
    c.img.paste((224, 228, 232) if not c.scene.dark else (96, 104, 130), (0, 0), mask)


def overlay(
    img: Image.Image, scene, rng, unit: float, window: tuple[int, int, int, int] | None, calm: float = 0.0
) -> None:
    """Rain, snow and wind over the whole picture (or only the window, indoors)."""
    w, h = img.size
    x0, y0, x1, y1 = window or (0, 0, w, h)
    area = (x1 - x0) * (y1 - y0) / (w * h)
    d = ImageDraw.Draw(img, "RGBA")
    storm = "storm" in scene.weather
    slant = 0.35 if ("wind" in scene.weather or storm) else 0.15
    if "rain" in scene.weather:
        n = int((260 if storm else 180) * area) + 6
        col = (210, 225, 250, 150) if not scene.dark else (170, 190, 240, 150)
        for _ in range(n):
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            L = unit * rng.uniform(2.5, 5.0)
            d.line((x, y, x - L * slant, y + L), fill=col, width=max(1, int(unit * 0.32)))
        if not window:
            for _ in range(10):  # splashes on the ground
                x, y = rng.uniform(0, w), rng.uniform(h * 0.78, h)
                r = unit * rng.uniform(0.8, 1.6)
                d.arc((x - r * 2, y - r, x + r * 2, y + r), 190, 350, fill=col, width=max(1, int(unit * 0.25)))
    if "snow" in scene.weather:
        n = int(150 * area) + 6
        for _ in range(n):
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            r = unit * rng.uniform(0.35, 0.95)
            d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 230))
    if "wind" in scene.weather and not window:
        streak: RGB = (255, 255, 255)
        for _ in range(6):
            x, y = rng.uniform(-0.1, 0.8) * w, rng.uniform(max(0.1, calm + 0.05), 0.7) * h
            L = rng.uniform(14, 26) * unit
            pts = [(x + t * L, y + math.sin(t * 5 + x) * unit * 1.5) for t in (0, 0.2, 0.4, 0.6, 0.8, 1.0)]
            d.line(pts, fill=streak + (150,), width=max(1, int(unit * 0.4)), joint="curve")
            ex, ey = pts[-1]
            d.arc(
                (ex - unit * 2, ey - unit * 3.5, ex + unit * 2, ey + unit * 0.5),
                270,
                120,
                fill=streak + (150,),
                width=max(1, int(unit * 0.4)),
            )
        leaf_colors = ((230, 130, 40), (200, 80, 40), (240, 190, 60), (120, 170, 60))
        for _ in range(9):
            x, y = rng.uniform(0, w), rng.uniform(max(0.1, calm + 0.05), 0.8) * h
            s = unit * rng.uniform(0.9, 1.5)
            a = rng.uniform(0, math.pi)
            dx, dy = math.cos(a) * s * 1.6, math.sin(a) * s * 1.6
            d.polygon(
                [(x - dx, y - dy), (x - dy * 0.5, y + dx * 0.5), (x + dx, y + dy), (x + dy * 0.5, y - dx * 0.5)],
                fill=rng.choice(leaf_colors) + (255,),
            )
