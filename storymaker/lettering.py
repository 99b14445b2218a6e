"""Setting a title on a cover in a readable typeface.

The title is set by us, not drawn by the image model: image models still misspell
words, and the offline painter draws no text at all.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

# Bold sans faces found on common systems; Pillow's bundled face is the fallback,
# so a cover always gets real lettering even where no font is installed.
_FONT_CANDIDATES = (
    "DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)


@lru_cache(maxsize=32)
def title_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in _FONT_CANDIDATES:
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, title: str, width: int, size: int) -> list[str]:
    font = title_font(size)
    for chars in range(max(8, len(title)), 5, -1):
        lines = textwrap.wrap(title, chars, break_long_words=True) or [title]
        if all(draw.textlength(line, font=font) <= width for line in lines):
            return lines
    return textwrap.wrap(title, 6, break_long_words=True)


def set_title(image: Image.Image, title: str) -> Image.Image:
    """Return a copy of `image` with `title` set in the top third on a soft banner."""
    cover = image.convert("RGB").copy()
    w, h = cover.size
    draw = ImageDraw.Draw(cover)
    max_width = int(w * 0.84)
    size = max(24, int(h * 0.085))
    # Shrink the type until the title fits in at most three lines in the top third.
    while True:
        lines = _wrap(draw, title, max_width, size)
        line_h = int(size * 1.18)
        if (len(lines) <= 3 and line_h * len(lines) <= h * 0.3) or size <= 20:
            break
        size = int(size * 0.9)
    font = title_font(size)
    block_h = line_h * len(lines)
    top = int(h * 0.05)

    # A soft, light banner behind the words keeps them readable on any picture.
    banner = Image.new("L", (w, h), 0)
    ImageDraw.Draw(banner).rounded_rectangle(
        (int(w * 0.05), top - size // 3, int(w * 0.95), top + block_h + size // 3), radius=size // 2, fill=200
    )
    banner = banner.filter(ImageFilter.GaussianBlur(size // 4))
    cover.paste(Image.new("RGB", (w, h), (255, 250, 236)), (0, 0), banner)

    draw = ImageDraw.Draw(cover)
    for i, line in enumerate(lines):
        x = (w - draw.textlength(line, font=font)) / 2
        y = top + i * line_h
        draw.text((x, y), line, font=font, fill=(52, 38, 84), stroke_width=max(1, size // 18), stroke_fill=(255, 255, 255))
    return cover
