"""What a character looks like, read from its `CharacterLook`.

The look is read once per character and cached, and nothing in it depends on
the page, so a character keeps the same body, colours and accessories on every
page of the book. Only pose, size and place change from page to page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from PIL import Image, ImageDraw, ImageOps

from .palette import (
    CLOTHES_COLORS,
    HAIR_COLORS,
    RGB,
    SKIN_TONES,
    SKIN_WORDS,
    color_at,
    contrast,
    lighten,
    luminance,
    mix,
    shade,
    stable_pick,
    words,
)


def _w(text: str) -> list[str]:
    """Word lists are written as one string: easier to read and extend."""
    return text.split()


# Word -> body type. Humans come in three flavours that change hair and clothes.
SPECIES: dict[str, str] = {
    **dict.fromkeys(
        _w(
            "girl woman lady mum mom mother grandma granny grandmother queen princess sister aunt daughter witch "
            "fairy ballerina mermaid"
        ),
        "girl",
    ),
    **dict.fromkeys(
        _w("boy man dad father grandpa grandad grandfather king prince brother uncle son wizard knight pirate"),
        "boy",
    ),
    **dict.fromkeys(
        _w("child kid toddler baby person human friend teacher astronaut explorer scientist doctor"), "child"
    ),
    **dict.fromkeys(_w("cat kitten kitty puss tabby"), "cat"),
    **dict.fromkeys(_w("dog puppy pup doggy hound terrier retriever poodle spaniel dachshund"), "dog"),
    **dict.fromkeys(_w("fox vixen cub"), "fox"),
    **dict.fromkeys(_w("rabbit bunny hare"), "rabbit"),
    **dict.fromkeys(_w("bear teddy panda koala"), "bear"),
    **dict.fromkeys(
        _w(
            "bird owl owlet robin sparrow parrot duck duckling chick chicken hen penguin puffin crow swan goose "
            "bluebird seagull"
        ),
        "bird",
    ),
    **dict.fromkeys(_w("mouse mice hamster rat gerbil squirrel"), "mouse"),
    **dict.fromkeys(_w("dragon dinosaur dino lizard t-rex"), "dragon"),
    **dict.fromkeys(_w("robot robo android bot machine"), "robot"),
    **dict.fromkeys(_w("fish goldfish whale dolphin shark octopus"), "fish"),
    **dict.fromkeys(_w("frog toad tadpole"), "frog"),
    **dict.fromkeys(_w("elephant hippo rhino"), "elephant"),
    **dict.fromkeys(_w("lion lioness tiger leopard cheetah"), "lion"),
    **dict.fromkeys(_w("unicorn horse pony foal donkey zebra deer reindeer"), "horse"),
    **dict.fromkeys(_w("turtle tortoise snail"), "turtle"),
    **dict.fromkeys(_w("monster troll ogre goblin alien yeti gremlin creature ghost"), "monster"),
    **dict.fromkeys(_w("pig piglet hog"), "pig"),
    **dict.fromkeys(_w("sheep lamb"), "sheep"),
    **dict.fromkeys(_w("monkey ape chimp gorilla"), "monkey"),
}
HUMAN = frozenset({"girl", "boy", "child"})

# Natural coat colours when the look names none (picked by the name's hash).
FUR: dict[str, tuple[RGB, ...]] = {
    "cat": ((140, 140, 146), (222, 116, 46), (60, 56, 60), (236, 226, 210), (150, 100, 60)),
    "dog": ((190, 140, 90), (236, 216, 180), (120, 80, 50), (232, 180, 50), (60, 56, 60)),
    "fox": ((236, 120, 40),),
    "rabbit": ((236, 232, 226), (200, 170, 140), (160, 150, 150)),
    "bear": ((150, 100, 60), (120, 80, 50), (200, 150, 90)),
    "bird": ((80, 150, 230), (250, 200, 60), (230, 80, 70), (140, 110, 80)),
    "mouse": ((170, 166, 170), (200, 160, 120)),
    "dragon": ((90, 180, 100), (150, 90, 200), (230, 90, 70)),
    "robot": ((170, 190, 210), (220, 220, 226)),
    "fish": ((250, 150, 50), (80, 170, 230)),
    "frog": ((110, 190, 80),),
    "elephant": ((160, 166, 186),),
    "lion": ((232, 176, 70),),
    "horse": ((246, 244, 250), (170, 110, 70), (230, 210, 170)),
    "turtle": ((120, 180, 100),),
    "monster": ((150, 90, 200), (90, 190, 170), (240, 120, 160), (110, 170, 240)),
    "pig": ((246, 170, 180),),
    "sheep": ((246, 244, 236),),
    "monkey": ((150, 100, 60),),
}
SPECIES_IMPLIES: dict[str, RGB] = {
    "unicorn": (250, 246, 252),
    "panda": (246, 246, 242),
    "koala": (160, 160, 170),
    "tiger": (245, 140, 40),
    "zebra": (246, 246, 242),
    "penguin": (40, 40, 50),
    "owl": (150, 110, 80),
    "duck": (250, 220, 70),
    "duckling": (250, 220, 70),
    "chick": (250, 220, 70),
    "robin": (150, 110, 80),
    "crow": (40, 40, 50),
    "swan": (246, 246, 242),
    "goldfish": (250, 150, 50),
    "whale": (80, 120, 200),
    "dolphin": (130, 160, 200),
    "shark": (140, 150, 170),
    "octopus": (230, 110, 140),
    "ghost": (246, 246, 250),
    "alien": (130, 210, 110),
    "hippo": (170, 150, 190),
    "reindeer": (160, 110, 70),
    "gorilla": (60, 56, 60),
    "donkey": (150, 146, 150),
    "squirrel": (200, 110, 50),
}

# Word -> which part a colour before it describes.
PARTS: dict[str, str] = {
    **dict.fromkeys(_w("hair curls pigtails ponytail braids plaits bun locks beard mane fringe"), "hair"),
    **dict.fromkeys(_w("fur feathers scales body wool skin shell coat_of_fur"), "main"),
    **dict.fromkeys(
        _w("boots boot shoes shoe sneakers trainers wellies wellingtons socks slippers sandals feet paws"), "feet"
    ),
    **dict.fromkeys(
        _w(
            "dress shirt t-shirt tshirt top jumper sweater hoodie jacket raincoat coat overalls dungarees tunic "
            "robe gown uniform suit pyjamas pajamas clothes cardigan vest skirt blouse spacesuit outfit"
        ),
        "clothes",
    ),
    **dict.fromkeys(_w("trousers pants jeans shorts leggings tights"), "trousers"),
    **dict.fromkeys(_w("hat cap beanie helmet hood beret crown tiara bonnet"), "hat"),
    **dict.fromkeys(_w("scarf bow ribbon bowtie tie collar bandana necklace neckerchief"), "neck"),
    **dict.fromkeys(_w("cape cloak"), "cape"),
    **dict.fromkeys(_w("backpack bag satchel rucksack basket"), "bag"),
    **dict.fromkeys(_w("eyes eye"), "eyes"),
    **dict.fromkeys(_w("spots dots stripes patches stripe spot polka"), "pattern"),
    **dict.fromkeys(_w("wings wing"), "wings"),
    **dict.fromkeys(_w("belly tummy chest"), "belly"),
    **dict.fromkeys(_w("umbrella"), "umbrella"),
    **dict.fromkeys(_w("glasses spectacles goggles"), "glasses"),
}
ACCENT_PARTS = ("feet", "neck", "hat", "bag", "cape", "umbrella", "glasses", "pattern", "wings", "trousers")
# Accessories drawn when named (with or without a colour).
FEATURES = frozenset(
    _w(
        "astronaut backpack bald beanie beard boots bow bowtie braids bun cap cape cloak collar crown curly dots "
        "dress dungarees fairy fluffy freckles glasses hat helmet hood horn king long overalls owl panda penguin "
        "pigtails pirate plaits ponytail prince princess queen raincoat ribbon rucksack satchel scarf short skirt "
        "spacesuit spectacles spiky spots spotted striped stripes tail tiara tiger umbrella unicorn wand wellies "
        "wellingtons wings witch wizard zebra"
    )
)
SKIP = frozenset(
    _w(
        "big bright cheerful curly floppy fluffy furry fuzzy huge little long messy neat new old pointy round "
        "shiny short silky small soft sparkly spiky straight stripy tiny wavy woolly wooly"
    )
)


@dataclass(frozen=True)
class Look:
    species: str  # a key of FUR, or girl/boy/child
    kind: str  # the exact noun (owl, penguin, tiger...) for small touches
    colors: tuple[tuple[str, RGB], ...]
    features: frozenset[str]
    avatar_key: bytes | None = None

    @property
    def human(self) -> bool:
        return self.species in HUMAN

    def color(self, part: str) -> RGB:
        return dict(self.colors)[part]


def _read_colors(tokens: list[str]) -> tuple[dict[str, RGB], list[RGB]]:
    """Colours tied to the part they describe, plus any left without a part."""
    parts: dict[str, RGB] = {}
    loose: list[RGB] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "skin" and i > 0 and tokens[i - 1] in SKIN_WORDS:
            parts["skin"] = SKIN_WORDS[tokens[i - 1]]
        found = color_at(tokens, i)
        if not found:
            i += 1
            continue
        rgb, used = found
        j = i + used
        pending = [rgb]
        while j < len(tokens) and (tokens[j] in SKIP or tokens[j] in ("and", "-") or color_at(tokens, j)):
            more = color_at(tokens, j)
            if more:
                pending.append(more[0])
                j += more[1]
            else:
                j += 1
        noun = tokens[j] if j < len(tokens) else ""
        part = PARTS.get(noun) or ("main" if noun in SPECIES else None)
        if noun == "skin" and tokens[i] in SKIN_WORDS:
            parts.setdefault("skin", SKIN_WORDS[tokens[i]])
        elif part:
            if part == "main" and noun in SPECIES and SPECIES[noun] in HUMAN:
                part = "skin" if tokens[i] in SKIN_WORDS else "clothes"
            parts.setdefault(part, pending[0])
            if len(pending) > 1:
                parts.setdefault("pattern", pending[1])
        else:
            loose.extend(pending)
        i = j if j > i else i + 1
    return parts, loose


@lru_cache(maxsize=256)
def read_look(name: str, look: str, avatar: bytes | None = None) -> Look:
    tokens = words(look)
    name_tokens = words(name)
    kind = next((t for t in tokens if t in SPECIES), None) or next((t for t in name_tokens if t in SPECIES), None)
    species = SPECIES.get(kind or "", "") or stable_pick(("girl", "boy"), name)
    kind = kind or species
    parts, loose = _read_colors(tokens)
    features = frozenset(t for t in tokens if t in FEATURES)
    key = (name or look or "friend").lower()
    # What the look's words do not name is taken from the avatar, so the character drawn is
    # the one in the picture: its hair, skin and clothes (an animal's coat).
    sampled = avatar_colors(avatar) if avatar else {}

    human = species in HUMAN
    main_part = "clothes" if human else "main"
    main = parts.get(main_part) or parts.get("main" if human else "clothes")
    if main is None:
        main = sampled.get("clothes" if human else "coat")
    if main is None and loose:
        main = loose.pop(0)
    if main is None and not human and kind in SPECIES_IMPLIES:
        main = SPECIES_IMPLIES[kind]
    if main is None:
        main = stable_pick(CLOTHES_COLORS if human else FUR[species], key, "main")
    accent = next((parts[p] for p in ACCENT_PARTS if p in parts), None)
    if accent is None and loose:
        accent = loose.pop(0)
    if accent is None:
        options = [c for c in CLOTHES_COLORS if sum(abs(a - b) for a, b in zip(c, main, strict=True)) > 160]
        accent = stable_pick(options, key, "accent") if options else contrast(main)
    colors: dict[str, RGB] = {"main": main, "accent": accent}
    if human:
        colors["skin"] = parts.get("skin") or sampled.get("skin") or stable_pick(SKIN_TONES, key, "skin")
        colors["hair"] = parts.get("hair") or sampled.get("hair") or stable_pick(HAIR_COLORS, key, "hair")
        colors["trousers"] = parts.get("trousers") or stable_pick(
            ((60, 80, 140), (70, 110, 170), (90, 70, 60), (60, 60, 70)), key, "legs"
        )
        colors["feet"] = parts.get("feet") or accent
    else:
        colors["skin"] = parts.get("belly") or mix(main, (255, 244, 224), 0.55 if luminance(main) < 200 else 0.0)
        if luminance(main) >= 200:
            colors["skin"] = shade(main, 0.9)
        colors["hair"] = parts.get("hair") or shade(main, 0.72)
        colors["trousers"] = shade(main, 0.85)
        colors["feet"] = parts.get("feet") or (
            accent if features & {"boots", "wellies", "wellingtons"} else shade(main, 0.85)
        )
    colors["eyes"] = parts.get("eyes") or (40, 34, 40)
    colors["pattern"] = parts.get("pattern") or (lighten(main, 0.6) if luminance(main) < 110 else shade(main, 0.7))
    for p in ("hat", "neck", "bag", "cape", "umbrella", "wings"):
        colors[p] = parts.get(p) or (accent if p != "wings" else lighten(main, 0.4))
    if species == "lion" and "hair" not in parts:
        colors["hair"] = mix(main, (150, 70, 30), 0.6)
    if kind == "penguin" and "belly" not in parts:
        colors["skin"] = (246, 246, 242)
    return Look(species, kind, tuple(colors.items()), features, avatar)


def character_colors(look) -> dict[str, RGB]:
    """The colours a character is drawn with: main (fur, or clothes for people),
    accent (boots, scarf, hat...), skin, hair, feet, eyes and a few more."""
    return dict(read_look(look.name, look.look, look.avatar).colors)


MAX_AVATAR_PIXELS = 40_000_000


@lru_cache(maxsize=32)
def avatar_image(data: bytes) -> tuple[Image.Image, RGB] | None:
    """The avatar cropped to a square (RGBA, 256 px) and its dominant colour, or
    None when the bytes are not a picture we can read."""
    try:
        with Image.open(io.BytesIO(data)) as src:
            if src.width * src.height > MAX_AVATAR_PIXELS:
                return None
            src.draft("RGB", (512, 512))
            pic = ImageOps.exif_transpose(src).convert("RGBA")
    except Exception:  # noqa: BLE001 - a broken upload (any decoder error) must never break a page
        return None
    side = min(pic.size)
    left, top = (pic.width - side) // 2, (pic.height - side) // 2
    pic = pic.crop((left, top, left + side, top + side)).resize((256, 256), Image.Resampling.LANCZOS)
    return pic, dominant_color(pic)


def dominant_color(pic: Image.Image) -> RGB:
    """The most common clearly-coloured colour (not paper white or shadow black)."""
    small = pic.convert("RGB").resize((32, 32), Image.Resampling.BILINEAR).quantize(8, method=Image.Quantize.MEDIANCUT)
    pal = small.getpalette()
    assert pal is not None  # a quantized picture always has a palette
    # A palette picture counts palette indices, and at most 8 of them here (never None).
    counts = cast("list[tuple[int, int]]", small.getcolors())
    best, fallback = None, None
    for _count, idx in sorted(counts, reverse=True):
        rgb = (pal[idx * 3], pal[idx * 3 + 1], pal[idx * 3 + 2])
        fallback = fallback or rgb
        if 40 < luminance(rgb) < 225 and max(rgb) - min(rgb) > 40:
            best = rgb
            break
    return best or fallback or (200, 200, 200)


def _region(pixels: list[RGB], side: int, box: tuple[float, float, float, float], back: RGB) -> RGB | None:
    """The most common colour in `box` (fractions of the side) that is not the background:
    colours are counted in coarse bins and the winning bin's mean is returned."""
    x0, y0, x1, y1 = (round(v * side) for v in box)
    bins: dict[tuple[int, int, int], list[RGB]] = {}
    for y in range(y0, y1):
        for x in range(x0, x1):
            rgb = pixels[y * side + x]
            if sum(abs(a - b) for a, b in zip(rgb, back, strict=True)) < 60:
                continue
            bins.setdefault((rgb[0] // 40, rgb[1] // 40, rgb[2] // 40), []).append(rgb)
    if not bins:
        return None
    # ties go to the lower bin, so the answer never depends on the order pixels were seen in
    members = max(sorted(bins.items()), key=lambda kv: len(kv[1]))[1]
    if len(members) < (x1 - x0) * (y1 - y0) * 0.12:
        return None  # a few stray pixels are not a part
    return cast(RGB, tuple(round(sum(c[i] for c in members) / len(members)) for i in range(3)))


def _skin_like(rgb: RGB) -> bool:
    r, g, b = rgb
    return r >= g >= b - 10 and r - b > 20 and 70 < luminance(rgb) < 245


@lru_cache(maxsize=32)
def avatar_colors(data: bytes) -> dict[str, RGB]:
    """The colours of the avatar's parts, sampled where a portrait has them: hair at the top,
    skin in the middle, clothes at the bottom, an animal's coat in the middle; the background
    (the colour of the rim) is left out. Empty for bytes that are not a picture."""
    found = avatar_image(data)
    if not found:
        return {}
    side = 32
    raw = found[0].convert("RGB").resize((side, side), Image.Resampling.BOX).tobytes()
    pixels: list[RGB] = [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]
    rim = [pixels[i] for i in range(side)] + [pixels[i * side] for i in range(side)] + [
        pixels[i * side + side - 1] for i in range(side)]
    back = cast(RGB, tuple(sorted(c[i] for c in rim)[len(rim) // 2] for i in range(3)))
    out: dict[str, RGB] = {}
    middle = _region(pixels, side, (0.3, 0.35, 0.7, 0.65), back)
    if middle is not None:
        out["coat"] = middle
        if _skin_like(middle):
            out["skin"] = middle
    hair = _region(pixels, side, (0.25, 0.04, 0.75, 0.3), back)
    if hair is not None and sum(abs(a - b) for a, b in zip(hair, out.get("skin", (-99, -99, -99)), strict=True)) > 60:
        out["hair"] = hair
    clothes = _region(pixels, side, (0.15, 0.82, 0.85, 1.0), back)
    if clothes is not None and clothes != out.get("skin"):
        out["clothes"] = clothes
    out.setdefault("coat", found[1])
    out.setdefault("clothes", found[1])
    return out


@lru_cache(maxsize=64)
def framed_avatar(data: bytes, size: tuple[int, int], frame: RGB, oval: bool = False) -> Image.Image | None:
    """The avatar as a framed picture of `size` (RGBA): a rectangle in a moulded frame, or an
    oval cameo. A portrait that hangs in the scene, never one worn as a head."""
    found = avatar_image(data)
    if not found:
        return None
    w, h = size
    k = 2  # drawn large and shrunk, for smooth edges
    big = (w * k, h * k)
    t = max(2, round(min(big) * 0.09))
    sheet = Image.new("RGBA", big, (0, 0, 0, 0))
    d = ImageDraw.Draw(sheet)
    inner = (t, t, big[0] - t, big[1] - t)
    if oval:
        d.ellipse((0, 0, big[0] - 1, big[1] - 1), fill=frame + (255,))
        d.ellipse((t // 3, t // 3, big[0] - 1 - t // 3, big[1] - 1 - t // 3), outline=lighten(frame, 0.35) + (255,),
                  width=max(1, t // 4))
    else:
        d.rectangle((0, 0, big[0] - 1, big[1] - 1), fill=frame + (255,))
        d.rectangle((t // 3, t // 3, big[0] - 1 - t // 3, big[1] - 1 - t // 3), outline=lighten(frame, 0.35) + (255,),
                    width=max(1, t // 4))
        d.rectangle((inner[0] - 1, inner[1] - 1, inner[2], inner[3]), fill=shade(frame, 0.6) + (255,))
    face = ImageOps.fit(found[0], (inner[2] - inner[0], inner[3] - inner[1]), Image.Resampling.BILINEAR)
    mask = Image.new("L", face.size, 0)
    if oval:
        ImageDraw.Draw(mask).ellipse((0, 0, face.width - 1, face.height - 1), fill=255)
    else:
        mask.paste(255, (0, 0, face.width, face.height))
    sheet.paste(face, inner[:2], Image.composite(face.getchannel("A"), mask, mask))
    return sheet.resize(size, Image.Resampling.LANCZOS)
