"""Which key each file has. The keys are the data folder's layout, unchanged:

    storymaker/book_<id>/cover.png, scene_NN.png, story.csv
    storymaker/book_<id>/thumbs/cover.webp, scene_NN.webp
    storymaker/book_<id>/narration/<fingerprint>.mp3
    storymaker/book_<id>/takes/<take id>.png, <take id>.webp   (every picture drawn, by take)
    avatars/user_<id>/<random>.png

Keys are built here from stored ids only, never from anything a person typed.
"""

from __future__ import annotations

BOOKS = "storymaker"
THUMBS = "thumbs"
TAKES = "takes"
AVATARS = "avatars"
COVER = "cover"


def book_prefix(book_id: int) -> str:
    """The "folder" holding everything of one book (ends in "/")."""
    return f"{BOOKS}/book_{int(book_id)}/"


def scene_name(scene: int) -> str:
    return f"scene_{int(scene):02d}"


def picture_key(book_id: int, stem: str) -> str:
    """A full-size picture: `stem` is "cover" or a `scene_name`."""
    return f"{book_prefix(book_id)}{stem}.png"


def thumb_key(book_id: int, stem: str) -> str:
    return f"{book_prefix(book_id)}{THUMBS}/{stem}.webp"


def page_key(book_id: int, scene: int) -> str:
    return picture_key(book_id, scene_name(scene))


def cover_key(book_id: int) -> str:
    return picture_key(book_id, COVER)


def narration_key(book_id: int, fingerprint: str, extension: str) -> str:
    """A page's narration audio, named by what it was made from (`narration.fingerprint`, hex)."""
    if not fingerprint.isalnum() or not extension.isalnum():
        raise ValueError("a narration key is built from a hex fingerprint and a known extension")
    return f"{book_prefix(book_id)}narration/{fingerprint}.{extension}"


def take_key(book_id: int, take_id: int) -> str:
    """A take's picture: named by the take's id, not the page's number, so a page moved
    elsewhere keeps its takes without a file renamed."""
    return f"{book_prefix(book_id)}{TAKES}/{int(take_id)}.png"


def take_thumb_key(book_id: int, take_id: int) -> str:
    return f"{book_prefix(book_id)}{TAKES}/{int(take_id)}.webp"


def story_key(book_id: int) -> str:
    return f"{book_prefix(book_id)}story.csv"


def avatar_key(user_id: int, name: str) -> str:
    return f"{AVATARS}/user_{int(user_id)}/{name}.png"


def is_avatar_key(key: str) -> bool:
    return key.startswith(f"{AVATARS}/") and ".." not in key.split("/")


def picture_stems(keys: list[str], book_id: int) -> set[str]:
    """The stems ("cover", "scene_01", ...) whose picture and thumbnail are both among `keys`
    (the grid and the shelf show the thumbnail, so a picture counts only with it)."""
    prefix = book_prefix(book_id)
    pictures, thumbs = set(), set()
    for key in keys:
        rest = key[len(prefix):] if key.startswith(prefix) else None
        if rest is None:
            continue
        if rest.endswith(".png") and "/" not in rest:
            pictures.add(rest[:-4])
        elif rest.startswith(f"{THUMBS}/") and rest.endswith(".webp") and rest.count("/") == 1:
            thumbs.add(rest[len(THUMBS) + 1:-5])
    return pictures & thumbs
