"""Reading a page's illustration text: where, when, what weather, what mood.

The tables are data so a new word is one line. Phrases match on word boundaries
with an optional plural ending, so "woods" finds "wood" but "wooden" does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Setting -> phrases. Where several settings are named, the lowest tier wins and
# then the earliest mention: "the lighthouse by the sea" is a lighthouse, "the
# forest near home" is a forest.
SETTINGS: dict[str, tuple[str, ...]] = {
    "lighthouse": ("lighthouse", "light house"),
    "underwater": (
        "underwater",
        "under the sea",
        "under water",
        "seabed",
        "sea floor",
        "ocean floor",
        "coral reef",
        "reef",
        "mermaid",
        "submarine",
    ),
    "space": (
        "space",
        "outer space",
        "planet",
        "rocket",
        "spaceship",
        "galaxy",
        "astronaut",
        "on the moon",
        "to the moon",
        "among the stars",
        "comet",
        "asteroid",
    ),
    "cave": ("cave", "cavern", "grotto", "tunnel", "den", "burrow"),
    "castle": ("castle", "palace", "kingdom", "fortress", "tower", "throne"),
    "school": ("school", "classroom", "class", "lesson", "teacher", "library"),
    "farm": ("farm", "barn", "farmyard", "tractor", "haystack", "orchard"),
    "home": (
        "bedroom",
        "kitchen",
        "living room",
        "bathroom",
        "indoors",
        "inside the house",
        "attic",
        "playroom",
        "nursery",
    ),
    "beach": (
        "beach",
        "seaside",
        "shore",
        "seashore",
        "sea",
        "ocean",
        "coast",
        "sand",
        "waves",
        "harbour",
        "harbor",
        "pier",
        "island",
    ),
    "underground": (),
    "river": ("river", "lake", "pond", "stream", "brook", "creek", "waterfall", "riverbank", "bridge"),
    "mountain": ("mountain", "peak", "summit", "cliff", "valley", "volcano"),
    "desert": ("desert", "dune", "oasis", "cactus", "cacti", "pyramid", "camel"),
    "snow": (
        "snowy land",
        "in the snow",
        "through the snow",
        "across the snow",
        "ice",
        "icy",
        "arctic",
        "igloo",
        "frozen",
        "glacier",
        "north pole",
        "snowman",
        "winter",
        "snowfield",
        "polar",
    ),
    "forest": ("forest", "wood", "woodland", "jungle", "trees", "grove", "rainforest"),
    "town": ("town", "city", "street", "village", "market", "shop", "square", "road", "bakery", "cafe"),
    "garden": (
        "garden",
        "back garden",
        "backyard",
        "vegetable patch",
        "vegetable bed",
        "flower bed",
        "greenhouse",
        "allotment",
        "garden shed",
    ),
    "park": ("park", "playground", "swings", "swing set", "seesaw", "sandpit", "park bench", "duck pond"),
    "sky": (
        "up in the sky",
        "above the clouds",
        "among the clouds",
        "in the clouds",
        "hot air balloon",
        "balloon ride",
        "flying high",
        "airship",
    ),
    "meadow": ("meadow", "field", "hill", "grass", "flowers", "picnic", "countryside"),
}
SETTINGS.pop("underground")
# Houses and rooms are weak hints: a house is often only where a walk starts.
WEAK: dict[str, tuple[str, ...]] = {
    "home": ("home", "house", "room", "bed", "kitchen table", "sofa", "fireplace", "window"),
    "sky": ("sky", "clouds", "balloon"),
    "meadow": ("hill", "grass", "flowers", "tree"),
}
STRONG = frozenset({"lighthouse", "underwater", "space", "cave", "castle", "school", "farm"})
GENERIC = frozenset({"meadow", "sky"})  # named in passing more often than they are the place
INDOOR = frozenset({"home", "school"})

TIMES: dict[str, tuple[str, ...]] = {
    "dawn": ("dawn", "sunrise", "daybreak", "morning", "first light", "breakfast"),
    "day": ("day", "daytime", "noon", "midday", "afternoon", "lunch", "sunny day"),
    "sunset": ("sunset", "evening", "dusk", "twilight", "sundown", "golden hour", "setting sun", "supper"),
    "night": (
        "night",
        "midnight",
        "moon",
        "moonlight",
        "moonlit",
        "star",
        "starry",
        "starlight",
        "bedtime",
        "tonight",
        "nighttime",
        "dark sky",
        "lantern",
        "fireflies",
    ),
}

WEATHER: dict[str, tuple[str, ...]] = {
    "sunny": ("sunny", "sunshine", "sunlight", "sunbeam", "bright sun", "hot", "warm sun"),
    "rain": ("rain", "raining", "rainy", "drizzle", "raindrop", "puddle", "downpour", "shower", "umbrella", "wet"),
    "snow": ("snow", "snowing", "snowy", "snowflake", "blizzard", "snowfall", "sleet"),
    "fog": ("fog", "foggy", "mist", "misty", "haze", "hazy"),
    "wind": ("wind", "windy", "breeze", "breezy", "gust", "blustery", "blowing", "blown"),
    "storm": ("storm", "stormy", "thunder", "thunderstorm", "lightning", "tempest", "gale", "hurricane"),
    "rainbow": ("rainbow",),
}

MOODS: dict[str, tuple[str, ...]] = {
    "happy": (
        "happy",
        "cheerful",
        "joy",
        "joyful",
        "glad",
        "laugh",
        "laughing",
        "smile",
        "smiling",
        "delighted",
        "fun",
        "play",
        "playing",
        "celebrate",
        "party",
        "giggle",
        "hug",
        "friends",
        "proud",
    ),
    "sad": (
        "sad",
        "lonely",
        "alone",
        "cry",
        "crying",
        "tear",
        "upset",
        "gloomy",
        "miss",
        "missing",
        "sorry",
        "sigh",
        "heartbroken",
        "unhappy",
        "grey day",
    ),
    "scary": (
        "scary",
        "scared",
        "afraid",
        "frightened",
        "fright",
        "spooky",
        "creepy",
        "shadow",
        "nervous",
        "fear",
        "worried",
        "dark",
        "terrified",
        "danger",
        "trembling",
        "shiver",
    ),
    "calm": (
        "calm",
        "peaceful",
        "quiet",
        "gentle",
        "sleepy",
        "sleep",
        "asleep",
        "cosy",
        "cozy",
        "rest",
        "relax",
        "dream",
        "dreaming",
        "still",
        "softly",
        "whisper",
        "snuggle",
        "lullaby",
    ),
    "exciting": (
        "exciting",
        "excited",
        "adventure",
        "race",
        "racing",
        "hurry",
        "rush",
        "amazing",
        "wow",
        "thrilling",
        "brave",
        "zoom",
        "leap",
        "jump",
        "cheer",
        "hooray",
        "discover",
        "treasure",
    ),
}

# Objects worth adding to a scene when named, whatever the setting.
DETAILS: dict[str, tuple[str, ...]] = {
    "flowers": ("flower", "flowers", "daisy", "daisies", "tulip", "rose", "blossom", "bloom"),
    "butterfly": ("butterfly", "butterflies"),
    "birds": ("bird", "birds", "seagull", "gull"),
    "boat": ("boat", "ship", "sailboat", "canoe"),
    "kite": ("kite",),
    "leaves": ("leaves", "autumn", "fall leaves"),
    "bridge": ("bridge",),
    "lantern": ("lantern", "torch", "candle"),
    "stairs": ("stairs", "staircase", "steps"),
}


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted((re.escape(p).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alts) + r")(?:e?s)?\b")


_SETTING_RX = {k: _pattern(v) for k, v in SETTINGS.items()}
_WEAK_RX = {k: _pattern(v) for k, v in WEAK.items()}
_TIME_RX = {k: _pattern(v) for k, v in TIMES.items()}
_WEATHER_RX = {k: _pattern(v) for k, v in WEATHER.items()}
_MOOD_RX = {k: _pattern(v) for k, v in MOODS.items()}
_DETAIL_RX = {k: _pattern(v) for k, v in DETAILS.items()}


@dataclass(frozen=True)
class Scene:
    setting: str = "meadow"
    also: tuple[str, ...] = ()  # other settings named, for a few extra props
    time: str = "day"
    weather: frozenset[str] = frozenset()
    mood: str = "neutral"
    details: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()

    @property
    def indoor(self) -> bool:
        return self.setting in INDOOR

    @property
    def dark(self) -> bool:
        return self.time == "night" or self.setting in ("space", "cave")

    def has(self, *words: str) -> bool:
        return any(w in self.words for w in words)


def _first(rx: re.Pattern[str], text: str) -> int | None:
    m = rx.search(text)
    return m.start() if m else None


@lru_cache(maxsize=512)
def read_scene(text: str) -> Scene:
    text = " ".join(text.lower().replace("’", "'").split())
    found: list[tuple[int, int, str]] = []  # (tier, position, setting)
    for key, rx in _SETTING_RX.items():
        pos = _first(rx, text)
        if pos is not None:
            found.append((0 if key in STRONG else 2 if key in GENERIC else 1, pos, key))
    for key, rx in _WEAK_RX.items():
        pos = _first(rx, text)
        if pos is not None:
            found.append((3, pos, key))
    found.sort()
    setting = found[0][2] if found else "meadow"
    also = tuple(dict.fromkeys(k for _, _, k in found[1:] if k != setting))

    times = sorted((p, k) for k, rx in _TIME_RX.items() if (p := _first(rx, text)) is not None)
    time = times[0][1] if times else "day"
    if "night" in (k for _, k in times) and time == "day":
        time = "night"  # "a starry night after a long day" is a night picture
    weather = {k for k, rx in _WEATHER_RX.items() if rx.search(text)}
    if "storm" in weather:
        weather.add("rain")
    if setting in ("underwater", "space", "cave"):
        weather.clear()  # no rain under the sea
    mood_hits = {k: len(rx.findall(text)) for k, rx in _MOOD_RX.items()}
    best = max(mood_hits.values())
    mood = "neutral"
    if best:
        tied = [k for k, n in mood_hits.items() if n == best]
        mood = min(tied, key=lambda k: _first(_MOOD_RX[k], text) or 0)
    details = frozenset(k for k, rx in _DETAIL_RX.items() if rx.search(text))
    return Scene(setting, also, time, frozenset(weather), mood, details, frozenset(re.findall(r"[a-z]+", text)))
