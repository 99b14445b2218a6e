"""People: children and grown-ups, with hair, clothes and accessories from
their look."""

from __future__ import annotations

from .looks import Look
from .palette import RGB, lighten, shade
from .parts import arms as draw_arms
from .parts import feet, pattern, scarf
from .pen import Pen


def human(p: Pen, look: Look, col: dict[str, RGB], arms: str) -> None:
    f = look.features
    skin, hair, main = col["skin"], col["hair"], col["main"]
    girl = look.species == "girl" or bool(
        f & {"dress", "skirt", "pigtails", "ponytail", "braids", "plaits", "bow", "princess", "queen"}
    )
    long_hair = bool(f & {"long", "pigtails", "braids", "plaits"}) or (girl and "short" not in f)
    if f & {"cape", "cloak", "wizard", "king", "queen"}:
        p.poly([(-12, -50), (12, -50), (24, -6), (-24, -6)], col["cape"])
    if f & {"wings", "fairy"}:
        for s in (-1, 1):
            p.ellipse(s * 6, -62, s * 30, -34, lighten(col["wings"], 0.5))
    if f & {"backpack", "satchel", "rucksack"}:
        p.rrect(-21, -48, -8, -24, 4, col["bag"])
    if long_hair and "bald" not in f:
        if f & {"pigtails", "braids", "plaits"}:
            for s in (-1, 1):
                p.circle(s * 23, -60, 8, hair)
                p.circle(s * 21, -70, 4, col["accent"])
        else:
            p.ellipse(-23, -90, 23, -44, hair)
    if "ponytail" in f:
        p.ellipse(14, -86, 30, -56, hair)
    dress = girl and not f & {"trousers", "jeans", "overalls", "dungarees"}
    legs = skin if dress else col["trousers"]
    for s in (-1, 1):
        p.limb(s * 6, -20, s * 7, -6, 9 if not dress else 6.5, legs)
    feet(p, col, f, 12)
    if dress or "raincoat" in f:
        p.poly([(-12, -52), (12, -52), (21, -15), (-21, -15)], main)
        p.ellipse(-14, -56, 14, -42, main, line=False)
        if "raincoat" in f:
            for y in (-44, -36, -28):
                p.circle(0, y, 1.5, shade(main, 0.7), line=False, shine=False)
    else:
        p.rrect(-15, -54, 15, -18, 7, main)
        if f & {"overalls", "dungarees"}:
            p.rrect(-11, -40, 11, -16, 4, col["trousers"])
    if f & {"dots", "spots", "stripes", "striped", "spotted"}:
        pattern(p, col["pattern"], "stripes" if f & {"stripes", "striped"} else "dots", -46, -20, 12)
    draw_arms(p, arms, main, skin, 7.5, 4.6)
    if f & {"scarf", "bowtie", "collar"} or ("neck" in dict(col) and "scarf" in f):
        scarf(p, col["neck"])
    for s in (-1, 1):
        p.circle(s * 20, -66, 4.2, skin)
    p.circle(0, -68, 20, skin)
    if "bald" not in f:
        if "curly" in f:
            for i in range(9):
                x = -18 + i * 4.5
                p.circle(x, -84 + abs(x) * 0.35, 6.2, hair, line=False, shine=False)
        else:
            p.chord(-21.5, -92, 21.5, -58, 180, 360, hair)
            p.poly([(-4, -76), (2, -86), (8, -76)], hair, line=False)
        if "spiky" in f:
            for x in (-12, -4, 4, 12):
                p.poly([(x - 4, -84), (x, -95), (x + 4, -84)], hair, line=False)
    if "beard" in f:
        p.chord(-16, -66, 16, -42, 0, 180, hair)
    if f & {"bow", "ribbon"} and long_hair:
        for s in (-1, 1):
            p.poly([(16, -84), (16 + s * 6, -90), (16 + s * 6, -78)], col["neck"])
