"""Avatar pictures: checked, cleaned and stored.

An uploaded file is never stored as it came: it must be a PNG, JPEG or WebP under
the size cap, small enough in pixels to be safe to decode (decompression bombs),
and it is re-encoded as a fresh PNG, which drops EXIF (GPS and all) and anything
hidden after the image data. A file with several pictures in it (an MPO from a
phone's camera, an animated PNG or WebP) gives its first picture; 16-bit greyscale
PNGs are scaled to 8 bits, not clipped.
"""

from __future__ import annotations

import io
import uuid
import warnings
from pathlib import Path

from PIL import Image, ImageMath, ImageOps

from .errors import Invalid
from .files import Store, as_store, layout
from .storage import png_bytes

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # well above any phone photo, far below a bomb
# MPO is JPEG with more pictures after the first (some phones write it for every photo).
FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WebP"}
AVATAR_PX = 512


class AvatarError(Invalid):
    """The picture cannot be used; the message says why in plain words."""


def clean(data: bytes) -> Image.Image:
    """Decode an untrusted upload into a safe, EXIF-free RGB(A) picture at most AVATAR_PX square."""
    if not data:
        raise AvatarError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise AvatarError(f"The picture is too large ({len(data) / 1_048_576:.1f} MB); the limit is 5 MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
        if kind not in FORMATS:
            raise AvatarError(f"Use a PNG, JPEG or WebP picture (this file is {kind or 'not a picture'}).")
        if width * height > MAX_PIXELS:
            raise AvatarError("The picture has too many pixels to open safely.")
        with Image.open(io.BytesIO(data)) as opened:
            opened.seek(0)
            opened.load()
            image = ImageOps.exif_transpose(opened)  # keep the photo upright, then drop EXIF
            image = eight_bit(image)
    except AvatarError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AvatarError("The picture has too many pixels to open safely.") from None
    except Exception:  # Pillow raises many types for broken files; all mean the same to a user
        raise AvatarError("This file is not a picture Storymaker can read (PNG, JPEG or WebP).") from None
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    picture = image.convert(mode)
    picture.thumbnail((AVATAR_PX, AVATAR_PX), Image.Resampling.LANCZOS)
    # A fresh image carries no metadata from the upload.
    fresh = Image.new(mode, picture.size)
    fresh.paste(picture)
    return fresh


def eight_bit(image: Image.Image) -> Image.Image:
    """The picture with 8-bit samples, tones kept.

    Pillow opens a 16-bit greyscale PNG as integer samples up to 65535, and
    converting those to RGB clips every value above 255 to white; scaling first
    keeps the tones. A grey marked transparent in the file becomes an alpha channel.
    """
    if not image.mode.startswith("I"):
        return image
    wide = image.convert("I")
    grey = wide.point(lambda v: v / 257 + 0.5).convert("L")  # 0..65535 -> 0..255, rounded
    transparent = image.info.get("transparency")
    if not isinstance(transparent, int):
        return grey
    alpha = ImageMath.lambda_eval(lambda args: (args["wide"] != transparent) * 255, wide=wide).convert("L")
    grey.putalpha(alpha)
    return grey


def store(files: Store | Path, user_id: int, data: bytes) -> str:
    """Clean and store an avatar in `files` (the store, or the data folder); returns its key."""
    picture = clean(data)
    key = layout.avatar_key(user_id, uuid.uuid4().hex)
    as_store(files).put(key, png_bytes(picture))
    return key


def store_image(files: Store | Path, user_id: int, picture: Image.Image) -> str:
    """Store a picture we made ourselves (a drawn avatar); returns its key."""
    picture = picture.convert("RGB")
    picture.thumbnail((AVATAR_PX, AVATAR_PX), Image.Resampling.LANCZOS)
    key = layout.avatar_key(user_id, uuid.uuid4().hex)
    as_store(files).put(key, png_bytes(picture))
    return key
