import io
import itertools

import pytest
from PIL import Image, ImageChops, ImageStat

from storymaker import previews, styles


def test_every_style_has_a_small_preview_painted_once():
    pictures = {style: previews.style_preview(style) for style in styles.ART_STYLES}
    for data in pictures.values():
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.size == previews.PREVIEW_SIZE
        assert len(data) < 30_000
    assert len(set(pictures.values())) == len(styles.ART_STYLES)  # each style looks different
    assert previews.style_preview("crayon") is pictures["crayon"]  # cached


def test_an_unknown_style_has_no_preview():
    with pytest.raises(ValueError):
        previews.style_preview("oil-on-velvet")


def test_the_six_samples_are_told_apart_at_thumbnail_size():
    # The form shows them about 110 px wide: every pair must differ clearly there (the painter's
    # own effects alone left two of them 18 levels apart on average, too close to tell).
    thumbs = {style: Image.open(io.BytesIO(previews.style_preview(style))).convert("RGB").resize((110, 73), Image.BOX)
              for style in styles.ART_STYLES}
    for a, b in itertools.combinations(thumbs, 2):
        difference = sum(ImageStat.Stat(ImageChops.difference(thumbs[a], thumbs[b])).mean) / 3
        assert difference > 25, f"{a} and {b} look alike at thumbnail size ({difference:.1f})"
