"""Characters: cute, rounded figures built from a body type and the colours of
their look, with a face that shows the page's mood.

A figure is drawn on its own transparent sheet in units of 1% of its height
(origin between the feet). Body parts are shared across species where the
shape is the same; what differs (ears, snout, tail, extras) is a table entry.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from .animals import animal, fish, robot
from .looks import Look
from .parts import SIDE, TOP, face, headwear, umbrella
from .pen import Pen
from .people import human

# page mood (and a few action words) -> face
EXPRESSIONS: dict[str, str] = {
    "happy": "grin",
    "exciting": "grin",
    "sad": "sad",
    "scary": "worried",
    "calm": "gentle",
    "neutral": "smile",
}


def expression_for(scene) -> str:
    if scene.has("sleep", "asleep", "sleeping", "dream", "dreaming", "snooze", "nap"):
        return "asleep"
    if scene.has("brave", "bravely", "determined") and scene.mood not in ("sad",):
        return "brave"
    return EXPRESSIONS.get(scene.mood, "smile")


def draw_figure(
    look: Look, height: int, expression: str, arms: str, style, flip: bool = False, supersample: int = 2
) -> tuple[Image.Image, tuple[int, int]]:
    """The figure on a transparent sheet, and where its feet are on that sheet."""
    k = height / 100 * supersample
    size = (int(2 * SIDE * k), int((TOP + 4) * k))
    sheet = Image.new("RGBA", size, (0, 0, 0, 0))
    pen = Pen(ImageDraw.Draw(sheet), k, SIDE * k, TOP * k, style.ink, style.line, style.clay)
    col = dict(look.colors)
    f = look.features
    if "umbrella" in f:
        arms = "reach"
    # An avatar only colours the figure (see `looks`); its picture hangs in the scene instead.
    if look.species == "fish":
        fish(pen, col, f)
    elif look.species == "robot":
        robot(pen, col, arms)
    elif look.human:
        human(pen, look, col, arms)
    else:
        animal(pen, look, col, arms)
    face(pen, look, col, expression, -62 if look.species == "fish" else -66)
    headwear(pen, look, col)
    if "umbrella" in f:
        umbrella(pen, col["umbrella"])
    feet = (sheet.width // 2, int(TOP * k))
    box = sheet.getbbox()
    if box:  # trim the empty margin before shrinking: most of the sheet is air
        s = supersample
        box = (
            box[0] // s * s,
            box[1] // s * s,
            min(sheet.width, -(-box[2] // s) * s),
            min(sheet.height, -(-box[3] // s) * s),
        )
        sheet = sheet.crop(box)
        feet = (feet[0] - box[0], feet[1] - box[1])
    if supersample > 1:
        sheet = sheet.reduce(supersample)
        feet = (feet[0] // supersample, feet[1] // supersample)
    if flip:
        sheet = sheet.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        feet = (sheet.width - feet[0], feet[1])
    return sheet, feet
