"""Which painter draws which setting, and the order a background is built in:
sky, then the setting's far/middle/near layers, then lights, small details and
weather that belongs to the background.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PIL import ImageDraw

from . import coast, elsewhere, outdoors, parks, props, rooms, weather
from .sky import paint_sky


@dataclass(frozen=True)
class Place:
    paint: Callable
    horizon: float  # where land meets sky, as a fraction of the height
    own_sky: bool = False  # the painter paints its own sky


PLACES: dict[str, Place] = {
    "meadow": Place(outdoors.meadow, 0.6),
    "forest": Place(outdoors.forest, 0.6),
    "mountain": Place(outdoors.mountain, 0.6),
    "snow": Place(outdoors.snow, 0.6),
    "desert": Place(outdoors.desert, 0.6),
    "farm": Place(outdoors.farm, 0.56),
    "river": Place(outdoors.river, 0.54),
    "castle": Place(outdoors.castle, 0.58),
    "town": Place(outdoors.town, 0.56),
    "garden": Place(parks.garden, 0.56),
    "park": Place(parks.park, 0.56),
    "beach": Place(coast.beach, 0.54),
    "lighthouse": Place(coast.lighthouse, 0.54),
    "space": Place(elsewhere.space, 0.66, own_sky=True),
    "underwater": Place(elsewhere.underwater, 0.66, own_sky=True),
    "cave": Place(elsewhere.cave, 0.66),
    "sky": Place(elsewhere.sky, 0.62),
    "home": Place(rooms.home, 0.5),
    "school": Place(rooms.school, 0.5),
}


def paint_background(c) -> None:
    s = c.scene
    place = PLACES.get(s.setting, PLACES["meadow"])
    c.horizon = place.horizon + (0.04 if c.kind == "cover" and not s.indoor else 0.0)
    if not place.own_sky:
        paint_sky(c)
        if "storm" in s.weather:
            weather.lightning(c)
    place.paint(c)
    for x, y, r in c.notes.get("lights", ()):
        c.glow((x, y), r * 2.2, (255, 214, 130), 0.55)
    if not s.indoor and s.setting not in ("space", "underwater", "cave"):
        d = ImageDraw.Draw(c.img)
        if (
            not s.dark
            and not ({"rain", "storm", "snow"} & s.weather)
            and ("birds" in s.details or c.rng.random() < 0.5)
        ):
            props.birds(c, d, 3 + 2 * ("birds" in s.details))
        if "butterfly" in s.details or (s.setting in ("meadow", "forest", "garden") and not s.dark and c.rng.random() < 0.5):
            for _ in range(2):
                props.butterfly(c, d, c.rand(0.1, 0.9) * c.w, c.rand(0.62, 0.75) * c.h, 1.6 * c.u)
        if s.dark and s.setting in ("forest", "meadow", "river", "farm", "garden"):
            for _ in range(12):  # fireflies
                x, y = c.rand(0, c.w), c.rand(c.hy - 10 * c.u, c.h * 0.9)
                c.glow((x, y), 2.2 * c.u, (250, 240, 140), 0.9)
        if "kite" in s.details and s.setting != "sky":
            props.kite(c, d, c.rng.choice((0.1, 0.88)) * c.w, c.h * (c.calm + 0.08))
    if "fog" in s.weather and not s.indoor:
        weather.fog(c)
