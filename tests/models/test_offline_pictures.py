"""The offline pictures of issue 16: an avatar colours its character and hangs in the scene as a
portrait (never worn over the body), every setting the storyteller picks is drawn, the time of day
and weather are followed, and the cover gets a title block in its art style with the author line."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from storymaker import lettering
from storymaker.models.base import CharacterLook, ImageRequest
from storymaker.painter import character_colors, paint, read_scene
from storymaker.painter.scenery import PLACES
from storymaker.styles import ART_STYLES

from .test_painter import luminance, near

BACKDROP = (0, 230, 120)  # the photo's backdrop: a green no figure or setting is drawn in
SHIRT = (200, 40, 60)
HAIR = (60, 36, 24)
SKIN = (232, 186, 150)
PIP = CharacterLook("Pip", "a small grey cat with red boots")


def face_photo() -> bytes:
    pic = Image.new("RGB", (300, 300), BACKDROP)
    d = ImageDraw.Draw(pic)
    d.rectangle((40, 230, 260, 300), fill=SHIRT)
    d.ellipse((80, 60, 220, 220), fill=SKIN)
    d.chord((70, 40, 230, 170), 180, 360, fill=HAIR)
    out = io.BytesIO()
    pic.save(out, "PNG")
    return out.getvalue()


ZED = CharacterLook("Zed", "a boy", avatar=face_photo())


def page(scene: str, chars=(ZED, PIP), style: str = "watercolor", kind: str = "page") -> Image.Image:
    return paint(ImageRequest("", scene, chars, style, (512, 512), f"issue16/{scene}", kind))


def test_an_avatar_gives_its_character_the_photo_s_colours():
    colours = character_colors(ZED)
    assert sum(abs(a - b) for a, b in zip(colours["main"], SHIRT, strict=True)) < 30
    assert sum(abs(a - b) for a, b in zip(colours["hair"], HAIR, strict=True)) < 30
    assert sum(abs(a - b) for a, b in zip(colours["skin"], SKIN, strict=True)) < 30


def test_words_in_the_look_win_over_the_avatar():
    blue = CharacterLook("Zed", "a boy in a blue jumper", avatar=face_photo())
    assert character_colors(blue)["main"] != character_colors(ZED)["main"]
    assert character_colors(blue)["hair"] == character_colors(ZED)["hair"]


def test_outdoors_the_avatar_is_drawn_not_pasted_over_the_figure():
    img = page("Zed and Pip at the beach")
    assert near(img, BACKDROP, 25) < 20  # no photo anywhere, over the body or elsewhere
    assert near(img, SHIRT, 25) > 400  # the figure wears the photo's colours


@pytest.mark.parametrize("scene", ["Zed reads in the cosy living room", "Zed and Pip in the classroom at school"],
                         ids=["home", "school"])
def test_indoors_the_avatar_hangs_on_the_wall_as_a_framed_portrait(scene):
    img = page(scene)
    assert near(img, BACKDROP, 40) > 150
    plain = page(scene, chars=(CharacterLook("Zed", "a boy"), PIP))
    assert near(plain, BACKDROP, 40) < 20
    # on the wall: above the floor, which starts two thirds of the way down
    ys = [y for y in range(0, 512, 4) for x in range(0, 512, 4)
          if all(abs(a - b) <= 40 for a, b in zip(img.getpixel((x, y)), BACKDROP, strict=False))]  # type: ignore[arg-type]
    assert ys and max(ys) < 512 * 0.64


def test_the_cover_shows_the_avatar_as_a_cameo():
    assert near(page("The Big Day", kind="cover"), BACKDROP, 40) > 150


def test_pictures_with_avatars_are_the_same_bytes_every_time():
    for scene, kind in (("Zed in the bedroom at night", "page"), ("The Big Day", "cover")):
        assert page(scene, kind=kind).tobytes() == page(scene, kind=kind).tobytes()
    art = page("The Big Day", kind="cover")
    one = lettering.set_title(art, "The Big Day", "Ana", "crayon")
    assert one.tobytes() == lettering.set_title(art, "The Big Day", "Ana", "crayon").tobytes()


# ---- the cover's title block ------------------------------------------------------------

@pytest.mark.parametrize("style", list(ART_STYLES))
def test_the_cover_has_a_title_block_in_its_style_with_the_author_line(style):
    art = page("The Dragon Who Was Afraid of the Dark", style=style, kind="cover")
    block = lettering.title_block(art, "The Dragon Who Was Afraid of the Dark", "Ana Lopez", style)
    cover = lettering.set_title(art, "The Dragon Who Was Afraid of the Dark", "Ana Lopez", style)
    x0, y0, x1, y1 = block.panel
    assert y1 < art.height * 0.45  # clear of the cast, and of what the print export compares
    assert (x1 - x0) > art.width * 0.5 and block.title_size >= art.height * 0.05
    changed = ImageChops.difference(cover, art).crop(block.panel).convert("L").point(lambda v: 255 if v > 24 else 0)
    assert ImageStat.Stat(changed).mean[0] > 255 * 0.4  # a panel, not words floating on the scene
    assert block.author_at is not None and block.author_at[1] > block.lines[-1][1][1]
    ax, ay = block.author_at
    byline = cover.crop((x0, ay, x1, ay + block.author_size)).convert("RGB")
    assert near(byline, block.ink, 40) > 20  # the author line is set, in the block's ink
    assert lettering.title_block(art, "The Dragon Who Was Afraid of the Dark", "", style).author_at is None


def test_the_block_s_colour_comes_from_the_picture():
    sea = page("Zed and Pip under the sea", kind="cover")
    farm = page("Zed and Pip on the farm", kind="cover")
    assert lettering.title_block(sea, "T", "", "paper-cutout").fill != lettering.title_block(farm, "T", "", "paper-cutout").fill


def test_the_styles_letter_their_covers_differently():
    art = page("The Big Day", kind="cover")
    covers = {s: hashlib.sha256(lettering.set_title(art, "The Big Day", "Ana", s).tobytes()).digest() for s in ART_STYLES}
    assert len(set(covers.values())) == len(ART_STYLES)


def test_a_title_the_shipped_face_lacks_is_still_set():
    art = page("The Big Day", kind="cover")
    assert lettering.set_title(art, "Ёжик в тумане", "Юрий", "watercolor").tobytes() != art.tobytes()


# ---- settings, time of day and weather -------------------------------------------------------

PHRASES = {
    "forest": "in the forest", "beach": "on the coast", "castle": "at the castle", "town": "in the town",
    "farm": "on the farm", "space": "in space", "underwater": "under the sea", "snow": "in the snow",
    "school": "at school", "home": "in the bedroom", "meadow": "in the meadow", "mountain": "on the mountain",
    "desert": "in the desert", "river": "by the lake", "cave": "in the cave", "lighthouse": "at the lighthouse",
    "garden": "in the garden", "park": "in the park", "sky": "up in the sky above the clouds",
}


def test_every_setting_the_painter_draws_has_words_that_choose_it():
    assert set(PHRASES) == set(PLACES)


@pytest.mark.parametrize("setting", sorted(PHRASES))
def test_each_setting_is_read_and_drawn(setting):
    text = f"Mia and Pip {PHRASES[setting]}"
    assert read_scene(text).setting == setting
    img = page(text, chars=(PIP,))
    others = {s: page(f"Mia and Pip {PHRASES[s]}", chars=(PIP,)) for s in ("meadow", "forest") if s != setting}
    for other, picture in others.items():
        diff = ImageStat.Stat(ImageChops.difference(img, picture)).mean
        assert sum(diff) / 3 > 12, other  # a different place, not the same one redrawn


@pytest.mark.parametrize("words,time,weather", [
    ("Mia in the park at night", "night", set()),
    ("Mia in the garden in the rain", "day", {"rain"}),
    ("Mia in the town while it is snowing", "day", {"snow"}),
    ("Mia by the lake at sunset", "sunset", set()),
], ids=["night", "rain", "snowing", "sunset"])
def test_time_of_day_and_weather_are_followed(words, time, weather):
    scene = read_scene(words)
    assert scene.time == time and weather <= scene.weather
    plain = page(words.split(" at ")[0].split(" in the rain")[0].split(" while")[0], chars=(PIP,))
    assert page(words, chars=(PIP,)).tobytes() != plain.tobytes()


def test_a_night_in_the_park_is_darker_than_a_day_there():
    assert luminance(page("Mia in the park at night", chars=(PIP,))) < luminance(page("Mia in the park", chars=(PIP,))) - 40
