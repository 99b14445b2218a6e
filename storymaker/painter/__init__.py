"""The offline painter: a picture-book page from a scene description, in Pillow.

`paint(request)` reads the scene text (setting, time, weather, mood), paints a
layered background at a reduced size, scales it up, stands the characters in
it at full size, adds falling weather and finishes the picture in the art
style. Everything random comes from a stream seeded by the request, so the
same request always gives the same pixels.
"""

from __future__ import annotations

import random
from dataclasses import replace

from PIL import Image, ImageChops, ImageDraw, ImageOps

from ..models.base import ImageRequest
from .canvas import WORK_SHORT_SIDE, Canvas, gradient
from .figures import draw_figure, expression_for
from .finish import Style, style_for
from .looks import avatar_colors, character_colors, framed_avatar, read_look
from .palette import lighten, mix, stable_int
from .scene import Scene, read_scene
from .scenery import paint_background
from .sky import light_for
from .staging import POSES, arrange
from .weather import overlay

__all__ = ["Scene", "character_colors", "paint", "read_scene"]

MAX_FIGURES = 6
MIN_SIDE = 256  # smaller pictures are painted at this size and shrunk
MAX_RATIO = 3.0  # longer strips are cut from a picture of this shape
SEED_SHORT_SIDE = 1024  # the usual page size, whose pictures the seed keeps as they were


def paint(request: ImageRequest) -> Image.Image:
    """The picture for `request`: an RGB image of exactly `request.size`."""
    w, h = (max(1, int(v)) for v in request.size)
    if min(w, h) < MIN_SIDE or max(w, h) > MAX_RATIO * min(w, h) + 2:
        # thumbnails, icons and odd strips: paint a well-proportioned picture big
        # enough to be legible, then cut and scale the requested shape from it
        ratio = min(MAX_RATIO, max(w, h) / min(w, h))
        long_side = min(4096, max(max(w, h), round(MIN_SIDE * ratio)))
        short_side = max(MIN_SIDE, round(long_side / ratio))
        size = (long_side, short_side) if w >= h else (short_side, long_side)
        return ImageOps.fit(paint(replace(request, size=size)), (w, h), Image.Resampling.LANCZOS)
    style = style_for(request.style)
    scene = read_scene(request.scene or "")
    rng = random.Random(
        stable_int("painter/1", str(request.seed), request.scene or "", style.key, request.kind, _shape(w, h))
    )
    looks = [read_look(ch.name, ch.look, ch.avatar) for ch in request.characters[:MAX_FIGURES]]
    if request.kind == "avatar" and looks:
        img = _portrait(looks[0], (w, h), style, rng, scene)
    else:
        img = _page(request, scene, looks, (w, h), style, rng)
    keep = []
    for look in looks:
        col = dict(look.colors)
        keep += [col["main"], col["accent"], col["skin"], col["hair"]]
    out = style.finish(img, keep)
    return out if out.mode == "RGB" else out.convert("RGB")


def _shape(w: int, h: int) -> str:
    """The size the random stream is seeded with: the shape scaled to a 1024 px short side,
    so one request painted bigger (a print export) keeps its composition."""
    k = SEED_SHORT_SIDE / min(w, h)
    return f"{round(w * k)}x{round(h * k)}"


def _page(request: ImageRequest, scene: Scene, looks, size: tuple[int, int], style: Style, rng) -> Image.Image:
    w, h = size
    k = min(1.0, WORK_SHORT_SIDE / min(w, h))
    work = (max(8, round(w * k)), max(8, round(h * k)))
    c = Canvas(
        Image.new("RGB", work),
        rng,
        scene,
        light_for(scene),
        style,
        request.kind,
        calm=0.3 if request.kind == "cover" else 0.0,
    )
    portrait = next((look.avatar_key for look in looks if look.avatar_key and avatar_colors(look.avatar_key)), None)
    if portrait:
        c.notes["portrait"] = True
    paint_background(c)
    style.treat_background(c)
    # Square-pixel enlargement keeps washes smooth and edges crisp, and keeps the
    # saved PNG small and quick to write (a filtered enlargement doubles that time).
    img = c.img.resize(size, Image.Resampling.NEAREST) if work != size else c.img
    if portrait:
        _hang_portrait(img, c, portrait, 1 / k if work != size else 1.0, request.kind == "cover")
    floor = 0.93 if request.kind == "cover" else 0.9
    spots = arrange(len(looks), size, request.kind, rng, floor)
    if portrait and request.kind == "cover":  # the cast steps aside for the cameo on the right
        spots = [replace(spot, x=spot.x - w * 0.06) for spot in spots]
    order = sorted(range(len(looks)), key=lambda i: spots[i].y)
    expression = expression_for(scene)
    for i in order:
        look, spot = looks[i], spots[i]
        who = random.Random(stable_int(str(request.seed), request.scene or "", str(i), look.kind))
        arms = who.choice(POSES.get(scene.mood, POSES["neutral"]))
        _stand(img, look, spot, expression, arms, style)
    window = c.notes.get("window")
    if window and work != size:
        window = tuple(int(v / k) for v in window)
    overlay(img, scene, rng, min(w, h) / 100, window if scene.indoor else None, c.calm)
    return img


