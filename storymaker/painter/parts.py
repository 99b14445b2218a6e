"""Body parts every figure shares: feet, arms, scarves, patterns, hats,
glasses, the umbrella and the face that shows the page's mood."""

from __future__ import annotations

from .looks import Look
from .palette import RGB, lighten, mix, shade
from .pen import Pen

TOP, SIDE = 114, 50  # units of sheet above the feet and either side of the centre
PINK: RGB = (246, 150, 160)
DARK: RGB = (44, 34, 40)
WHITE: RGB = (255, 255, 255)

ARMS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {  # left hand, right hand
    "down": ((-20, -25), (20, -25)),
    "wave": ((-20, -25), (25, -72)),
    "up": ((-30, -80), (30, -80)),
    "reach": ((-20, -25), (29, -46)),
    "hug": ((-9, -33), (9, -33)),
}


def feet(p: Pen, col: dict[str, RGB], f: frozenset[str], width: float, paws: bool = False) -> None:
    boots = bool(f & {"boots", "wellies", "wellingtons"})
    for s in (-1, 1):
        if boots:
            p.rrect(s * 2, -15, s * 12, -2, 2.5, col["feet"])
        p.ellipse(s * 1.5, -7, s * (width + 2), 0, col["feet"])
        if paws:
            p.circle(s * (width / 2 + 2), -3, 1.2, shade(col["feet"], 0.75), line=False, shine=False)


def arms(p: Pen, pose: str, sleeve: RGB, hand: RGB, width: float, hand_r: float) -> None:
    left, right = ARMS.get(pose, ARMS["down"])
    for s, (hx, hy) in ((-1, left), (1, right)):
        p.limb(s * 12, -47, hx, hy, width, sleeve)
        p.circle(hx, hy, hand_r, hand)


def scarf(p: Pen, color: RGB, small: bool = False) -> None:
    if small:
        p.poly([(-11, -52), (11, -52), (0, -41)], color)
        return
    p.rrect(-14, -54, 14, -46, 4, color)
    p.limb(7, -49, 10, -36, 5.5, color)


def pattern(p: Pen, color: RGB, kind: str, y0: float, y1: float, half: float) -> None:
    if kind == "stripes":
        y = y0 + 5
        while y < y1:
            p.rrect(-half + 1, y, half - 1, y + 2.6, 1.2, color, line=False)
            y += 7
    else:
        for x, y in ((-7, y0 + 8), (6, y0 + 12), (-3, y0 + 19), (8, y0 + 23), (-9, y0 + 26)):
            if y < y1:
                p.circle(x, y, 2, color, line=False, shine=False)


def headwear(p: Pen, look: Look, col: dict[str, RGB]) -> None:
    f = look.features
    hat = col["hat"]
    top = -86 if not look.human else -88
    if f & {"crown", "tiara", "princess", "queen", "king", "prince"}:
        gold = hat if "crown" in f and "hat" in dict(col) and hat != col["accent"] else (250, 200, 60)
        p.poly(
            [(-12, top + 2), (-12, top - 8), (-6, top - 3), (0, top - 11), (6, top - 3), (12, top - 8), (12, top + 2)],
            gold,
        )
        p.circle(0, top - 3, 1.6, (230, 60, 80), line=False, shine=False)
    elif f & {"witch", "wizard"}:
        p.ellipse(-24, top - 2, 24, top + 6, hat)
        p.poly([(-14, top + 2), (14, top + 2), (3, top - 30)], hat)
    elif f & {"beanie", "hood"}:
        p.chord(-22, top - 8, 22, top + 30, 180, 360, hat)
        p.rrect(-22, top + 8, 22, top + 13, 2.5, shade(hat, 0.85))
        if "beanie" in f:
            p.circle(0, top - 8, 4, lighten(hat, 0.4))
    elif f & {"hat", "cap", "helmet"}:
        if "cap" in f:
            p.chord(-21, top - 6, 21, top + 22, 180, 360, hat)
            p.ellipse(4, top + 5, 30, top + 11, shade(hat, 0.85))
        else:
            p.ellipse(-28, top + 4, 28, top + 12, hat)
            p.rrect(-16, top - 12, 16, top + 8, 5, hat)
            p.rrect(
                -16, top + 1, 16, top + 5, 1, col["accent"] if col["accent"] != hat else shade(hat, 0.7), line=False
            )
    if f & {"glasses", "spectacles"}:
        for s in (-1, 1):
            p.arc(s * 8 - 5.5, -71.5, s * 8 + 5.5, -60.5, 0, 360, DARK, 1.1)
        p.stroke([(-2.5, -66), (2.5, -66)], DARK, 1.0)


