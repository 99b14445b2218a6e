"""Which text, image and speech model each provider name builds: name -> factory.

`build(settings)` looks the settings' provider up here. Tests register their fakes
the same way (`registered`), instead of patching the engine or this module's state.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ..config import Settings
from .base import ImageModel, ModerationModel, SpeechModel, TextModel
from .errors import ModelConfigError

TextFactory = Callable[[Settings], TextModel]
ImageFactory = Callable[[Settings], ImageModel]
SpeechFactory = Callable[[Settings], "SpeechModel | None"]
ModerationFactory = Callable[[Settings], ModerationModel]

_text: dict[str, TextFactory] = {}
_image: dict[str, ImageFactory] = {}
_speech: dict[str, SpeechFactory] = {}
_moderation: dict[str, "ModerationFactory"] = {}
_lock = threading.Lock()


def register(provider: str, *, text: TextFactory | None = None, image: ImageFactory | None = None,
             speech: SpeechFactory | None = None, moderation: ModerationFactory | None = None) -> None:
    """Make `provider` build its models with these factories (those not given are kept)."""
    with _lock:
        if text is not None:
            _text[provider] = text
        if image is not None:
            _image[provider] = image
        if speech is not None:
            _speech[provider] = speech
        if moderation is not None:
            _moderation[provider] = moderation


@contextmanager
def registered(provider: str, *, text: TextFactory | None = None, image: ImageFactory | None = None,
               speech: SpeechFactory | None = None, moderation: ModerationFactory | None = None) -> Iterator[None]:
    """`register` for the duration of the block, then the factories from before again."""
    with _lock:
        before = (_text.get(provider), _image.get(provider), _speech.get(provider), _moderation.get(provider))
    register(provider, text=text, image=image, speech=speech, moderation=moderation)
    try:
        yield
    finally:
        with _lock:
            _restore(_text, provider, before[0])
            _restore(_image, provider, before[1])
            _restore(_speech, provider, before[2])
            _restore(_moderation, provider, before[3])


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


def build_speech(settings: Settings) -> SpeechModel | None:
    """The speech model of the settings' provider; None when it has none (offline: the browser
    speaks) or narration is turned off (`STORYMAKER_SPEECH_MODEL=none`)."""
    with _lock:
        factory = _speech.get(settings.provider)
    return factory(settings) if factory is not None and settings.narrates else None


def build_moderation(settings: Settings) -> ModerationModel:
    """The safety checker of the settings' provider: its moderation model, or the shipped word list
    (offline, an unknown provider, or `STORYMAKER_MODERATION_MODEL=none`). Never None: a deployment
    is never unguarded."""
    with _lock:
        factory = _moderation.get(settings.provider)
    if factory is None or not settings.uses_moderation_model:
        return _word_list(settings)
    return factory(settings)


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


def _openai_speech(settings: Settings) -> SpeechModel:
    from .openai_models import OpenAISpeechModel

    return OpenAISpeechModel(settings)


def _word_list(settings: Settings) -> ModerationModel:
    from .offline_moderation import WordListModel

    return WordListModel()


def _openai_moderation(settings: Settings) -> ModerationModel:
    from .openai_models import OpenAIModerationModel

    return OpenAIModerationModel(settings)


register("offline", text=_offline_text, image=_offline_image, moderation=_word_list)
register("openai", text=_openai_text, image=_openai_image, speech=_openai_speech, moderation=_openai_moderation)
