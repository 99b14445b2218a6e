"""Page and cover generation: prompt -> picture -> PNG + thumbnail."""

from __future__ import annotations

import hashlib
import json
from typing import Callable

from PIL import Image

from . import books, lettering, prompts, safety, storage, styles, usage
from .books import Book
from .engine import Engine
from .files import layout
from .models.base import CharacterLook, ImageRequest, ImageResult
from .scenes import Scene

Checkpoint = Callable[[], None]


def image_size(engine: Engine) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in engine.settings.image_size.lower().split("x"))
    except ValueError:
        w, h = 1024, 1024
    if engine.image_model.is_offline:
        # The offline painter's pages are at least 1024 px on the short side.
        scale = max(1.0, 1024 / min(w, h))
        w, h = int(w * scale), int(h * scale)
    return w, h


def _looks(book: Book, names: tuple[str, ...]) -> tuple[CharacterLook, ...]:
    wanted = {n.casefold() for n in names}
    return tuple(c for c in book.cast if c.name.casefold() in wanted)


def page_prompt(book: Book, scene: Scene, note: str | None = None) -> str:
    """The page's illustration prompt; `note` (Regenerate's, already cleaned) is for this take only."""
    on_page = _looks(book, scene.characters)
    return prompts.render(
        "generate_chapter.md",
        scene=scene,
        note=note or "",
        book_title=book.title,
        age_band=book.age_band,
        style_prompt=styles.ART_STYLES[book.style].prompt,
        characters=[{"name": c.name, "look": c.look} for c in on_page],
    )


def cover_prompt(book: Book) -> str:
    return prompts.render(
        "generate_cover.md",
        book_title=book.title,
        age_band=book.age_band,
        premise=book.premise,
        style_prompt=styles.ART_STYLES[book.style].prompt,
        characters=[{"name": c.name, "look": c.look} for c in book.cast],
    )


def _draw(engine: Engine, book: Book, request: ImageRequest, subject: str) -> ImageResult:
    """Draw, count the picture, and check it for safety before anyone sees it (`safety.PictureRefused`)."""
    result = engine.image_model.draw(request)
    usage.record(engine.db(), book.id, "image", engine.image_model.model_id, images=result.images)
    safety.check_picture(engine, book, book.user_id, result.image, subject)
    return result


def page_seed(book: Book, scene: Scene, take: int = 0) -> str:
    """The page's picture's identity: the same seed paints the same picture (kept with each take)."""
    take_mark = f"take{take}:" if take else ""
    return f"{book.id}:{book.title}:{take_mark}{scene.scene}"


def page_request(engine: Engine, book: Book, scene: Scene, take: int = 0, note: str | None = None) -> ImageRequest:
    """What the image model is asked for one page's picture (an export redraws from it)."""
    return ImageRequest(
        prompt=page_prompt(book, scene, note),
        # The note first: the offline painter reads the scene text, and the earliest time of day it
        # finds wins, so "at night" turns a sunny page's sky dark.
        scene=f"{note}. {scene.illustration}" if note else scene.illustration,
        characters=_looks(book, scene.characters),
        style=book.style,
        size=image_size(engine),
        seed=page_seed(book, scene, take),
    )


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def page_fit(book: Book, scene: Scene) -> str:
    """What a page's picture is drawn from but for its style, note and seed (`page_request`): a take
    fits its page while this is unchanged. Not the page's number: a page moved elsewhere keeps its takes."""
    return _fingerprint("page", book.title, book.age_band, scene.illustration,
                        [(c.name, c.look) for c in _looks(book, scene.characters)])


def cover_fit(book: Book) -> str:
    """What the cover is drawn from but for its style (`cover_request`)."""
    return _fingerprint("cover", book.title, book.age_band, book.premise, [(c.name, c.look) for c in book.cast])


def render_page(
    engine: Engine, book: Book, scene: Scene, checkpoint: Checkpoint = lambda: None, take: int = 0,
    note: str | None = None,
) -> ImageResult:
    """Draw one page's picture; model errors propagate to the caller.

    `take` counts earlier drawings of this page: a redraw is a new take, so the
    deterministic offline painter gives a new picture for an unchanged row too.
    """
    request = page_request(engine, book, scene, take, note)
    checkpoint()
    return _draw(engine, book, request, f"the picture of page {scene.scene}")


def cover_request(engine: Engine, book: Book) -> ImageRequest:
    """What the image model is asked for the cover art (before the title is set on it)."""
    return ImageRequest(
        prompt=cover_prompt(book),
        scene=f"{book.title}. {book.premise}".strip(),
        characters=book.cast,
        style=book.style,
        size=image_size(engine),
        seed=f"{book.id}:{book.title}:cover",
        kind="cover",
    )


def render_cover(engine: Engine, book: Book, checkpoint: Checkpoint = lambda: None) -> Image.Image:
    """Draw the cover art and set its title block (title and author line) on it in the book's style."""
    request = cover_request(engine, book)
    checkpoint()
    art = _draw(engine, book, request, "the cover picture").image
    return lettering.set_title(art, book.title, books.author_line(engine.db(), book), book.style)


def store_page(engine: Engine, book_id: int, scene: int, encoded: tuple[bytes, bytes]) -> None:
    """Write a page encoded with `storage.encode_picture` (encode before taking the write lock)."""
    storage.write_picture(engine.store, book_id, storage.scene_name(scene), encoded)


def store_cover(engine: Engine, book_id: int, encoded: tuple[bytes, bytes]) -> None:
    storage.write_picture(engine.store, book_id, layout.COVER, encoded)


def draw_avatar(engine: Engine, name: str, look: str, personality: str, style: str = styles.DEFAULT_STYLE) -> Image.Image:
    """Paint a portrait for a character with the current image model."""
    request = ImageRequest(
        prompt=prompts.render("generate_avatar.md", name=name, look=look, personality=personality,
                              style_prompt=styles.ART_STYLES[style].prompt),
        scene=f"a portrait of {name}, {look}",
        characters=(CharacterLook(name, look, personality),),
        style=style,
        size=(1024, 1024),
        seed=f"avatar:{name}:{look}",
        kind="avatar",
    )
    return engine.image_model.draw(request).image
