"""Colour words and colour arithmetic.

Everything the painter knows about colour lives here: the names people use in a
character's look ("ginger", "navy", "sky blue"), small RGB helpers, and the
stable fallback colour for a name. Colours are plain (r, g, b) tuples so they can
be cached, compared in tests and used directly by ImageDraw.
"""

from __future__ import annotations

import colorsys
import hashlib
import re

RGB = tuple[int, int, int]

# Names a child or parent is likely to type. Values are picked to read clearly as
# that colour after the style effects, not to match any colour standard.
COLOR_WORDS: dict[str, RGB] = {
    "red": (214, 48, 49),
    "scarlet": (220, 36, 40),
    "crimson": (186, 22, 52),
    "cherry": (200, 30, 60),
    "maroon": (128, 30, 40),
    "burgundy": (128, 24, 52),
    "pink": (246, 143, 181),
    "rose": (232, 110, 140),
    "magenta": (214, 40, 160),
    "fuchsia": (220, 50, 170),
    "coral": (250, 128, 100),
    "salmon": (246, 150, 122),
    "peach": (255, 190, 150),
    "orange": (245, 140, 40),
    "tangerine": (250, 130, 30),
    "ginger": (222, 116, 46),
    "rust": (180, 80, 40),
    "copper": (190, 110, 60),
    "amber": (245, 175, 40),
    "yellow": (250, 212, 50),
    "lemon": (250, 232, 90),
    "mustard": (214, 170, 40),
    "gold": (232, 180, 50),
    "golden": (232, 180, 50),
    "blonde": (240, 205, 120),
    "blond": (240, 205, 120),
    "honey": (222, 160, 70),
    "sandy": (222, 190, 130),
    "cream": (250, 238, 205),
    "beige": (226, 206, 170),
    "tan": (206, 160, 110),
    "caramel": (196, 130, 70),
    "brown": (140, 86, 48),
    "chocolate": (110, 62, 34),
    "chestnut": (150, 70, 40),
    "green": (72, 170, 80),
    "lime": (160, 214, 60),
    "mint": (150, 224, 180),
    "olive": (128, 130, 50),
    "emerald": (30, 160, 100),
    "sage": (150, 180, 140),
    "teal": (30, 150, 150),
    "turquoise": (60, 200, 200),
    "aqua": (80, 210, 220),
    "cyan": (60, 200, 230),
    "blue": (60, 120, 220),
    "sky": (120, 190, 240),
    "navy": (34, 50, 110),
    "indigo": (75, 50, 150),
    "cobalt": (40, 80, 190),
    "purple": (140, 70, 180),
    "violet": (150, 100, 210),
    "lilac": (196, 160, 220),
    "lavender": (190, 170, 230),
    "plum": (120, 50, 110),
    "white": (246, 246, 242),
    "snowy": (246, 246, 242),
    "silver": (196, 200, 210),
    "grey": (140, 140, 146),
    "gray": (140, 140, 146),
    "charcoal": (70, 72, 78),
    "black": (40, 40, 46),
    "ebony": (40, 36, 40),
}

# Two-word names that mean something other than their parts.
COLOR_PHRASES: dict[str, RGB] = {
    "sky blue": (120, 190, 240),
    "navy blue": (34, 50, 110),
    "royal blue": (50, 80, 200),
    "baby blue": (150, 200, 240),
    "bottle green": (20, 100, 60),
    "forest green": (40, 110, 50),
    "hot pink": (240, 70, 150),
    "baby pink": (250, 190, 210),
    "strawberry blonde": (230, 150, 100),
    "sea green": (60, 170, 130),
}

MODIFIERS: dict[str, float] = {"light": 0.35, "pale": 0.45, "pastel": 0.4, "dark": -0.35, "deep": -0.25, "bright": 0.0}

_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def stable_int(*parts: str) -> int:
    """An integer from text that is the same in every process (unlike `hash`)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def stable_pick(options, *parts: str):
    return options[stable_int(*parts) % len(options)]


def clamp(v: float) -> int:
    return 0 if v < 0 else 255 if v > 255 else int(v + 0.5)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (clamp(a[0] + (b[0] - a[0]) * t), clamp(a[1] + (b[1] - a[1]) * t), clamp(a[2] + (b[2] - a[2]) * t))


def shade(c: RGB, f: float) -> RGB:
    """Darken (f < 1) or brighten (f > 1) by scaling."""
    return (clamp(c[0] * f), clamp(c[1] * f), clamp(c[2] * f))


def lighten(c: RGB, t: float) -> RGB:
    return mix(c, (255, 255, 255), t)


def luminance(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def saturate(c: RGB, f: float) -> RGB:
    h, l, s = colorsys.rgb_to_hls(c[0] / 255, c[1] / 255, c[2] / 255)
    r, g, b = colorsys.hls_to_rgb(h, l, max(0.0, min(1.0, s * f)))
    return (clamp(r * 255), clamp(g * 255), clamp(b * 255))


def outline_of(c: RGB) -> RGB:
    """A self-coloured line: a darker, warmer version of the fill, as illustrators use."""
    return mix(shade(c, 0.55), (60, 30, 40), 0.25)


def contrast(c: RGB) -> RGB:
    """A friendly accent that stands out against `c` (its complement, kept bright)."""
    h, _, s = colorsys.rgb_to_hls(c[0] / 255, c[1] / 255, c[2] / 255)
    r, g, b = colorsys.hls_to_rgb((h + 0.5) % 1.0, 0.55, max(0.6, s))
    return (clamp(r * 255), clamp(g * 255), clamp(b * 255))


def color_at(tokens: list[str], i: int) -> tuple[RGB, int] | None:
    """The colour named at token `i` (with an optional modifier), and how many tokens it used."""
    used = 0
    amount = None
    if tokens[i] in MODIFIERS and i + 1 < len(tokens):
        amount = MODIFIERS[tokens[i]]
        i += 1
        used = 1
    pair = " ".join(tokens[i : i + 2])
    if pair in COLOR_PHRASES:
        rgb, used = COLOR_PHRASES[pair], used + 2
    elif tokens[i] in COLOR_WORDS or tokens[i].split("-")[0] in COLOR_WORDS:
        rgb = COLOR_WORDS.get(tokens[i]) or COLOR_WORDS[tokens[i].split("-")[0]]
        used += 1
    else:
        return None
    if amount:
        rgb = lighten(rgb, amount) if amount > 0 else shade(rgb, 1 + amount)
    return rgb, used


# Pleasant fallbacks, chosen by a hash of the character's name.
CLOTHES_COLORS: tuple[RGB, ...] = (
    (229, 77, 66),
    (60, 120, 220),
    (250, 190, 40),
    (80, 170, 90),
    (150, 90, 200),
    (240, 130, 50),
    (30, 160, 160),
    (236, 100, 150),
    (90, 150, 230),
    (190, 60, 90),
)
HAIR_COLORS: tuple[RGB, ...] = ((90, 56, 34), (40, 32, 30), (200, 150, 70), (170, 80, 40), (130, 84, 50), (60, 40, 30))
SKIN_TONES: tuple[RGB, ...] = (
    (255, 219, 190),
    (241, 194, 160),
    (224, 170, 126),
    (198, 134, 92),
    (150, 98, 66),
    (112, 72, 50),
)
SKIN_WORDS: dict[str, RGB] = {
    "pale": (255, 224, 200),
    "fair": (255, 219, 190),
    "freckled": (250, 205, 175),
    "olive": (214, 170, 120),
    "tanned": (214, 160, 116),
    "brown": (170, 110, 72),
    "dark": (120, 78, 52),
    "black": (100, 66, 46),
}
