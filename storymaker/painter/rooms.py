"""Indoor settings: a room at home (bedroom, kitchen, living room) and a
classroom. Both have a wall, a floor and a window onto the outside, so time of
day and weather still show through the glass.
"""

from __future__ import annotations

from .canvas import fill_gradient
from .palette import RGB, lighten, shade

WALLS: tuple[RGB, ...] = ((250, 226, 196), (214, 232, 220), (226, 220, 246), (250, 214, 206), (214, 226, 244))


def _room(c, wall: RGB, floor: RGB, window_x: float) -> tuple[int, int, int, int]:
    """Wall with a window cut out of it, a skirting board and a wooden floor."""
    fy = int(c.h * 0.66)
    with c.layer("far") as d:  # the view through the window
        d.polygon(c.ridge(c.h * 0.5, 2 * c.u, 2), fill=c.lit((120, 180, 100), 0.6))
        d.polygon(c.ridge(c.h * 0.56, 2 * c.u, 3), fill=c.lit((100, 166, 90), 0.4))
    ww, wh = int(26 * c.u), int(30 * c.u)
    wx = int(c.w * window_x - ww / 2)
    wy = int(max(c.h * (c.calm + 0.06), fy - wh - 14 * c.u))
    box = (wx, wy, wx + ww, wy + wh)
    c.notes["window"] = box
    with c.layer("wall") as d:
        fill_gradient(c, d.sheet, [(0, 0), (c.w, 0), (c.w, fy), (0, fy)], c.lit(shade(wall, 0.9)), c.lit(wall), 0, fy)
        pattern = c.lit(shade(wall, 0.93))
        if c.rng.random() < 0.5:
            for x in range(0, c.w, int(6 * c.u)):
                d.rectangle((x, 0, x + 2 * c.u, fy), fill=pattern)
        else:
            for y in range(int(3 * c.u), fy, int(7 * c.u)):
                for x in range(int((y // int(7 * c.u)) % 2 * 3.5 * c.u), c.w, int(7 * c.u)):
                    d.ellipse((x - 0.8 * c.u, y - 0.8 * c.u, x + 0.8 * c.u, y + 0.8 * c.u), fill=pattern)
        d.sheet.paste((0, 0, 0, 0), box)  # the window is a hole in the wall
        frame = c.lit((250, 246, 236))
        t = max(2, int(1.6 * c.u))
        d.rectangle((box[0] - t, box[1] - t, box[2] + t, box[3] + t), outline=frame, width=t)
        d.line(((box[0] + box[2]) / 2, box[1], (box[0] + box[2]) / 2, box[3]), fill=frame, width=t)
        d.line((box[0], (box[1] + box[3]) / 2, box[2], (box[1] + box[3]) / 2), fill=frame, width=t)
        d.rectangle((box[0] - 2 * t, box[3], box[2] + 2 * t, box[3] + t * 1.5), fill=frame)
        curtain = c.lit(c.rng.choice(((230, 110, 110), (110, 150, 220), (240, 190, 80), (150, 200, 140))))
        for side in (-1, 1):
            cx = box[0] - 2 * t if side < 0 else box[2] + 2 * t
            d.polygon(
                [
                    (cx - side * 5 * c.u, box[1] - 3 * t),
                    (cx + side * 3 * c.u, box[1] - 3 * t),
                    (cx + side * 4 * c.u, box[3] + 6 * c.u),
                    (cx - side * 3 * c.u, box[3] + 6 * c.u),
                ],
                fill=curtain,
            )
        d.rectangle(
            (box[0] - 8 * c.u, box[1] - 3 * t - c.u, box[2] + 8 * c.u, box[1] - 3 * t + c.u), fill=c.lit((150, 100, 70))
        )
        d.rectangle((0, fy - 2 * c.u, c.w, fy), fill=c.lit((250, 246, 240)))
    with c.layer("near") as d:
        fill_gradient(
            c, d.sheet, [(0, fy), (c.w, fy), (c.w, c.h), (0, c.h)], c.lit(shade(floor, 0.85)), c.lit(floor), fy, c.h
        )
        n = 9
        for i in range(1, n):  # floorboards fan out towards us
            x0 = c.w * i / n
            d.line(
                (c.w / 2 + (x0 - c.w / 2) * 0.6, fy, c.w / 2 + (x0 - c.w / 2) * 1.5, c.h),
                fill=c.lit(shade(floor, 0.82)),
                width=max(1, int(c.u * 0.35)),
            )
        rug = c.lit(c.rng.choice(((220, 90, 90), (90, 140, 210), (240, 180, 70), (150, 110, 190))))
        d.ellipse((c.w * 0.18, c.h * 0.8, c.w * 0.82, c.h * 1.02), fill=rug)
        d.ellipse((c.w * 0.24, c.h * 0.83, c.w * 0.76, c.h * 0.99), fill=lighten(rug, 0.25))
    return box


def _lamp_light(c, x: float, y: float) -> None:
    if c.scene.dark or c.scene.time == "sunset":
        c.glow((x, y), 40 * c.u, (255, 214, 140), 0.45)


def home(c) -> None:
    s = c.scene
    wall = c.rng.choice(WALLS)
    window_x = c.rand(0.3, 0.7)
    box = _room(c, wall, (200, 150, 104), window_x)
    fy = int(c.h * 0.66)
    with c.layer("mid") as d:
        side = 0.14 if window_x > 0.5 else 0.86
        X = c.w * side
        if s.has("bedroom", "bed", "bedtime", "sleep", "asleep", "sleepy", "pillow"):
            bx0, bx1 = X - 17 * c.u, X + 17 * c.u
            d.rounded_rectangle(
                (bx0, fy - 16 * c.u, bx0 + 3 * c.u, fy + 6 * c.u), radius=c.u, fill=c.lit((150, 100, 70))
            )
            d.rounded_rectangle((bx0, fy - 6 * c.u, bx1, fy + 5 * c.u), radius=2 * c.u, fill=c.lit((110, 150, 220)))
            d.rounded_rectangle(
                (bx0 + 3 * c.u, fy - 9 * c.u, bx0 + 12 * c.u, fy - 4 * c.u), radius=2 * c.u, fill=c.lit((250, 250, 246))
            )
            for k in range(4):
                d.line(
                    (bx0 + (k + 1) * 7 * c.u, fy - 6 * c.u, bx0 + (k + 1) * 7 * c.u, fy + 5 * c.u),
                    fill=c.lit((250, 220, 120)),
                    width=max(1, int(c.u * 0.8)),
                )
        elif s.has("kitchen", "cook", "cooking", "bake", "baking", "breakfast", "cake", "cookies"):
            x0 = 0 if side < 0.5 else c.w * 0.7
            d.rectangle((x0, fy - 16 * c.u, x0 + c.w * 0.3, fy), fill=c.lit((236, 236, 230)))
            d.rectangle((x0, fy - 17 * c.u, x0 + c.w * 0.3, fy - 15 * c.u), fill=c.lit((170, 120, 80)))
            for k in range(3):
                d.rectangle(
                    (x0 + c.w * (0.015 + k * 0.1), fy - 13 * c.u, x0 + c.w * (0.085 + k * 0.1), fy - 2 * c.u),
                    outline=c.lit((200, 200, 196)),
                    width=max(1, int(c.u * 0.4)),
                )
            d.ellipse((x0 + c.w * 0.05, fy - 22 * c.u, x0 + c.w * 0.13, fy - 17 * c.u), fill=c.lit((220, 80, 60)))
        else:
            d.rectangle((X - 8 * c.u, fy - 30 * c.u, X + 8 * c.u, fy + 2 * c.u), fill=c.lit((160, 110, 76)))
            for k in range(4):  # bookshelf
                y = fy - 28 * c.u + k * 7.5 * c.u
                bx = X - 7 * c.u
                while bx < X + 6 * c.u:
                    bw = c.rand(1.2, 2.2) * c.u
                    d.rectangle(
                        (bx, y + c.rand(0, 1.5) * c.u, bx + bw, y + 6 * c.u),
                        fill=c.lit(c.rng.choice(((220, 80, 70), (80, 130, 200), (240, 190, 70), (100, 170, 110)))),
                    )
                    bx += bw + 0.3 * c.u
        px = c.w * (1 - side) if abs((1 - side) - window_x) > 0.3 else c.w * 0.5
        if c.notes.get("portrait"):
            # a character's portrait hangs on the wall; the painter frames the picture in this space
            spots = [x for x in (1 - side, 0.5, side, 0.3, 0.7) if not box[0] - 9 * c.u < c.w * x < box[2] + 9 * c.u]
            fx = c.w * spots[0] if spots else px
            c.notes["frame"] = (int(fx - 6 * c.u), int(c.h * 0.17), int(fx + 6 * c.u), int(c.h * 0.17 + 14 * c.u))
        elif not (box[0] - 10 * c.u < px < box[2] + 10 * c.u):
            d.rectangle((px - 6 * c.u, c.h * 0.2, px + 6 * c.u, c.h * 0.2 + 9 * c.u), fill=c.lit((190, 140, 80)))
            d.rectangle((px - 5 * c.u, c.h * 0.2 + c.u, px + 5 * c.u, c.h * 0.2 + 8 * c.u), fill=c.lit((170, 220, 240)))
            d.polygon(
                [
                    (px - 4 * c.u, c.h * 0.2 + 8 * c.u),
                    (px - c.u, c.h * 0.2 + 4 * c.u),
                    (px + 2 * c.u, c.h * 0.2 + 8 * c.u),
                ],
                fill=c.lit((110, 180, 90)),
            )
        lx = c.w * (0.93 if side < 0.5 else 0.07)
        d.line((lx, fy, lx, fy - 26 * c.u), fill=c.lit((90, 80, 80)), width=max(1, int(c.u * 0.6)))
        d.polygon(
            [
                (lx - 4 * c.u, fy - 26 * c.u),
                (lx + 4 * c.u, fy - 26 * c.u),
                (lx + 2.5 * c.u, fy - 32 * c.u),
                (lx - 2.5 * c.u, fy - 32 * c.u),
            ],
            fill=c.lit((250, 220, 150)),
        )
    _lamp_light(c, lx, fy - 27 * c.u)


def school(c) -> None:
    box = _room(c, (236, 226, 190), (190, 160, 120), c.rand(0.75, 0.82))
    fy = int(c.h * 0.66)
    with c.layer("mid") as d:
        bx0, by0 = c.w * 0.08, max(c.h * (c.calm + 0.08), c.h * 0.18)
        bx1, by1 = min(box[0] - 12 * c.u, c.w * 0.6), by0 + 22 * c.u
        d.rectangle((bx0 - c.u, by0 - c.u, bx1 + c.u, by1 + c.u), fill=c.lit((160, 110, 70)))
        d.rectangle((bx0, by0, bx1, by1), fill=c.lit((50, 100, 80)))
        chalk = c.lit((240, 240, 230))
        # chalk doodles, never letters
        d.ellipse(
            (bx0 + 4 * c.u, by0 + 4 * c.u, bx0 + 10 * c.u, by0 + 10 * c.u), outline=chalk, width=max(1, int(c.u * 0.4))
        )
        d.polygon(
            [(bx0 + 16 * c.u, by0 + 16 * c.u), (bx0 + 22 * c.u, by0 + 8 * c.u), (bx0 + 28 * c.u, by0 + 16 * c.u)],
            outline=chalk,
        )
        d.line((bx0 + 30 * c.u, by0 + 18 * c.u, bx1 - 4 * c.u, by0 + 5 * c.u), fill=chalk, width=max(1, int(c.u * 0.4)))
        for k in range(5):  # bunting
            x = c.w * 0.05 + k * (c.w * 0.12)
            d.polygon(
                [
                    (x, c.h * (c.calm + 0.03)),
                    (x + 5 * c.u, c.h * (c.calm + 0.03)),
                    (x + 2.5 * c.u, c.h * (c.calm + 0.03) + 5 * c.u),
                ],
                fill=c.lit(((230, 80, 80), (250, 200, 60), (80, 150, 230), (110, 190, 110))[k % 4]),
            )
        for k in range(3):
            x = c.w * (0.1 + 0.3 * k) + c.rand(-2, 2) * c.u
            d.rectangle((x, fy + 2 * c.u, x + 16 * c.u, fy + 4 * c.u), fill=c.lit((220, 170, 110)))
            d.rectangle((x + c.u, fy + 4 * c.u, x + 2 * c.u, fy + 11 * c.u), fill=c.lit((120, 120, 130)))
            d.rectangle((x + 14 * c.u, fy + 4 * c.u, x + 15 * c.u, fy + 11 * c.u), fill=c.lit((120, 120, 130)))
        if c.notes.get("portrait"):
            # the class photo: a character's portrait between the board and the window
            fx = (bx1 + box[0]) / 2 if box[0] - bx1 > 14 * c.u else bx0 + (bx1 - bx0) * 0.8
            fy0 = by0 if box[0] - bx1 > 14 * c.u else by1 + 3 * c.u
            c.notes["frame"] = (int(fx - 5 * c.u), int(fy0), int(fx + 5 * c.u), int(fy0 + 12 * c.u))
        gx, gy = bx1 - 4 * c.u, fy - 12 * c.u
        d.rectangle((gx - 4 * c.u, fy - 6 * c.u, gx + 4 * c.u, fy + 2 * c.u), fill=c.lit((160, 110, 70)))
        d.ellipse((gx - 4 * c.u, gy - 4 * c.u, gx + 4 * c.u, gy + 4 * c.u), fill=c.lit((80, 150, 230)))
        d.chord((gx - 3 * c.u, gy - 2.5 * c.u, gx + 2 * c.u, gy + 2 * c.u), 100, 300, fill=c.lit((110, 190, 100)))
