"""The model seam and its two implementations: offline (default) and OpenAI-compatible."""

from __future__ import annotations

from ..config import Settings
from .base import ImageModel, TextModel


def build(settings: Settings) -> tuple[TextModel, ImageModel]:
    """The text and image models the settings ask for."""
    if settings.is_offline:
        from .offline_image import OfflineImageModel
        from .offline_text import OfflineTextModel

        return OfflineTextModel(), OfflineImageModel()
    from .openai_models import OpenAIImageModel, OpenAITextModel

    return OpenAITextModel(settings), OpenAIImageModel(settings)