def face(p: Pen, look: Look, col: dict[str, RGB], expression: str, y: float) -> None:
    es = 8 if not look.human else 7.5
    ey = y - 1 if look.species != "frog" else -80
    eye = col["eyes"]
    er = 3.2 if not look.human else 2.8
    if look.kind == "owl":
        for s in (-1, 1):
            p.circle(s * 8.5, ey, 6.5, lighten(col["skin"], 0.5), line=False, shine=False)
    cheek = mix(col["skin"] if look.human else mix(col["main"], WHITE, 0.4), (255, 110, 130), 0.45)
    for s in (-1, 1):
        p.ellipse(s * (es + 5.5) - 3, y + 6, s * (es + 5.5) + 3, y + 9.6, cheek, line=False, shine=False)
    if expression == "asleep":
        for s in (-1, 1):
            p.arc(s * es - er, ey - er, s * es + er, ey + er, 20, 160, DARK, 1.0)
    else:
        for s in (-1, 1):
            grow = 1.12 if expression == "worried" else 1.0
            p.ellipse(
                s * es - er * grow,
                ey - er * 1.3 * grow,
                s * es + er * grow,
                ey + er * 1.3 * grow,
                eye,
                line=False,
                shine=False,
            )
            p.circle(s * es + er * 0.35, ey - er * 0.5, er * 0.38, WHITE, line=False, shine=False)
    brow = shade(col["hair"], 0.8)
    if expression in ("sad", "worried"):
        for s in (-1, 1):
            p.stroke([(s * (es + 3.5), ey - 5), (s * (es - 3), ey - 7.5)], brow, 1.1)
    elif expression == "brave":
        for s in (-1, 1):
            p.stroke([(s * (es + 3.5), ey - 7.5), (s * (es - 3), ey - 5.2)], brow, 1.1)
    if "freckles" in look.features:
        for s in (-1, 1):
            for dx, dy in ((0, 0), (2.2, 1), (1, 2.3)):
                p.circle(s * (es + 3 + dx), y + 4 + dy, 0.45, shade(col["skin"], 0.7), line=False, shine=False)
    my = y + 8 if look.species not in ("frog", "dog", "bear", "horse") else y + 11
    mouth = (150, 50, 60)
    if look.species == "bird":
        return
    if expression == "grin":
        p.chord(-5, my - 4.5, 5, my + 4.5, 0, 180, mouth, line=False)
        p.chord(-3, my + 0.5, 3, my + 4.3, 0, 180, (236, 110, 120), line=False)
    elif expression == "sad":
        p.arc(-4, my + 0.5, 4, my + 6, 200, 340, DARK, 1.0)
    elif expression == "worried":
        p.ellipse(-2, my - 1, 2, my + 3.5, mouth, line=False, shine=False)
    elif expression == "brave":
        p.arc(-5, my - 4, 5, my + 2, 10, 170, DARK, 1.1)
    else:
        w = 4 if expression == "gentle" else 5
        p.arc(-w, my - 4, w, my + 2, 20, 160, DARK, 1.0)


def umbrella(p: Pen, color: RGB) -> None:
    """Held up in the right hand (the "reach" pose), canopy over the head."""
    p.stroke([(29, -46), (29, -98)], DARK, 1.2)
    p.pie(-6, -124, 64, -84, 180, 360, color)
    for x in (8, 29, 50):
        p.arc(x - 10.5, -108, x + 10.5, -98, 0, 180, shade(color, 0.8), 1.0)
