"""The offline painter: deterministic, fast picture-book pages that follow the scene
text and draw each character the same way on every page."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

from storymaker.models.base import CharacterLook, ImageRequest
from storymaker.models.offline_image import OfflineImageModel
from storymaker.painter import character_colors, paint, read_scene
from storymaker.styles import ART_STYLES

MIA = CharacterLook("Mia", "a girl with curly brown hair, a yellow raincoat and red boots")
PIP = CharacterLook("Pip", "a small grey cat with red boots")
SIZE = (512, 512)


def req(
    scene: str = "Mia and Pip play in the sunny meadow",
    chars=(MIA, PIP),
    style: str = "watercolor",
    size=SIZE,
    seed: str = "book-1/page-1",
    kind: str = "page",
) -> ImageRequest:
    return ImageRequest(
        prompt="ignored: watercolour, night, castle",
        scene=scene,
        characters=chars,
        style=style,
        size=size,
        seed=seed,
        kind=kind,
    )


def near(img: Image.Image, rgb: tuple[int, int, int], tol: int = 30) -> int:
    """How many pixels are within `tol` of `rgb` on every channel."""
    bands = [b.point(lambda v, c=c: 255 if abs(v - c) <= tol else 0) for b, c in zip(img.split(), rgb, strict=False)]
    mask = bands[0]
    for b in bands[1:]:
        mask = Image.composite(b, Image.new("L", img.size, 0), mask)
    return mask.histogram()[255]


def luminance(img: Image.Image) -> float:
    return ImageStat.Stat(img.convert("L")).mean[0]


def png_bytes(color: tuple[int, int, int]) -> bytes:
    pic = Image.new("RGB", (200, 200), (250, 250, 250))
    ImageDraw.Draw(pic).ellipse((10, 10, 190, 190), fill=color)
    out = io.BytesIO()
    pic.save(out, "PNG")
    return out.getvalue()


def test_same_request_gives_identical_pixels():
    a, b = paint(req(style="crayon")), paint(req(style="crayon"))
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("size", [(1024, 1024), (640, 400), (300, 500)])
def test_picture_has_the_requested_size_and_is_rgb(size):
    img = paint(req(size=size))
    assert img.size == size and img.mode == "RGB"


def test_page_is_a_picture_not_a_flat_fill():
    img = paint(req(size=(1024, 1024)))
    assert len(img.resize((128, 128)).getcolors(1 << 16)) > 800
    assert min(ImageStat.Stat(img).stddev) > 25


def test_different_scenes_and_seeds_differ():
    base = paint(req()).tobytes()
    assert paint(req(seed="book-1/page-2")).tobytes() != base
    assert paint(req(scene="Mia and Pip walk through the dark forest")).tobytes() != base


def test_night_is_darker_than_day():
    day = paint(req("Mia and Pip walk on the beach on a sunny afternoon"))
    night = paint(req("Mia and Pip walk on the beach at night under the moon"))
    assert luminance(night) < luminance(day) - 40


def test_snow_scene_is_mostly_white():
    snow = paint(req("Snow falls on the icy land where Pip builds a snowman"))
    meadow = paint(req("Pip plays in the green meadow"))
    white = (230, 230, 230)  # every channel 205 or more
    assert near(snow, white, 25) > 0.3 * SIZE[0] * SIZE[1]
    assert near(meadow, white, 25) < near(snow, white, 25) / 4


def thin_light_lines(img: Image.Image) -> int:
    """Pixels clearly lighter than the pixels 3 to their left and right: rain streaks."""
    lum = img.convert("L")
    sides = ImageChops.lighter(ImageChops.offset(lum, 3, 0), ImageChops.offset(lum, -3, 0))
    return ImageChops.subtract(lum, sides).point(lambda v: 255 if v > 12 else 0).histogram()[255]


def test_rain_draws_drops_over_the_scene():
    dry = paint(req("Pip waits in the town street"))
    wet = paint(req("Pip waits in the town street in the rain"))
    assert thin_light_lines(wet) > thin_light_lines(dry) + 1000


def test_scene_words_are_read_with_word_boundaries():
    s = read_scene("Mia and Pip climb the lighthouse stairs at night while rain lashes the windows; they feel brave")
    assert (s.setting, s.time, "rain" in s.weather) == ("lighthouse", "night", True)
    assert read_scene("A wooden box").setting == "meadow"  # "wooden" is not "wood"
    assert read_scene("deep in the woods").setting == "forest"
    assert read_scene("a stormy evening by the sea").weather >= {"storm", "rain"}
    assert read_scene("a stormy evening by the sea").time == "sunset"
    assert read_scene("She feels sad and lonely").mood == "sad"
    assert read_scene("").setting == "meadow"


def test_colour_words_in_a_look_map_to_parts():
    pip = character_colors(PIP)
    r, g, b = pip["main"]
    assert max(r, g, b) - min(r, g, b) < 20 and 90 < r < 190  # grey fur
    r, g, b = pip["accent"]
    assert r > 170 and g < 90 and b < 90  # red boots
    mia = character_colors(MIA)
    assert mia["main"][0] > 200 and mia["main"][1] > 170 and mia["main"][2] < 100  # yellow raincoat
    assert mia["hair"][0] > mia["hair"][2] + 40 and mia["hair"][0] < 180  # brown hair
    blue = character_colors(CharacterLook("Ada", "a girl in a blue dress"))["main"]
    assert blue[2] > blue[0] + 80


def test_a_look_without_colours_gets_a_stable_colour_from_the_name():
    a = character_colors(CharacterLook("Olu", "a friendly monster"))
    assert a == character_colors(CharacterLook("Olu", "a friendly monster"))
    names = ("Olu", "Bix", "Tam", "Quin", "Ravi", "Noor")
    assert len({character_colors(CharacterLook(n, "a friendly monster"))["main"] for n in names}) > 1


@pytest.mark.parametrize("style", ["watercolor", "pixel-art", "claymation"])
def test_a_character_keeps_its_colour_on_every_page(style):
    tia = CharacterLook("Tia", "a purple rabbit with a yellow scarf")
    main = character_colors(tia)["main"]
    scenes = (
        "Tia naps in the sunny meadow",
        "Tia is scared in the dark forest at night",
        "Tia builds a sandcastle on the beach at sunset",
    )
    for i, scene in enumerate(scenes):
        seed = f"book-1/page-{i}"
        assert near(paint(req(scene, chars=(MIA, tia), style=style, seed=seed)), main, 30) > 400, scene
        assert near(paint(req(scene, chars=(MIA,), style=style, seed=seed)), main, 30) < 100, scene


def test_the_same_character_is_drawn_with_the_same_colours_whatever_the_scene():
    rex = CharacterLook("Rex", "a friendly dragon")
    green = character_colors(rex)["main"]
    for scene in ("Rex in the castle", "Rex under the sea", "Rex on the moon"):
        assert near(paint(req(scene, chars=(rex,))), green, 30) > 400


def test_avatar_picture_is_used():
    purple = (128, 40, 200)
    zed = CharacterLook("Zed", "a boy in a green jumper", avatar=png_bytes(purple))
    plain = CharacterLook("Zed", "a boy in a green jumper")
    assert near(paint(req("Zed at the beach", chars=(zed,))), purple, 30) > 400
    assert near(paint(req("Zed at the beach", chars=(plain,))), purple, 30) < 50


def test_broken_avatar_bytes_do_not_break_the_page():
    odd = CharacterLook("Zed", "a boy", avatar=b"not a picture")
    assert paint(req(chars=(odd,))).size == SIZE


def test_each_style_looks_different_and_unknown_styles_fall_back():
    pics = {s: paint(req(style=s)).tobytes() for s in ART_STYLES}
    for a, b in itertools.combinations(ART_STYLES, 2):
        assert pics[a] != pics[b], (a, b)
    assert paint(req(style="no-such-style")).tobytes() == pics["watercolor"]


def test_cover_leaves_the_top_calm_for_the_title():
    img = paint(req("The friends on a sunny hill", kind="cover", seed="book-1/cover")).convert("L")
    w, h = img.size
    edges = img.filter(ImageFilter.FIND_EDGES)
    top = ImageStat.Stat(edges.crop((0, 0, w, int(h * 0.28)))).mean[0]
    rest = ImageStat.Stat(edges.crop((0, int(h * 0.3), w, h))).mean[0]
    assert top < rest


def test_avatar_kind_is_a_big_portrait():
    img = paint(req("", chars=(PIP,), kind="avatar", seed="avatar/pip"))
    assert img.size == SIZE
    assert near(img, character_colors(PIP)["main"], 30) > 0.12 * SIZE[0] * SIZE[1]


def test_many_characters_fit():
    cast = tuple(
        CharacterLook(n, l)
        for n, l in (("A", "red fox"), ("B", "blue robot"), ("C", "pink pig"), ("D", "a boy"), ("E", "white rabbit"))
    )
    img = paint(req("a party in the park", chars=cast))
    for ch in cast:
        assert near(img, character_colors(ch)["main"], 30) > 200, ch.name


def test_offline_image_model_draws():
    model = OfflineImageModel()
    assert model.model_id == "offline-painter" and model.is_offline
    result = model.draw(req(size=(256, 256)))
    assert result.image.size == (256, 256) and result.image.mode == "RGB"
