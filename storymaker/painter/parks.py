"""Kept green places: a garden (hedge, shed, vegetable beds, flower borders) and a town
park (trees in rows, a pond, a bench, a lamp post and a swing set).
"""

from __future__ import annotations

from . import props
from .outdoors import SNOW, grass, hills, near_ground, snowy
from .palette import lighten, shade


def garden(c) -> None:
    hills(c, c.hy - 5 * c.u, 3 * c.u, (140, 196, 120) if not snowy(c) else SNOW, 0.8, trees=3)
    hedge = (70, 140, 70) if not snowy(c) else (220, 230, 236)
    shed_x = c.w * c.rng.choice((0.16, 0.84))
    with c.layer("mid") as d:
        y = c.hy + 2 * c.u
        x = -3 * c.u
        while x < c.w + 3 * c.u:  # a clipped hedge round the back of the garden
            r = c.rand(4.5, 6) * c.u
            d.ellipse((x - r, y - 8 * c.u - r * 0.4, x + r, y + r * 0.3), fill=c.lit(hedge, 0.2))
            x += r * 1.3
        d.rectangle((0, y - 8 * c.u, c.w, y), fill=c.lit(hedge, 0.2))
        # the shed, its door and window
        sw, sh = 16 * c.u, min(13 * c.u, c.sky_room * 0.6)
        wood = (150, 104, 70)
        d.rectangle((shed_x - sw / 2, y - sh, shed_x + sw / 2, y + 3 * c.u), fill=c.lit(wood, 0.1))
        for k in range(1, 6):
            px = shed_x - sw / 2 + k * sw / 6
            d.line((px, y - sh, px, y + 3 * c.u), fill=c.lit(shade(wood, 0.85), 0.1), width=max(1, int(c.u * 0.3)))
        d.polygon([(shed_x - sw * 0.62, y - sh), (shed_x, y - sh - sw * 0.32), (shed_x + sw * 0.62, y - sh)],
                  fill=c.lit((90, 110, 90), 0.1))
        d.rectangle((shed_x - sw * 0.3, y - sh * 0.65, shed_x - sw * 0.02, y + 3 * c.u), fill=c.lit((90, 150, 110), 0.1))
        d.rectangle((shed_x + sw * 0.1, y - sh * 0.7, shed_x + sw * 0.38, y - sh * 0.4), fill=c.lit((190, 220, 240), 0.1))
        for k in range(5):  # sunflowers along the hedge
            fx = c.w * (0.5 + (k - 2) * 0.09) + c.rand(-1, 1) * c.u
            if abs(fx - shed_x) < sw * 0.8 or snowy(c):
                continue
            top = y - c.rand(12, 16) * c.u
            d.line((fx, y, fx, top), fill=c.lit((80, 140, 60)), width=max(1, int(c.u * 0.7)))
            d.ellipse((fx - 3 * c.u, top - 3 * c.u, fx + 3 * c.u, top + 3 * c.u), fill=c.lit((250, 200, 40)))
            d.ellipse((fx - 1.3 * c.u, top - 1.3 * c.u, fx + 1.3 * c.u, top + 1.3 * c.u), fill=c.lit((120, 80, 40)))
    near_ground(c, grass(c), y=c.hy + 3 * c.u, flowers=4, tufts=6)
    with c.layer("near") as d:
        soil = (130, 90, 60) if not snowy(c) else (236, 240, 246)
        for i, (x0, x1) in enumerate(((0.02, 0.3), (0.7, 0.98))):  # raised vegetable beds
            by = c.h * (0.74 + 0.02 * i)
            d.rounded_rectangle((c.w * x0, by, c.w * x1, by + 9 * c.u), radius=int(c.u), fill=c.lit((170, 120, 80)))
            d.rectangle((c.w * x0 + c.u, by + c.u, c.w * x1 - c.u, by + 5 * c.u), fill=c.lit(soil))
            if snowy(c):
                continue
            x = c.w * x0 + 3 * c.u
            while x < c.w * x1 - 2 * c.u:
                leaf = c.lit((90, 170, 70))
                d.polygon([(x, by + 2 * c.u), (x - 2 * c.u, by - 2 * c.u), (x, by - 0.5 * c.u),
                           (x + 2 * c.u, by - 2 * c.u)], fill=leaf)
                if i == 0:
                    d.polygon([(x - 0.8 * c.u, by + 2 * c.u), (x + 0.8 * c.u, by + 2 * c.u), (x, by + 4.5 * c.u)],
                              fill=c.lit((240, 130, 40)))  # carrots showing
                else:
                    d.ellipse((x - 1.6 * c.u, by - 1 * c.u, x + 1.6 * c.u, by + 2 * c.u), fill=c.lit((220, 60, 50)))
                x += 5 * c.u
        if not snowy(c):
            for _ in range(14):  # a flower border along the front
                props.flower(c, d, c.rand(0, c.w), c.h * c.rand(0.9, 0.99), 1.6 * c.u)
        cx, cy = c.w * c.rng.choice((0.32, 0.68)), c.h * 0.86  # a watering can
        can = c.lit((90, 150, 200))
        d.rounded_rectangle((cx - 3 * c.u, cy - 4 * c.u, cx + 3 * c.u, cy + 1.5 * c.u), radius=int(c.u), fill=can)
        d.polygon([(cx + 3 * c.u, cy - 1 * c.u), (cx + 7 * c.u, cy - 5 * c.u), (cx + 7.5 * c.u, cy - 4.3 * c.u),
                   (cx + 3 * c.u, cy + 0.5 * c.u)], fill=can)
        d.arc((cx - 2 * c.u, cy - 7 * c.u, cx + 2 * c.u, cy - 2 * c.u), 180, 360, fill=can, width=max(1, int(c.u * 0.7)))


