"""Light and sky: how time of day, weather and mood colour the whole scene, and
the sky itself (gradient, sun or moon, stars, clouds).

`Light.lit` is the single place where a natural colour (grass green, brick red)
becomes the colour it should be in this picture: bluish and dim at night, warm
at sunset, washed out when sad, and hazier with distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .palette import RGB, clamp, lighten, mix, saturate, shade

SKIES: dict[str, tuple[RGB, RGB, RGB]] = {  # top, middle, horizon
    "dawn": ((118, 146, 214), (226, 178, 200), (255, 206, 168)),
    "day": ((82, 156, 232), (142, 196, 240), (214, 236, 248)),
    "sunset": ((64, 58, 138), (226, 116, 110), (255, 180, 96)),
    "night": ((10, 16, 48), (28, 38, 92), (58, 70, 128)),
}
AMBIENT: dict[str, tuple[float, float, float]] = {
    "dawn": (1.02, 0.94, 0.92),
    "day": (1.0, 1.0, 1.0),
    "sunset": (1.04, 0.84, 0.74),
    "night": (0.34, 0.4, 0.62),
}
WEATHER_SKY: dict[str, tuple[RGB, float, float]] = {  # grey to mix in, how much, light factor
    "rain": ((120, 130, 146), 0.55, 0.82),
    "storm": ((58, 62, 80), 0.75, 0.6),
    "fog": ((204, 210, 214), 0.6, 0.95),
    "snow": ((206, 214, 228), 0.45, 0.96),
}
MOODS: dict[str, tuple[float, float, RGB | None, float]] = {  # saturation, brightness, tint, tint amount
    "neutral": (1.05, 1.0, None, 0.0),
    "happy": (1.18, 1.05, (255, 236, 200), 0.08),
    "sad": (0.5, 0.9, (150, 166, 196), 0.18),
    "scary": (0.8, 0.66, (64, 48, 104), 0.22),
    "calm": (0.82, 1.04, (236, 232, 250), 0.12),
    "exciting": (1.4, 1.03, (255, 220, 170), 0.04),
}


@dataclass(frozen=True)
class Light:
    top: RGB
    middle: RGB
    horizon: RGB
    ambient: tuple[float, float, float]
    saturation: float
    tint: RGB | None
    tint_amount: float
    haze: RGB
    haze_amount: float

    def lit(self, rgb: RGB, depth: float = 0.0) -> RGB:
        c = saturate(rgb, self.saturation) if self.saturation != 1 else rgb
        if self.tint:
            c = mix(c, self.tint, self.tint_amount)
        c = (clamp(c[0] * self.ambient[0]), clamp(c[1] * self.ambient[1]), clamp(c[2] * self.ambient[2]))
        return mix(c, self.haze, min(1.0, depth * self.haze_amount)) if depth else c


def light_for(scene) -> Light:
    top, middle, horizon = SKIES["night" if scene.dark else scene.time]
    amb = list(AMBIENT["night" if scene.dark else scene.time])
    haze_amount = 0.55
    for w, (grey, amount, dim) in WEATHER_SKY.items():
        if w in scene.weather:
            top, middle, horizon = (
                mix(c, shade(grey, 0.5 if scene.dark else 1.0), amount) for c in (top, middle, horizon)
            )
            amb = [a * dim for a in amb]
            haze_amount += 0.25 if w == "fog" else 0.1
    sat, bright, tint, tint_amount = MOODS.get(scene.mood, MOODS["neutral"])
    if "rain" in scene.weather or "storm" in scene.weather:
        sat *= 0.8
    if scene.indoor:  # rooms are lamp-lit: only a little of the outside light reaches in
        amb = [0.9, 0.8, 0.68] if scene.dark else [0.5 + a * 0.5 for a in amb]
    ambient = (amb[0] * bright, amb[1] * bright, amb[2] * bright)
    if tint:
        top, middle, horizon = (mix(c, tint, tint_amount * 0.8) for c in (top, middle, horizon))
    if sat != 1:
        top, middle, horizon = (saturate(c, min(1.3, sat)) for c in (top, middle, horizon))
    haze = mix(horizon, middle, 0.3)
    return Light(top, middle, horizon, ambient, sat, tint, tint_amount, haze, haze_amount)


def paint_sky(c) -> None:
    from .canvas import gradient

    L = c.light
    hz = max(0.2, min(0.95, c.horizon))
    c.img.paste(gradient(c.img.size, [(0.0, L.top), (hz * 0.55, L.middle), (hz, L.horizon), (1.0, L.horizon)]), (0, 0))
    s = c.scene
    clear = not ({"rain", "storm", "fog"} & s.weather)
    if s.dark and s.setting != "cave":
        _stars(c, 1.0 if clear else 0.12)
        if s.setting != "space" and clear:
            _moon(c)
    elif clear and s.setting not in ("underwater", "cave"):
        _sun(c)
    if "rainbow" in s.weather:
        _rainbow(c)
    clouds = 3 if clear else 6
    if s.setting == "space" or s.setting == "underwater" or s.setting == "cave":
        clouds = 0
    for _ in range(clouds):
        x = c.rand(-0.1, 1.0) * c.w
        y = c.rand(max(0.06, c.calm + 0.03), max(0.12, c.horizon - 0.2)) * c.h
        cloud(c, c.img, x, y, c.rand(14, 26) * c.u, _cloud_color(c))


def _cloud_color(c) -> RGB:
    s = c.scene
    if "storm" in s.weather:
        return (92, 96, 116)
    if "rain" in s.weather:
        return (178, 184, 196)
    if s.dark:
        return (70, 80, 128)
    if s.time == "sunset":
        return (255, 196, 170)
    return (255, 255, 255)


def cloud(c, img, x: float, y: float, w: float, color: RGB) -> None:
    """A storybook cumulus: overlapping puffs on a flat base, lighter on top."""
    from PIL import ImageDraw

    d = ImageDraw.Draw(img)
    under = shade(color, 0.9)
    puffs = [(x + w * (i / 3) - w / 2, w * (0.2 + 0.1 * math.sin(i * 2.1 + x))) for i in range(4)]
    d.chord((x - w * 0.62, y - w * 0.2, x + w * 0.62, y + w * 0.12), 0, 360, fill=under)
    for px, r in puffs:
        d.ellipse((px - r, y - r * 1.1, px + r, y + r * 0.5), fill=under)
    for px, r in puffs:
        d.ellipse((px - r * 0.9, y - r * 1.1, px + r * 0.9, y + r * 0.2), fill=color)
    d.ellipse((x - w * 0.26, y - w * 0.44, x + w * 0.18, y - w * 0.02), fill=color)
    d.ellipse((x - w * 0.2, y - w * 0.4, x + w * 0.02, y - w * 0.2), fill=lighten(color, 0.4))


def _sun(c) -> None:
    s = c.scene
    low = s.time in ("dawn", "sunset")
    x = c.w * (0.2 if s.time == "dawn" else 0.78) + c.rand(-0.06, 0.06) * c.w
    y = c.hy - 10 * c.u if low else max(c.h * (c.calm + 0.14), 16 * c.u)
    color = (255, 176, 90) if low else (255, 236, 150)
    c.glow((x, y), 40 * c.u, lighten(color, 0.3), 0.55)
    c.glow((x, y), 16 * c.u, lighten(color, 0.6), 0.8)
    r = 7.5 * c.u
    from PIL import ImageDraw

    d = ImageDraw.Draw(c.img)
    d.ellipse((x - r, y - r, x + r, y + r), fill=color)
    d.ellipse((x - r * 0.75, y - r * 0.8, x + r * 0.55, y + r * 0.35), fill=lighten(color, 0.35))
    c.notes["sun"] = (x, y)


def _moon(c) -> None:
    from PIL import ImageDraw

    x = c.w * c.rand(0.62, 0.84)
    y = max(c.h * (c.calm + 0.12), 15 * c.u)
    c.glow((x, y), 30 * c.u, (140, 160, 230), 0.5)
    r = 7 * c.u
    d = ImageDraw.Draw(c.img)
    d.ellipse((x - r, y - r, x + r, y + r), fill=(250, 244, 214))
    for dx, dy, k in ((-0.3, -0.2, 0.22), (0.35, 0.25, 0.16), (-0.05, 0.45, 0.12)):
        rr = r * k
        d.ellipse((x + dx * r - rr, y + dy * r - rr, x + dx * r + rr, y + dy * r + rr), fill=(232, 224, 190))
    c.notes["moon"] = (x, y)


def star(d, x: float, y: float, r: float, color: RGB) -> None:
    """A four-pointed twinkle, the way picture books draw stars."""
    q = r * 0.28
    d.polygon(
        [
            (x, y - r),
            (x + q, y - q),
            (x + r, y),
            (x + q, y + q),
            (x, y + r),
            (x - q, y + q),
            (x - r, y),
            (x - q, y - q),
        ],
        fill=color,
    )


def _stars(c, amount: float) -> None:
    from PIL import ImageDraw

    d = ImageDraw.Draw(c.img)
    top = c.h * c.calm
    for _ in range(int(70 * amount)):
        x, y = c.rand(0, c.w), c.rand(top, c.hy * 0.95)
        r = c.rand(0.25, 0.6) * c.u
        d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 250, 220))
    for _ in range(int(9 * amount)):
        x, y = c.rand(0, c.w), c.rand(top + 3 * c.u, c.hy * 0.8)
        star(d, x, y, c.rand(1.4, 2.6) * c.u, (255, 240, 170))


def _rainbow(c) -> None:
    from PIL import Image, ImageDraw

    colors = [(232, 72, 72), (246, 150, 60), (250, 220, 80), (100, 190, 90), (80, 140, 230), (140, 90, 200)]
    sheet = Image.new("L", c.img.size, 0)
    d = ImageDraw.Draw(sheet)
    cx, cy = c.w * c.rand(0.35, 0.65), c.hy + 4 * c.u
    R = max(c.w * 0.42, c.sky_room * 0.95)
    band = R * 0.045
    paint = Image.new("RGB", c.img.size)
    pd = ImageDraw.Draw(paint)
    for i, col in enumerate(colors):
        r = R - i * band
        pd.ellipse((cx - r, cy - r, cx + r, cy + r), fill=col)
    r = R - len(colors) * band
    d.ellipse((cx - R, cy - R, cx + R, cy + R), fill=150)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=0)
    c.img.paste(paint, (0, 0), sheet)
