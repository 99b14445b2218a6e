"""Book folders on disk: layout, atomic writes, thumbnails.

Every file is written to a temporary name in the same folder and renamed into
place, so a reader (or a crash) never sees half a picture and rerunning a step
overwrites instead of duplicating.
"""

from __future__ import annotations

import io
import os
import shutil
import uuid
from pathlib import Path

from PIL import Image

THUMB_PX = 256
THUMBS_DIR = "thumbs"
TEMP_MARK = ".tmp-"


def book_dir(books_dir: Path, book_id: int) -> Path:
    return Path(books_dir) / f"book_{int(book_id)}"


def scene_name(scene: int) -> str:
    return f"scene_{int(scene):02d}"


def page_path(folder: Path, scene: int) -> Path:
    return folder / f"{scene_name(scene)}.png"


def thumb_path(folder: Path, stem: str) -> Path:
    return folder / THUMBS_DIR / f"{stem}.webp"


def cover_path(folder: Path) -> Path:
    return folder / "cover.png"


def story_path(folder: Path) -> Path:
    return folder / "story.csv"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.name}{TEMP_MARK}{uuid.uuid4().hex[:8]}")
    try:
        with open(temp, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


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


def write_picture(folder: Path, stem: str, encoded: tuple[bytes, bytes]) -> Path:
    """Write encoded `<stem>.png` and `thumbs/<stem>.webp` atomically; returns the PNG path."""
    png, thumb = encoded
    target = folder / f"{stem}.png"
    atomic_write_bytes(thumb_path(folder, stem), thumb)
    atomic_write_bytes(target, png)
    return target


def pictures_on_disk(folder: Path) -> set[str]:
    """The stems (`cover`, `scene_01`, ...) whose picture and thumbnail are both in `folder`.

    Two directory listings, however many pages: cheap enough for every card of a shelf.
    A picture counts only with its thumbnail, since the grid and the shelf show that.
    """
    def names(sub: Path, suffix: str) -> set[str]:
        try:
            return {name[: -len(suffix)] for name in os.listdir(sub) if name.endswith(suffix)}
        except OSError:  # the folder itself is gone
            return set()

    return names(folder, ".png") & names(folder / THUMBS_DIR, ".webp")


def remove_stray_temps(folder: Path) -> int:
    """Delete temp files left by a crash mid-write; returns how many."""
    removed = 0
    if folder.is_dir():
        for path in folder.rglob(f"*{TEMP_MARK}*"):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def delete_book_dir(books_dir: Path, book_id: int) -> None:
    shutil.rmtree(book_dir(books_dir, book_id), ignore_errors=True)
