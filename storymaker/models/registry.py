"""Which text and image model each provider name builds: name -> factory.

`build(settings)` looks the settings' provider up here. Tests register their fakes
the same way (`registered`), instead of patching the engine or this module's state.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ..config import Settings
from .base import ImageModel, TextModel
from .errors import ModelConfigError

TextFactory = Callable[[Settings], TextModel]
ImageFactory = Callable[[Settings], ImageModel]

_text: dict[str, TextFactory] = {}
_image: dict[str, ImageFactory] = {}
_lock = threading.Lock()


def register(provider: str, *, text: TextFactory | None = None, image: ImageFactory | None = None) -> None:
    """Make `provider` build its models with these factories (those not given are kept)."""
    with _lock:
        if text is not None:
            _text[provider] = text
        if image is not None:
            _image[provider] = image


@contextmanager
def registered(provider: str, *, text: TextFactory | None = None, image: ImageFactory | None = None) -> Iterator[None]:
    """`register` for the duration of the block, then the factories from before again."""
    with _lock:
        before = (_text.get(provider), _image.get(provider))
    register(provider, text=text, image=image)
    try:
        yield
    finally:
        with _lock:
            _restore(_text, provider, before[0])
            _restore(_image, provider, before[1])


def _restore(table: dict[str, Any], provider: str, factory: Any) -> None:
    if factory is None:
        table.pop(provider, None)
    else:
        table[provider] = factory


def build(settings: Settings) -> tuple[TextModel, ImageModel]:
    """The text and image models the settings' provider stands for."""
    with _lock:
        text, image = _text.get(settings.provider), _image.get(settings.provider)
    if text is None or image is None:
        raise ModelConfigError(f"No models are registered for the provider {settings.provider!r}.")
    return text(settings), image(settings)


# The built-in providers; their modules are imported on first use (the openai SDK is slow to import).


def _offline_text(settings: Settings) -> TextModel:
    from .offline_text import OfflineTextModel

    return OfflineTextModel()


def _offline_image(settings: Settings) -> ImageModel:
    from .offline_image import OfflineImageModel

    return OfflineImageModel()


def _openai_text(settings: Settings) -> TextModel:
    from .openai_models import OpenAITextModel

    return OpenAITextModel(settings)


def _openai_image(settings: Settings) -> ImageModel:
    from .openai_models import OpenAIImageModel

    return OpenAIImageModel(settings)


register("offline", text=_offline_text, image=_offline_image)
register("openai", text=_openai_text, image=_openai_image)
