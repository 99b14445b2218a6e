"""Safety check benchmark: how long the checks add before a book starts and before a story is kept.

    python bench/safety.py [--repeat 50] [--latency 0.0]

Times, as median and p90 in milliseconds:
- form: `safety.check_inputs` on a full new-book form (title, premise, author, language, three
  characters: seven fields, one call), with the shipped word list and through the real openai SDK
  against the fake server's moderation endpoint (answering after `--latency` seconds; OpenAI's own
  moderation typically answers in 100 to 300 ms, so add that to the fake's figure);
- story: `safety.check_pages` on a 16-page story (one call for all pages), both ways;
- picture: one picture checked through the fake endpoint (resized to a 512 px JPEG data: URL first);
- first: the word list's first check in a process (it builds its dictionaries once).
Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from storymaker import accounts, safety  # noqa: E402
from storymaker.books import Book  # noqa: E402
from storymaker.config import Settings  # noqa: E402
from storymaker.engine import Engine  # noqa: E402
from storymaker.models.offline_moderation import find  # noqa: E402
from storymaker.scenes import Scene  # noqa: E402
from tests.fakes.models import MockImageModel, MockTextModel  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402

FORM = {
    "title": "The Lighthouse Cat and the Long Winter Night",
    "premise": "Keeping a promise, even when it is hard, and asking friends for help when the sea is rough",
    "author": "Grandma Rose", "language": "English",
    "character 1": "Mia\na curious girl with red boots and a yellow raincoat\nbrave, kind, a little impatient",
    "character 2": "Pip\na tiny grey cat with a white-tipped tail\nshy at first, loyal to the end",
    "character 3": "Captain Gull\nan old seagull with a torn blue scarf\ngrumpy, funny, secretly soft-hearted",
}


def story(pages: int = 16) -> list[Scene]:
    return [Scene(n, f"Page {n}: the storm lamp", "Mia and Pip climbed the winding stairs of the lighthouse "
                  "together, counting each step out loud, until the lamp room glowed gold and the ships below "
                  "blinked their thanks across the dark water.",
                  f"A lighthouse at night, page {n}, a girl in red boots and a grey cat by a glowing lamp",
                  ("Mia", "Pip")) for n in range(1, pages + 1)]


def timed(call, repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 2),
            "p90_ms": round(samples[max(0, int(len(samples) * 0.9) - 1)], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the fake moderation endpoint waits")
    args = parser.parse_args()

    began = time.perf_counter()
    find("a first check builds the dictionaries")
    print(json.dumps({"figure": "first", "checker": "word list",
                      "ms": round((time.perf_counter() - began) * 1000, 1)}))

    with tempfile.TemporaryDirectory() as folder, FakeOpenAI() as fake:
        fake.latency["moderations"] = args.latency
        offline = Engine(Settings(provider="offline", data_dir=Path(folder) / "data"), MockTextModel(),
                         MockImageModel())
        remote = Engine(replace(offline.settings, provider="openai", api_key="bench-key", base_url=fake.base_url),
                        MockTextModel(), MockImageModel())
        user = accounts.get_or_create(offline.db(), "bench")
        book = Book(1, user.id, "The Lighthouse Cat", "", "6-8", "watercolor", "English", 16, "generating", None, "")
        scenes = story()
        picture = io.BytesIO()
        Image.new("RGB", (1024, 1024), (90, 140, 200)).save(picture, format="PNG")
        image = Image.open(io.BytesIO(picture.getvalue()))

        for name, engine in (("word list", offline), ("fake endpoint", remote)):
            form = timed(lambda engine=engine: safety.check_inputs(engine, FORM), args.repeat)
            print(json.dumps({"figure": "form", "checker": name, "fields": len(FORM), **form}))
            pages = timed(lambda engine=engine: safety.check_pages(engine, book, scenes), args.repeat)
            print(json.dumps({"figure": "story", "checker": name, "pages": len(scenes), **pages}))
        requests = len(fake.requests_for("moderations"))
        one = timed(lambda: safety.check_picture(remote, None, user.id, image, "a picture"), max(5, args.repeat // 5))
        print(json.dumps({"figure": "picture", "checker": "fake endpoint", "size": "1024x1024", **one}))
        print(json.dumps({"figure": "requests", "per_form": 1, "per_story": 1,
                          "counted": requests == 2 * args.repeat}))


if __name__ == "__main__":
    main()
