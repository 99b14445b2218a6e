"""Small sample pictures of each art style, for choosing one before a book is made.

Painted once per process by the offline painter (a few milliseconds each at this
size), whatever image model makes the books: they show the style, not a page.
"""

from __future__ import annotations

import functools
import io

from . import styles
from .models.base import CharacterLook, ImageRequest
from .painter import paint

PREVIEW_SIZE = (240, 160)
SCENE = "a sunny meadow beside a little house on a spring morning, happy"
CAST = (
    CharacterLook("Mia", "a curious girl with red boots and a yellow raincoat"),
    CharacterLook("Pip", "a tiny grey cat with a white-tipped tail"),
)


@functools.lru_cache(maxsize=len(styles.ART_STYLES))
def style_preview(style: str) -> bytes:
    """A small JPEG of the same little scene painted in `style` (ValueError for an unknown style)."""
    if style not in styles.ART_STYLES:
        raise ValueError(f"unknown art style {style!r}")
    picture = paint(ImageRequest(prompt="", scene=SCENE, characters=CAST, style=style, size=PREVIEW_SIZE,
                                 seed="style-preview", kind="page"))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
