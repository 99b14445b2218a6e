"""Pictures encoded for the store, and written there as a page with its thumbnail.

Where a file goes is `files.layout`'s business and how it is written (atomically)
the store's (`files`). The path helpers imported below name the local folder's layout
for tests and tools that look at the folder itself; the app never uses them.
"""

from __future__ import annotations

import io
from PIL import Image

from .files import Store, layout
from .files.local import TEMP_MARK
# The local folder's layout as paths, for tests and tools that look at the folder itself.
from .files.local import book_dir, cover_path, page_path, story_path, thumb_path  # noqa: F401

THUMB_PX = 256
scene_name = layout.scene_name

__all__ = ["TEMP_MARK", "THUMB_PX", "encode_picture", "png_bytes", "thumbnail_bytes", "write_picture",
           "pictures_in_store", "scene_name"]


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Level 1: pages are written on the critical path; size matters less than speed.
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def thumbnail_bytes(image: Image.Image, px: int = THUMB_PX) -> bytes:
    thumb = image.convert("RGB")
    # A cheap box reduction first (to about twice the target), then a good filter.
    factor = max(1, min(thumb.size) // (px * 2))
    if factor > 1:
        thumb = thumb.reduce(factor)
    thumb.thumbnail((px, px), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # method=2: a third of method 4's time for a file within a few per cent of its size.
    thumb.save(buffer, format="WEBP", quality=78, method=2)
    return buffer.getvalue()


def encode_picture(image: Image.Image, png: bytes | None = None) -> tuple[bytes, bytes]:
    """(PNG, thumbnail WebP) bytes: the CPU-heavy half of saving, to do outside any lock.
    `png`: the same picture already encoded as PNG (as the model sent it), to store as is."""
    return png or png_bytes(image), thumbnail_bytes(image)


def write_picture(store: Store, book_id: int, stem: str, encoded: tuple[bytes, bytes]) -> str:
    """Put an encoded `<stem>.png` and its thumbnail (thumbnail first: a picture counts only
    with it); returns the picture's key."""
    png, thumb = encoded
    store.put(layout.thumb_key(book_id, stem), thumb)
    key = layout.picture_key(book_id, stem)
    store.put(key, png)
    return key


def pictures_in_store(store: Store, book_id: int) -> set[str]:
    """The stems (`cover`, `scene_01`, ...) whose picture and thumbnail are both stored.

    One listing of the book's folder, however many pages: cheap enough for every card of a shelf.
    """
    return layout.picture_stems(store.list(layout.book_prefix(book_id)), book_id)
