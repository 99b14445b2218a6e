"""The engine: settings, models, the database and the picture store, in one place.

Core functions take an Engine instead of a pile of arguments; the app keeps one
per process (whoever's key a call uses, see `models.keys`) and tests build their
own over a temporary folder.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from .data import Database, open_database
from .config import Settings, load_settings
from .files import Store, open_store
from .models import keys, registry
from .models.base import ImageModel, ModerationModel, SpeechModel, TextModel


class Engine:
    _speech: tuple[SpeechModel | None] | None
    _moderation: ModerationModel | None

    def __init__(self, settings: Settings, text_model: TextModel | None = None,
                 image_model: ImageModel | None = None, speech_model: SpeechModel | None = None,
                 moderation_model: ModerationModel | None = None) -> None:
        self.settings = settings
        if text_model is None or image_model is None:
            text, image = registry.build(self.settings)
            text_model, image_model = text_model or text, image_model or image
        self._models = (text_model, image_model)
        # Built on first use: most runs never narrate, and the openai SDK is slow to import.
        if speech_model is not None:
            self._speech = (speech_model,)  # the setter below started it empty
        if moderation_model is not None:
            self._moderation = moderation_model
        self._keyed_lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        """The settings, as the models in use see them: with a session key on an offline
        process, the OpenAI provider (never the key itself)."""
        if keys.current() is not None and self._settings.is_offline:
            return self._keyed()[0]
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        if not settings.data_dir.is_absolute():
            # Fixed now: every thread re-resolves its connection's path (a deleted database is
            # opened anew), so a relative folder would follow any later change of directory.
            settings = replace(settings, data_dir=settings.data_dir.absolute())
        self._settings = settings
        # Built once: every picture, story file and avatar is read and written through it.
        self.store: Store = open_store(settings)
        self._keyed_models: tuple[Settings, TextModel, ImageModel] | None = None
        self._keyed_speech: tuple[SpeechModel | None] | None = None
        self._speech = None
        self._keyed_moderation: ModerationModel | None = None
        self._moderation = None

    def _keyed(self) -> tuple[Settings, TextModel, ImageModel]:
        """The OpenAI models a session key asks for on an offline process: built once, on first
        use, for every key (each call brings its own)."""
        with self._keyed_lock:
            if self._keyed_models is None:
                settings = replace(self._settings, provider="openai", api_key=None)
                self._keyed_models = (settings, *registry.build(settings))
            return self._keyed_models

    @property
    def text_model(self) -> TextModel:
        if keys.current() is not None and self._settings.is_offline:
            return self._keyed()[1]
        return self._models[0]

    @property
    def image_model(self) -> ImageModel:
        if keys.current() is not None and self._settings.is_offline:
            return self._keyed()[2]
        return self._models[1]

    @property
    def speech_model(self) -> SpeechModel | None:
        """The voice model that narrates books, or None: offline (the browser's own voices read
        aloud) or narration turned off. A session key on an offline process brings OpenAI's."""
        with self._keyed_lock:
            if keys.current() is not None and self._settings.is_offline:
                if self._keyed_speech is None:
                    self._keyed_speech = (registry.build_speech(replace(self._settings, provider="openai",
                                                                        api_key=None)),)
                return self._keyed_speech[0]
            if self._speech is None:
                self._speech = (registry.build_speech(self._settings),)
            return self._speech[0]

    @property
    def moderation_model(self) -> ModerationModel:
        """The safety checker (`storymaker.safety`): the provider's moderation model, or the shipped
        word list (offline, or `STORYMAKER_MODERATION_MODEL=none`). A session key on an offline
        process brings OpenAI's, as for the other models."""
        with self._keyed_lock:
            if keys.current() is not None and self._settings.is_offline:
                if self._keyed_moderation is None:
                    self._keyed_moderation = registry.build_moderation(
                        replace(self._settings, provider="openai", api_key=None))
                return self._keyed_moderation
            if self._moderation is None:
                self._moderation = registry.build_moderation(self._settings)
            return self._moderation

    @classmethod
    def from_environment(cls, **overrides) -> "Engine":
        return cls(load_settings(**overrides))

    def __repr__(self) -> str:  # the settings' repr never shows a key
        return f"Engine({self._settings!r})"

    def db(self) -> Database:
        """The database (the same for every key): repositories take it and open their own units."""
        return open_database(self._settings.database)

    @property
    def database_address(self) -> str:
        """Where the accounts, books and jobs are, for people (no password)."""
        return self.db().address

    @property
    def data_dir(self) -> Path:
        return self._settings.data_dir

    @property
    def books_dir(self) -> Path:
        return self._settings.books_dir

    @property
    def uses_offline_models(self) -> bool:
        return bool(self.text_model.is_offline and self.image_model.is_offline)
