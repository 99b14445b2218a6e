"""Animal, robot and fish bodies. Most animals share one chibi body; what
differs is in `ANATOMY` (ears, snout, tail) plus a few special touches."""

from __future__ import annotations

import math

from .looks import Look
from .palette import RGB, lighten, mix, shade
from .parts import DARK, PINK, WHITE, feet, pattern, scarf
from .parts import arms as draw_arms
from .pen import Pen

# body type -> (ears, snout, tail); each name is a small drawing below
ANATOMY: dict[str, tuple[str, str, str]] = {
    "cat": ("pointy", "cat", "long"),
    "dog": ("floppy", "dog", "stub"),
    "fox": ("big_pointy", "fox", "bushy"),
    "rabbit": ("long", "rabbit", "puff"),
    "bear": ("round", "bear", ""),
    "bird": ("", "beak", "feathers"),
    "mouse": ("big_round", "mouse", "thin"),
    "dragon": ("horns", "dragon", "spiky"),
    "frog": ("", "frog", ""),
    "elephant": ("elephant", "trunk", "thin"),
    "lion": ("round", "bear", "tuft"),
    "horse": ("small_pointy", "horse", "hair"),
    "turtle": ("", "plain", ""),
    "monster": ("horns", "monster", "stub"),
    "pig": ("small_pointy", "pig", "curly"),
    "sheep": ("side", "plain", "puff"),
    "monkey": ("side_round", "monkey", "curly"),
}


def animal(p: Pen, look: Look, col: dict[str, RGB], arms: str) -> None:
    sp, f = look.species, look.features
    main, belly, dark = col["main"], col["skin"], col["hair"]
    ears, snout, tail = ANATOMY.get(sp, ("round", "bear", ""))
    if look.kind in ("owl",):
        ears = "tufts"
    if look.kind in ("tiger", "leopard", "cheetah"):
        f = f | {"stripes"}
    _tail(p, tail, main, dark, col)
    if sp == "dragon" or ("wings" in f and sp != "bird"):  # birds fold theirs at their sides
        for s in (-1, 1):
            p.poly([(s * 8, -48), (s * 40, -64), (s * 34, -46), (s * 38, -36), (s * 14, -30)], col["wings"])
    if sp == "turtle":
        p.ellipse(-24, -54, 24, -10, dark)
        for x, y in ((-10, -40), (8, -42), (0, -26), (-14, -24), (14, -26)):
            p.circle(x, y, 5, shade(dark, 1.2), line=False, shine=False)
    for s in (-1, 1):
        p.limb(s * 8, -16, s * 9, -6, 9.5, shade(main, 0.95))
    feet(p, col, f, 13, paws=not (f & {"boots", "wellies", "wellingtons"}))
    if sp == "sheep":
        for x, y in ((-12, -44), (0, -48), (12, -44), (-14, -28), (0, -22), (14, -28), (0, -34)):
            p.circle(x, y, 10, main, shine=False)
    else:
        p.ellipse(-18, -54, 18, -7, main)
        if sp != "turtle":
            p.ellipse(-10.5, -44, 10.5, -12, belly, line=False, shine=False)
    if f & {"stripes", "spots", "dots", "spotted", "striped"} or look.kind in ("zebra",):
        pattern(
            p,
            col["pattern"] if look.kind not in ("tiger", "zebra") else DARK,
            "stripes" if f & {"stripes", "striped"} or look.kind == "zebra" else "dots",
            -50,
            -14,
            14,
        )
    if sp == "bird":
        for s in (-1, 1):
            p.ellipse(s * 12, -48, s * 27, -18, col["wings"] if "wings" in dict(look.colors) else shade(main, 0.85))
    else:
        draw_arms(p, arms, main, shade(main, 1.05), 8, 4.8)
    if f & {"scarf", "bowtie", "collar", "bow", "ribbon"} or not f & {
        "hat",
        "cap",
        "beanie",
        "crown",
        "glasses",
        "backpack",
        "cape",
        "boots",
        "wellies",
    }:
        scarf(p, col["neck"], small="scarf" not in f)
    if f & {"backpack", "satchel", "rucksack"}:
        p.rrect(14, -48, 24, -26, 3, col["bag"])
    if look.kind == "lion":
        for i in range(12):
            a = i * math.tau / 12
            p.circle(math.cos(a) * 20, -68 + math.sin(a) * 18, 9, dark, shine=False)
    _ears(p, ears, main, dark, belly)
    if sp == "frog":
        p.ellipse(-25, -80, 25, -50, main)
        for s in (-1, 1):
            p.circle(s * 11, -80, 8.5, main)
    elif sp == "sheep":
        p.ellipse(-15, -84, 15, -52, (80, 70, 80))
        for x in (-10, 0, 10):
            p.circle(x, -86, 7, main, shine=False)
    else:
        p.ellipse(-22, -86, 22, -48, main)
    if sp == "horse" and (look.kind == "unicorn" or "unicorn" in f or "horn" in f):
        p.poly([(-4, -84), (4, -84), (0, -106)], col["hat"] if "hat" in f else (250, 214, 90))
    if sp == "horse":
        for i in range(5):
            p.circle(-4 + i * 4, -86 + i * 3, 5.5, dark, line=False, shine=False)
    if look.kind in ("tiger",) or ("stripes" in f and sp in ("cat", "lion")):
        for x in (-6, 0, 6):
            p.poly([(x - 2, -86), (x + 2, -86), (x, -78)], DARK if look.kind == "tiger" else col["pattern"], line=False)
    _snout(p, snout, main, belly, col)


