"""Test pictures: good ones, and the bad files an avatar upload must refuse."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image


def png(size: tuple[int, int] = (300, 200), color=(200, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (320, 240)) -> bytes:
    """A JPEG whose EXIF holds a GPS position (and a camera make)."""
    image = Image.new("RGB", size, (40, 150, 90))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def decompression_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny PNG file that claims billions of pixels: one compressed row of zeros, repeated."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * ((width + 7) // 8 + 1) * 64, 9)  # a little data; the header lies about the rest
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def not_a_picture() -> bytes:
    return b"#!/bin/sh\necho this is a script renamed to cat.png\n" * 20


def oversized() -> bytes:
    """Just over the 5 MB cap (the start of a real PNG, then padding)."""
    return png() + b"\x00" * (5 * 1024 * 1024)
