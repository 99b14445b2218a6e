"""The engine: settings, models and this thread's database connection, in one place.

Core functions take an Engine instead of a pile of arguments; the app keeps one
per process and tests build their own over a temporary folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlite_utils

from . import db as database
from . import models as model_factory
from .config import Settings, load_settings
from .models.base import ImageModel, TextModel


@dataclass
class Engine:
    settings: Settings
    text_model: TextModel = field(default=None)  # type: ignore[assignment]
    image_model: ImageModel = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if not self.settings.data_dir.is_absolute():
            # Fixed now: every thread re-resolves its connection's path (a deleted database is
            # opened anew), so a relative folder would follow any later change of directory.
            self.settings = replace(self.settings, data_dir=self.settings.data_dir.absolute())
        if self.text_model is None or self.image_model is None:
            text, image = model_factory.build(self.settings)
            self.text_model = self.text_model or text
            self.image_model = self.image_model or image

    @classmethod
    def from_environment(cls, **overrides) -> "Engine":
        return cls(load_settings(**overrides))

    def with_api_key(self, api_key: str) -> "Engine":
        """The same settings with OpenAI-compatible models called with `api_key` (a key entered
        for one session in the app; it lives only in this object, never on disk)."""
        if not (api_key or "").strip():
            raise ValueError("an API key is needed")
        return Engine(replace(self.settings, provider="openai", api_key=api_key.strip()))

    def db(self) -> sqlite_utils.Database:
        """This thread's connection (SQLite connections are not shared across threads)."""
        return database.connect(self.settings.db_path)

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def books_dir(self) -> Path:
        return self.settings.books_dir

    @property
    def uses_offline_models(self) -> bool:
        return bool(self.text_model.is_offline and self.image_model.is_offline)