def _ears(p: Pen, kind: str, main: RGB, dark: RGB, inner: RGB) -> None:
    pink = mix(PINK, inner, 0.3)
    for s in (-1, 1):
        if kind in ("pointy", "big_pointy", "small_pointy"):
            h = {"pointy": 18, "big_pointy": 24, "small_pointy": 13}[kind]
            p.poly([(s * 6, -80), (s * 19, -82 - h), (s * 21, -70)], main)
            p.poly([(s * 10, -80), (s * 18, -78 - h), (s * 18.5, -74)], pink, line=False)
        elif kind == "floppy":
            p.ellipse(s * 15, -84, s * 28, -54, dark)
        elif kind == "long":
            p.ellipse(s * 3, -118, s * 15, -78, main)
            p.ellipse(s * 6, -112, s * 12, -84, pink, line=False, shine=False)
        elif kind in ("round", "big_round"):
            r = 7 if kind == "round" else 11
            p.circle(s * 16, -84, r, main)
            p.circle(s * 16, -84, r * 0.55, pink, line=False, shine=False)
        elif kind == "horns":
            p.poly([(s * 6, -82), (s * 14, -98), (s * 13, -80)], lighten(main, 0.5))
        elif kind == "tufts":
            p.poly([(s * 8, -82), (s * 20, -94), (s * 19, -78)], dark)
        elif kind == "elephant":
            p.ellipse(s * 12, -86, s * 40, -50, main)
            p.ellipse(s * 17, -80, s * 35, -56, pink, line=False, shine=False)
        elif kind == "side":
            p.ellipse(s * 12, -76, s * 26, -68, (80, 70, 80))
        elif kind == "side_round":
            p.circle(s * 22, -68, 7, main)
            p.circle(s * 22, -68, 4, inner, line=False, shine=False)


def _snout(p: Pen, kind: str, main: RGB, light: RGB, col: dict[str, RGB]) -> None:
    nose = DARK
    if kind == "cat":
        for s in (-1, 1):
            p.circle(s * 3.6, -59, 4.2, light, line=False, shine=False)
            p.stroke([(s * 7, -60), (s * 17, -62)], shade(main, 0.5), 0.5)
            p.stroke([(s * 7, -58), (s * 17, -56)], shade(main, 0.5), 0.5)
        p.poly([(-2.2, -63), (2.2, -63), (0, -60.5)], PINK, line=False)
    elif kind in ("dog", "bear"):
        p.ellipse(-9, -66, 9, -52, light, shine=False)
        p.ellipse(-3.5, -66, 3.5, -61, nose, line=False, shine=False)
        p.circle(-1.2, -65, 0.9, WHITE, line=False, shine=False)
    elif kind == "fox":
        p.poly([(-22, -66), (0, -52), (22, -66), (10, -60), (0, -58), (-10, -60)], (250, 246, 240), line=False)
        p.ellipse(-2.8, -63, 2.8, -59, nose, line=False, shine=False)
    elif kind == "rabbit":
        p.ellipse(-6, -62, 6, -55, light, line=False, shine=False)
        p.poly([(-2, -63), (2, -63), (0, -60.5)], PINK, line=False)
        p.rrect(-2.2, -56, 2.2, -52, 0.8, WHITE, line=False)
    elif kind == "mouse":
        p.circle(0, -61, 2.2, PINK, line=False, shine=False)
        for s in (-1, 1):
            p.stroke([(s * 4, -60), (s * 15, -62)], shade(main, 0.5), 0.5)
    elif kind == "beak":
        p.poly([(-5, -64), (5, -64), (0, -56)], (250, 170, 50))
    elif kind == "dragon":
        p.ellipse(-12, -66, 12, -52, light, shine=False)
        for s in (-1, 1):
            p.circle(s * 4, -61, 1.2, shade(main, 0.5), line=False, shine=False)
    elif kind == "trunk":
        p.limb(0, -62, 1, -48, 8, main)
        p.limb(1, -48, 7, -44, 7, main)
    elif kind == "horse":
        p.ellipse(-10, -66, 10, -50, light, shine=False)
        for s in (-1, 1):
            p.circle(s * 4, -56, 1.3, shade(main, 0.5), line=False, shine=False)
    elif kind == "pig":
        p.ellipse(-7, -65, 7, -56, shade(main, 0.9))
        for s in (-1, 1):
            p.circle(s * 2.5, -60.5, 1.3, shade(main, 0.6), line=False, shine=False)
    elif kind == "monkey":
        p.ellipse(-15, -76, 15, -52, light, line=False, shine=False)
        p.ellipse(-9, -64, 9, -52, lighten(light, 0.2), line=False, shine=False)
    elif kind == "monster":
        for s in (-1, 1):
            p.poly([(s * 3, -56), (s * 7, -56), (s * 5, -52)], WHITE, line=False)