def park(c) -> None:
    s = c.scene
    with c.layer("far") as d:  # the town beyond the park's trees
        x = 0.0
        while x < c.w:
            bw, bh = c.rand(6, 11) * c.u, min(c.rand(8, 18) * c.u, c.sky_room * 0.5)
            d.rectangle((x, c.hy - bh, x + bw, c.hy), fill=c.lit((170, 176, 196), 0.75))
            x += bw + c.rand(0, 2) * c.u
    hills(c, c.hy - 1 * c.u, 1.5 * c.u, (120, 184, 100) if not snowy(c) else SNOW, 0.55, "far", waves=2)
    with c.layer("mid") as d:
        for k in range(7):  # trees planted in a row
            tx = c.w * (0.04 + k * 0.155) + c.rand(-1.5, 1.5) * c.u
            props.tree(c, d, tx, c.hy + 1 * c.u, min(20 * c.u, c.sky_room * 0.7), 0.35)
        # a pond with a duck on it
        px, py = c.w * c.rng.choice((0.25, 0.7)), c.hy + 4.5 * c.u
        water = (150, 200, 236) if not snowy(c) else (210, 226, 240)
        d.ellipse((px - 16 * c.u, py - 3 * c.u, px + 16 * c.u, py + 3.5 * c.u), fill=c.lit(shade(water, 0.85), 0.2))
        d.ellipse((px - 14 * c.u, py - 2.4 * c.u, px + 14 * c.u, py + 2.6 * c.u), fill=c.lit(water, 0.2))
        if not snowy(c):
            dx = px + c.rand(-6, 6) * c.u
            d.ellipse((dx - 1.8 * c.u, py - 1.2 * c.u, dx + 1.8 * c.u, py + 0.4 * c.u), fill=c.lit((250, 250, 246)))
            d.ellipse((dx + 0.8 * c.u, py - 2.8 * c.u, dx + 2.4 * c.u, py - 1.0 * c.u), fill=c.lit((250, 250, 246)))
            d.polygon([(dx + 2.3 * c.u, py - 2.1 * c.u), (dx + 3.3 * c.u, py - 1.8 * c.u), (dx + 2.3 * c.u, py - 1.5 * c.u)],
                      fill=c.lit((250, 160, 40)))
        # the swing set on the other side
        sx = c.w * (0.78 if px < c.w / 2 else 0.22)
        sy, sh, sw = c.hy + 10 * c.u, min(21 * c.u, c.sky_room * 0.6 + 10 * c.u), 18 * c.u
        frame = c.lit((210, 70, 60), 0.1)
        lw = max(1, int(c.u * 0.9))
        for side in (-1, 1):
            d.line((sx + side * sw / 2 - side * 3 * c.u, sy, sx + side * sw / 2, sy - sh), fill=frame, width=lw)
            d.line((sx + side * sw / 2 + side * 3 * c.u, sy, sx + side * sw / 2, sy - sh), fill=frame, width=lw)
        d.line((sx - sw / 2, sy - sh, sx + sw / 2, sy - sh), fill=frame, width=lw)
        for k in (-1, 1):
            kx = sx + k * sw * 0.2
            d.line((kx - 1.5 * c.u, sy - sh, kx - 1.5 * c.u, sy - 4 * c.u), fill=c.lit((90, 90, 90)), width=1)
            d.line((kx + 1.5 * c.u, sy - sh, kx + 1.5 * c.u, sy - 4 * c.u), fill=c.lit((90, 90, 90)), width=1)
            d.rectangle((kx - 2.2 * c.u, sy - 4.4 * c.u, kx + 2.2 * c.u, sy - 3.4 * c.u), fill=c.lit((250, 200, 60)))
    near_ground(c, grass(c), y=c.hy + 9 * c.u, flowers=5, tufts=8, path=c.w * c.rand(0.42, 0.58))
    with c.layer("near") as d:
        bx = c.w * (0.1 if sx > c.w / 2 else 0.9)  # a bench and a lamp post by the path
        by = c.h * 0.8
        wood, iron = c.lit((170, 110, 70)), c.lit((60, 60, 70))
        for k in range(3):
            d.rectangle((bx - 11 * c.u, by - 9 * c.u + k * 2.4 * c.u, bx + 11 * c.u, by - 7.6 * c.u + k * 2.4 * c.u),
                        fill=wood)
        d.rectangle((bx - 11 * c.u, by - 2 * c.u, bx + 11 * c.u, by - 0.6 * c.u), fill=lighten(wood, 0.1))
        for k in (-1, 1):
            d.rectangle((bx + k * 9 * c.u - 0.6 * c.u, by - 2 * c.u, bx + k * 9 * c.u + 0.6 * c.u, by + 4 * c.u), fill=iron)
        lx = bx + (13 if bx < c.w / 2 else -13) * c.u
        top = by - 30 * c.u
        d.rectangle((lx - 0.7 * c.u, top, lx + 0.7 * c.u, by + 4 * c.u), fill=iron)
        d.polygon([(lx - 2.5 * c.u, top), (lx + 2.5 * c.u, top), (lx + 1.5 * c.u, top - 4 * c.u),
                   (lx - 1.5 * c.u, top - 4 * c.u)], fill=c.lit((250, 230, 160)))
        if s.dark or s.time == "sunset":
            c.notes.setdefault("lights", []).append((lx, top - 2 * c.u, 4 * c.u))
