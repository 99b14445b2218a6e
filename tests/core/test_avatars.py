"""Avatar uploads the way phones and editors write them: several pictures in one JPEG, 16-bit PNGs."""

import io
import struct
import zlib

from PIL import Image

from storymaker import avatars, characters

RED, BLUE = (200, 30, 30), (30, 30, 200)


def mpo(size=(320, 240)) -> bytes:
    """A JPEG holding two pictures (MPO), as a phone's camera writes: red first, then blue."""
    buffer = io.BytesIO()
    Image.new("RGB", size, RED).save(buffer, format="MPO", save_all=True, append_images=[Image.new("RGB", size, BLUE)])
    return buffer.getvalue()


GREYS = [0, 1_000, 16_384, 32_768, 49_152, 65_535]  # 16-bit samples, black to white


def png16_grey(**options) -> bytes:
    """A 16-bit greyscale PNG: one row of GREYS, each 10 pixels wide."""
    image = Image.new("I;16", (10 * len(GREYS), 4))
    for x in range(image.width):
        for y in range(image.height):
            image.putpixel((x, y), GREYS[x // 10])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def png48_rgb(colour=(0x8000, 0x4000, 0xC000), size=(8, 8)) -> bytes:
    """A 16-bit-per-channel RGB PNG, written by hand (Pillow writes none)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    row = b"\x00" + struct.pack(">HHH", *colour) * size[0]
    header = struct.pack(">IIBBBBB", size[0], size[1], 16, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * size[1]))
            + chunk(b"IEND", b""))


def test_a_jpeg_with_several_pictures_gives_the_first():
    with Image.open(io.BytesIO(mpo())) as probe:
        assert probe.format == "MPO" and probe.n_frames == 2
    picture = avatars.clean(mpo())
    assert picture.mode == "RGB" and picture.size == (320, 240)
    red, green, blue = picture.getpixel((160, 120))
    assert red > 180 and blue < 60


def test_a_16_bit_grey_png_keeps_its_tones():
    picture = avatars.clean(png16_grey())
    shades = [picture.getpixel((10 * i + 5, 2)) for i in range(len(GREYS))]
    assert all(r == g == b for r, g, b in shades)
    assert [r for r, _, _ in shades] == [round(v / 257) for v in GREYS]  # 0, 4, 64, 128, 191, 255


def test_a_16_bit_grey_png_keeps_its_transparent_grey():
    picture = avatars.clean(png16_grey(transparency=16_384))
    assert picture.mode == "RGBA"
    alphas = [picture.getpixel((10 * i + 5, 2))[3] for i in range(len(GREYS))]
    assert alphas == [255, 255, 0, 255, 255, 255]


def test_a_48_bit_rgb_png_keeps_its_colour():
    assert avatars.clean(png48_rgb()).getpixel((4, 4)) == (0x80, 0x40, 0xC0)


def test_a_phone_photo_is_stored_as_its_first_picture(mock_engine, user):
    saved = characters.save(mock_engine.db(), mock_engine.data_dir, user.id, None, "Pip", picture=mpo())
    with Image.open(mock_engine.data_dir / saved.avatar_path) as stored:
        assert stored.format == "PNG" and getattr(stored, "n_frames", 1) == 1
        assert stored.convert("RGB").getpixel((5, 5))[0] > 180
