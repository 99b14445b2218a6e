"""The art styles and age bands a book can have.

Each style has a label for people, a description that goes into the illustration
prompt for image services, and is understood by the offline painter by its key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArtStyle:
    key: str
    label: str
    prompt: str  # how an image service is asked to paint in this style


ART_STYLES: dict[str, ArtStyle] = {
    s.key: s
    for s in (
        ArtStyle("watercolor", "Watercolour", "soft watercolour painting, gentle washes, visible paper texture, airy light"),
        ArtStyle("crayon", "Crayon", "wax crayon drawing on paper, bold childlike strokes, bright colours"),
        ArtStyle("storybook-ink", "Storybook ink", "classic storybook pen-and-ink line art with flat watercolour fills"),
        ArtStyle("paper-cutout", "Paper cut-out", "layered coloured paper cut-out collage with soft drop shadows"),
        ArtStyle("pixel-art", "Pixel art", "cheerful retro pixel art with a limited palette and crisp square pixels"),
        ArtStyle("claymation", "Claymation", "soft modelling-clay figures and sets, rounded shapes, warm studio light"),
    )
}
DEFAULT_STYLE = "watercolor"

AGE_BANDS: dict[str, str] = {
    "3-5": "ages 3 to 5: very short sentences, simple words, repetition and sounds to join in with",
    "6-8": "ages 6 to 8: short paragraphs, simple dialogue, a little suspense",
    "9-12": "ages 9 to 12: richer vocabulary, dialogue, feelings and a real challenge",
}
DEFAULT_AGE_BAND = "6-8"

# Words on a page, by age band: (min, max). Used by the prompt and the offline writer.
WORDS_PER_PAGE: dict[str, tuple[int, int]] = {"3-5": (8, 35), "6-8": (25, 70), "9-12": (45, 120)}

MIN_SCENES, MAX_SCENES, DEFAULT_SCENES = 4, 16, 10
