"""The built-in image model: paints pages in-process with Pillow, no network.

It is deterministic (the same request gives the same pixels), quick enough to
illustrate a whole book in about a second, and follows the page's scene text
and characters; see `storymaker.painter` for how.
"""

from __future__ import annotations

from ..painter import paint
from .base import ImageModel, ImageRequest, ImageResult
from .errors import ModelConfigError

MAX_SIDE = 4096


class OfflineImageModel(ImageModel):
    model_id = "offline-painter"
    is_offline = True
    supports_reference_images = False  # it paints characters from their descriptions

    def draw(self, request: ImageRequest) -> ImageResult:
        w, h = request.size
        if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
            raise ModelConfigError(
                f"The offline painter draws pictures from 16 to {MAX_SIDE} pixels a side, not {w}x{h}."
            )
        return ImageResult(image=paint(request))
