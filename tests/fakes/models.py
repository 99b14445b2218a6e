"""Fakes at the project's own model seam: queued replies, every request recorded; `OfflineText` and
`OfflineImage` are the same fakes flagged offline (what the AppTests register for the default provider)."""

from __future__ import annotations

import json
import threading
from collections import deque
from typing import Callable

from PIL import Image

from storymaker.models.base import (ImageModel, ImageRequest, ImageResult, SpeechModel, SpeechRequest, SpeechResult,
                                   TextModel, TextRequest, TextResult)

from tests.fakes.audio import silent_mp3


def story_json(names: list[str], count: int, **overrides) -> str:
    scenes = [
        {
            "scene": n,
            "title": f"Page {n}",
            "text": f"Something lovely happens on page {n}.",
            "illustration": f"a sunny meadow in the morning, page {n}",
            "characters": names[: 1 + n % max(1, len(names))],
        }
        for n in range(1, count + 1)
    ]
    for scene in scenes:
        scene.update(overrides)
    return json.dumps({"scenes": scenes})


def page_json(request: TextRequest) -> str:
    """One page for a `PageTask`: a rewrite adds a sentence to the page's words, a new page stars the first character."""
    task = request.task
    assert task is not None and request.brief is not None
    if task.kind == "rewrite":
        old = next(p for p in task.pages if p.scene == task.number)
        return json.dumps({"title": f"{old.title} Anew", "text": f"{old.text} Everyone smiled ({task.attempt + 1})."})
    hero = request.brief.characters[0].name
    return json.dumps({"title": "One More Try", "text": f"{hero} had one more idea ({task.attempt + 1}).",
                       "illustration": f"a sunny garden, {hero} trying a new idea", "characters": [hero]})


class MockTextModel(TextModel):
    model_id = "mock-text"
    is_offline = False
    supports_schema = True
    languages = None

    def __init__(self, *replies: str | Exception):
        self.replies = deque(replies)
        self.requests: list[TextRequest] = []

    def complete(self, request: TextRequest) -> TextResult:
        self.requests.append(request)
        if self.replies:
            reply = self.replies.popleft()
        elif request.task is not None:  # one page asked for: one page
            reply = page_json(request)
        else:  # default: a valid story for the brief
            brief = request.brief
            reply = story_json([c.name for c in brief.characters], brief.scene_count)
        if isinstance(reply, Exception):
            raise reply
        return TextResult(reply, input_tokens=100, output_tokens=200)


class MockImageModel(ImageModel):
    """Paints a flat picture whose colour encodes a counter; can fail or block on cue."""

    model_id = "mock-image"
    is_offline = False
    supports_reference_images = False

    def __init__(self, size: tuple[int, int] = (64, 64)):
        self.size = size
        self.requests: list[ImageRequest] = []
        self.fail: dict[str, list[Exception]] = {}  # seed suffix -> errors to raise, in order
        self.gate: Callable[[ImageRequest], None] | None = None
        self._lock = threading.Lock()

    def draw(self, request: ImageRequest) -> ImageResult:
        with self._lock:
            self.requests.append(request)
            count = len(self.requests)
            key = request.seed.rsplit(":", 1)[-1]
            errors = self.fail.get(key)
            error = errors.pop(0) if errors else None
        if self.gate:
            self.gate(request)
        if error:
            raise error
        return ImageResult(Image.new("RGB", self.size, (count * 37 % 256, count * 91 % 256, 120)))


# Flagged offline, like the built-in models: the app treats them as the default provider's.
class OfflineText(MockTextModel):
    model_id = "mock-offline-text"
    is_offline = True


class OfflineImage(MockImageModel):
    model_id = "mock-offline-image"
    is_offline = True


class MockSpeechModel(SpeechModel):
    """Says anything as silent MP3 about as long as a voice would take; records what it was asked."""

    model_id = "mock-speech"
    voices = ("coral", "sage", "nova")

    def __init__(self) -> None:
        self.requests: list[SpeechRequest] = []
        self._lock = threading.Lock()

    def speak(self, request: SpeechRequest) -> SpeechResult:
        with self._lock:
            self.requests.append(request)
        return SpeechResult(silent_mp3(max(0.5, len(request.text) / 15)), "audio/mpeg", len(request.text))
