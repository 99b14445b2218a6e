"""The model seam: a text model, an image model and a speech model, each with one method.

Requests carry both the rendered prompt (what a remote model reads) and the
structured facts it was rendered from (what the offline models work from), so
the offline models stay deterministic without parsing our own prompts back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

from PIL import Image

from ..scenes import Scene


@dataclass(frozen=True)
class CharacterLook:
    name: str
    look: str = ""
    personality: str = ""
    avatar: bytes | None = field(default=None, repr=False)  # PNG bytes of a reference picture
    pronoun: str = ""  # "he", "she", "they", "name" (the name is repeated), or "" to read it from the look


@dataclass(frozen=True)
class StoryBrief:
    title: str
    characters: tuple[CharacterLook, ...]
    premise: str = ""
    age_band: str = "6-8"
    style: str = "watercolor"
    language: str = "English"
    scene_count: int = 10
    earlier: tuple[str, ...] = ()  # the titles of the earlier books of its series, oldest first


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class PageTask:
    """One page instead of a whole book: "rewrite" page `number` (following `instruction`), or a "new"
    page to go after page `number` (0: before the first). `pages` are the book's pages as they are now;
    another `attempt` asks for other words."""

    kind: Literal["rewrite", "new"]
    number: int
    pages: tuple[Scene, ...]
    instruction: str = ""
    attempt: int = 0


@dataclass(frozen=True)
class TextRequest:
    messages: tuple[Message, ...]
    schema: dict[str, Any] | None = None  # JSON schema for structured output, when wanted
    schema_name: str = "answer"
    brief: StoryBrief | None = None
    task: PageTask | None = None  # set when one page is asked for; the answer is then one page's JSON


@dataclass(frozen=True)
class TextResult:
    text: str
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class ImageRequest:
    prompt: str  # the full rendered illustration prompt
    scene: str  # what the picture shows: setting, action, time of day, weather, mood
    characters: tuple[CharacterLook, ...]  # who is in the picture
    style: str
    size: tuple[int, int]
    seed: str  # stable identity (book and page) so the same request gives the same picture
    kind: Literal["page", "cover", "avatar"] = "page"


@dataclass(frozen=True)
class ImageResult:
    image: Image.Image
    images: int = 1  # billed pictures
    png: bytes | None = field(default=None, repr=False)  # the picture as received, when it is an RGB PNG


class TextModel(ABC):
    """Writes text. What it can do is declared in plain class attributes, read directly by callers."""

    model_id: str = "text"
    is_offline: bool = False  # runs in this process: no key, no network, no cost
    supports_schema: bool = False  # follows a JSON schema for structured output
    # The languages it writes books in, in the order shown to people; None: any language.
    languages: tuple[str, ...] | None = None

    def writes(self, language: str) -> bool:
        """True when a book in `language` comes out in that language."""
        if self.languages is None:
            return True
        return (language or "").strip().casefold() in {name.casefold() for name in self.languages}

    @abstractmethod
    def complete(self, request: TextRequest) -> TextResult:
        """Answer the request; raise a `ModelError` subclass on failure."""


class ImageModel(ABC):
    """Paints pictures. What it can do is declared in plain class attributes, read directly by callers."""

    model_id: str = "image"
    is_offline: bool = False  # runs in this process: no key, no network, no cost
    # Draws from the characters' avatars (`CharacterLook.avatar`) so they look the same on every page.
    supports_reference_images: bool = False

    @abstractmethod
    def draw(self, request: ImageRequest) -> ImageResult:
        """Paint the picture; raise a `ModelError` subclass on failure."""


@dataclass(frozen=True)
class SpeechRequest:
    text: str  # the words to say, plain text
    voice: str  # one of the model's `voices`, or a voice id the service knows
    language: str = "English"  # the book's language, for the reading instructions


@dataclass(frozen=True)
class SpeechResult:
    audio: bytes = field(repr=False)
    mime: str  # "audio/mpeg" for MP3
    characters: int  # billed characters (what the service's price is counted in)


class SpeechModel(ABC):
    """Says words aloud as audio. Only a remote model: offline, the reader's browser speaks the
    words itself (the Web Speech API), so no voice model is built for the offline provider."""

    model_id: str = "speech"
    voices: tuple[str, ...] = ()  # the voices people can choose, in the order shown

    @abstractmethod
    def speak(self, request: SpeechRequest) -> SpeechResult:
        """The audio of `request.text`; raise a `ModelError` subclass on failure."""


@dataclass(frozen=True)
class ModerationItem:
    """One thing to check: words, or a picture (PNG or JPEG bytes)."""

    text: str = ""
    image: bytes | None = field(default=None, repr=False)
    language: str = "English"  # the book's language: the word list reads that language's words too


@dataclass(frozen=True)
class ModerationResult:
    """What a moderation model found in one item. Categories use OpenAI's names ("violence/graphic");
    the word list adds "profanity" and "peril". Which of them refuse the item is the safety policy's
    choice (`storymaker.safety.policy`), not the model's."""

    scores: dict[str, float]  # category -> 0..1 (the word list: 1.0 for what it matched)
    flagged: tuple[str, ...] = ()  # the categories the model itself flagged
    matched: tuple[str, ...] = ()  # the word list: the words or phrases it found


class ModerationModel(ABC):
    """Checks words (and, when `checks_images`, pictures) for what a children's book must not hold."""

    model_id: str = "moderation"
    is_offline: bool = False  # runs in this process: no key, no network, no cost
    checks_images: bool = False

    @abstractmethod
    def moderate(self, items: Sequence[ModerationItem]) -> list[ModerationResult]:
        """One result per item, in order, from as few calls as the model allows (text items in one);
        raise a `ModelError` subclass when the check cannot be made."""
