"""The model seam and its two implementations: offline (default) and OpenAI-compatible."""

from __future__ import annotations

from ..config import Settings
from . import registry
from .base import ImageModel, TextModel


def build(settings: Settings) -> tuple[TextModel, ImageModel]:
    """The text and image models the settings ask for (see `registry`)."""
    return registry.build(settings)
