import io

import pytest
from PIL import Image

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
