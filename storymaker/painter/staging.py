"""Where the characters stand on a page, how big, and which way they face.

Figures share the width of the picture without overlapping, stand with their
feet on the ground of the scene, and step back a little in turn when there are
many, so a group reads as a group rather than a row of stickers.
"""

from __future__ import annotations

from dataclasses import dataclass

# fraction of the short side a figure is tall, by number of figures
PAGE_HEIGHT = {1: 0.40, 2: 0.38, 3: 0.35, 4: 0.31, 5: 0.28, 6: 0.25}
COVER_HEIGHT = {1: 0.54, 2: 0.48, 3: 0.42, 4: 0.36, 5: 0.32, 6: 0.28}
WIDTH_PER_HEIGHT = 0.62  # a figure with arms out is about this wide
POSES: dict[str, tuple[str, ...]] = {
    "happy": ("up", "wave", "down", "wave"),
    "exciting": ("up", "reach", "wave"),
    "sad": ("down", "hug"),
    "scary": ("hug", "down"),
    "calm": ("down", "down", "hug"),
    "neutral": ("down", "wave", "reach"),
}


@dataclass(frozen=True)
class Spot:
    x: float  # centre between the feet, pixels
    y: float  # ground line under the feet, pixels
    height: float  # pixels
    flip: bool


def arrange(n: int, size: tuple[int, int], kind: str, rng, floor: float = 0.9) -> list[Spot]:
    if n <= 0:
        return []
    w, h = size
    short = min(w, h)
    table = COVER_HEIGHT if kind == "cover" else PAGE_HEIGHT
    frac = table.get(n, 0.24 * 6 / max(n, 6))
    span = w * (0.78 if kind == "cover" else 0.9)
    slot = span / n
    height = min(frac * short, slot / WIDTH_PER_HEIGHT)
    spots = []
    for i in range(n):
        if n == 1 and kind != "cover":
            x = w * rng.choice((0.36, 0.5, 0.64))
        else:
            x = w / 2 + (i - (n - 1) / 2) * slot + rng.uniform(-0.08, 0.08) * slot
        back = i % 2 == 1 and n >= 3
        y = h * (floor - (0.035 if back else 0.0) - rng.uniform(0.0, 0.02))
        scale = (0.92 if back else 1.0) * rng.uniform(0.95, 1.04)
        spots.append(Spot(x, y, height * scale, x > w / 2 + slot * 0.25))
    return spots