def _hang_portrait(img: Image.Image, c: Canvas, avatar: bytes, scale: float, cover: bool) -> None:
    """An avatar shown as a picture in the scene, in the scene's light: framed on the wall a room
    left room for, or as an oval cameo beside the cast on the cover. Outdoors on a page it is not
    shown: the figure, drawn in the avatar's colours, is the character there."""
    if cover:
        side = round(min(img.size) * 0.17)
        box = (round(img.width * 0.97) - side, round(img.height * (c.calm + 0.01)))
        size, oval = (side, round(side * 1.22)), True
    elif "frame" in c.notes:
        x0, y0, x1, y1 = (round(v * scale) for v in c.notes["frame"])
        box, size, oval = (x0, y0), (x1 - x0, y1 - y0), False
    else:
        return
    frame = (196, 150, 60) if cover else (150, 100, 70)
    picture = framed_avatar(avatar, size, frame, oval)
    if picture is None:
        return
    tint = c.lit((255, 255, 255))
    if tint != (255, 255, 255) and not cover:  # the portrait is in the same light as the room
        rgb = ImageChops.multiply(picture.convert("RGB"), Image.new("RGB", picture.size, tint))
        rgb.putalpha(picture.getchannel("A"))
        picture = rgb
    d = ImageDraw.Draw(img, "RGBA")
    u = min(img.size) / 100
    if cover:  # the ribbon it hangs from
        d.line((box[0] + size[0] / 2, box[1] - 6 * u, box[0] + size[0] / 2, box[1] + 2 * u), fill=frame + (255,),
               width=max(2, round(0.8 * u)))
    else:  # a nail and a soft shadow on the wall
        d.rectangle((box[0] + 0.6 * u, box[1] + 0.8 * u, box[0] + size[0] + 0.6 * u, box[1] + size[1] + 0.8 * u),
                    fill=(40, 30, 30, 50))
    img.paste(picture, box, picture)


def _stand(img: Image.Image, look, spot, expression: str, arms: str, style: Style) -> None:
    unit = spot.height / 100
    fig, (ax, ay) = draw_figure(
        look,
        int(spot.height),
        expression,
        arms,
        style,
        spot.flip,
        supersample=2 if spot.height < 600 and style.key != "pixel-art" else 1,
    )
    fig = style.treat_figure(fig, unit)
    x, y = int(spot.x - ax), int(spot.y - ay)
    d = ImageDraw.Draw(img, "RGBA")
    rx, ry = 26 * unit, 5 * unit
    floating = look.species in ("fish",)
    for k, a in ((1.0, 40), (0.75, 40)):
        d.ellipse(
            (spot.x - rx * k, spot.y - ry * k, spot.x + rx * k, spot.y + ry * k),
            fill=(30, 30, 50, a if not floating else a // 2),
        )
    shadow = style.figure_shadow(unit)
    if shadow:
        from PIL import ImageFilter

        dx, dy, blur, opacity = shadow
        alpha = fig.getchannel("A").filter(ImageFilter.BoxBlur(blur)).point(lambda v: int(v * opacity))
        img.paste((30, 24, 40), (x + int(dx), y + int(dy)), alpha)
    img.paste(fig, (x, y), fig)


def _portrait(look, size: tuple[int, int], style: Style, rng, scene: Scene) -> Image.Image:
    """A head-and-shoulders picture of one character on a simple, soft background."""
    w, h = size
    col = dict(look.colors)
    back = lighten(mix(col["accent"], (250, 240, 220), 0.5), 0.35)
    img = gradient(size, [(0.0, lighten(back, 0.35)), (1.0, back)])
    d = ImageDraw.Draw(img)
    u = min(w, h) / 100
    for _ in range(18):  # confetti dots
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.6, 1.6) * u
        d.ellipse((x - r, y - r, x + r, y + r), fill=lighten(back, 0.55))
    height = min(w, h) * 1.12
    expression = "grin" if scene.mood in ("neutral", "happy", "exciting") else expression_for(scene)
    fig, (ax, ay) = draw_figure(look, int(height), expression, "down", style, False, supersample=1)
    fig = style.treat_figure(fig, height / 100)
    x = int(w / 2 - ax)
    y = int(h * 0.5 + 66 * height / 100 - ay)
    img.paste(fig, (x, y), fig)
    return img