def _tail(p: Pen, kind: str, main: RGB, dark: RGB, col: dict[str, RGB]) -> None:
    if kind == "long":
        p.curve([(12, -14), (24, -18), (30, -30), (28, -44), (22, -50)], 5.5, main, taper=0.8)
    elif kind == "bushy":
        p.ellipse(8, -44, 40, -12, main)
        p.ellipse(28, -48, 42, -32, (250, 246, 240))
    elif kind == "puff":
        p.circle(17, -18, 6, lighten(main, 0.5))
    elif kind == "stub":
        p.limb(14, -22, 23, -34, 6, main)
    elif kind == "thin":
        p.curve([(14, -12), (28, -10), (34, -20), (30, -28)], 2.2, shade(main, 0.85), taper=0.6)
    elif kind == "tuft":
        p.curve([(14, -12), (28, -10), (34, -24)], 2.4, shade(main, 0.85))
        p.circle(34, -26, 4, dark)
    elif kind == "spiky":
        p.poly([(10, -24), (40, -10), (14, -8)], main)
        for x in (20, 28, 35):
            p.poly(
                [(x - 3, -16 + (x - 20) * 0.25), (x, -22 + (x - 20) * 0.3), (x + 3, -15 + (x - 20) * 0.25)],
                col["pattern"],
                line=False,
            )
    elif kind == "feathers":
        p.poly([(10, -18), (28, -14), (26, -6), (10, -10)], shade(main, 0.8))
    elif kind == "hair":
        p.ellipse(10, -40, 28, -4, col["hair"])
    elif kind == "curly":
        p.arc(14, -34, 32, -14, 90, 420, shade(main, 0.8), 2.2)


def robot(p: Pen, col: dict[str, RGB], arms: str) -> None:
    main, acc, metal = col["main"], col["accent"], (150, 156, 170)
    for s in (-1, 1):
        p.rrect(s * 4, -20, s * 11, -5, 1.5, metal)
    feet(p, col | {"feet": shade(main, 0.7)}, frozenset(), 12)
    p.rrect(-17, -52, 17, -14, 5, main)
    p.rrect(-10, -44, 10, -26, 3, acc)
    for x, c in ((-5, (250, 90, 90)), (0, (250, 220, 80)), (5, (100, 210, 120))):
        p.circle(x, -35, 1.8, c, line=False, shine=False)
    draw_arms(p, arms, metal, shade(main, 0.8), 5.5, 4.5)
    p.stroke([(0, -86), (0, -96)], metal, 1.4)
    p.circle(0, -97, 3, acc)
    p.rrect(-21, -87, 21, -50, 7, main)
    p.rrect(-16, -80, 16, -56, 5, lighten(main, 0.3), line=False)
    for s in (-1, 1):
        p.rrect(s * 21 - 2.5, -74, s * 21 + 2.5, -62, 1.5, acc)


def fish(p: Pen, col: dict[str, RGB], f: frozenset[str]) -> None:
    main = col["main"]
    p.poly([(-20, -40), (-42, -58), (-38, -40), (-42, -22)], shade(main, 0.85))
    p.poly([(-4, -60), (6, -72), (12, -58)], shade(main, 0.85))
    p.ellipse(-26, -82, 26, -22, main)
    p.ellipse(-14, -50, 14, -28, col["skin"], line=False, shine=False)
    for x in (-12, -4):
        p.arc(x - 4, -60, x + 4, -48, 270, 90, shade(main, 0.8), 0.8)
    p.poly([(2, -34), (14, -28), (4, -24)], shade(main, 0.85))
