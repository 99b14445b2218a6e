"""Narration benchmark: making a book's narration, and what reading one narrated page costs.

    python bench/narration.py [--scenes 16] [--latency 0.8] [--repeat 20]

Makes a `--scenes`-page book with the mock text and picture models, then narrates it through
the real openai SDK against the fake OpenAI-compatible server (each speech request answered
after `--latency` seconds, roughly what a voice model takes for a page). Prints JSON lines:
- make: wall time for every page's narration on the background runner (two narration slots), requests,
  audio bytes stored;
- again: "Make narration" on an unchanged book (requests must be 0), and after one page's edit;
- page: median and p90 of `services.narration.page` (what the Reader does for a page: find the
  current narration, read its audio from the store, estimate the word timings), and the size of
  the data the player receives (audio as a data: URL plus timings);
- status: median of `services.narration.status` (what the Studio's section runs each time).
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storymaker import accounts, books, characters, narration  # noqa: E402
from storymaker.books import BookOptions  # noqa: E402
from storymaker.config import Settings  # noqa: E402
from storymaker.engine import Engine  # noqa: E402
from storymaker.runner import Runner  # noqa: E402
from storymaker.services import narration as service  # noqa: E402
from storymaker.services import review, studio  # noqa: E402
from tests.fakes.models import MockImageModel, MockTextModel  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402


def timed(call, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.8)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with FakeOpenAI() as fake, tempfile.TemporaryDirectory() as folder:
        fake.latency["speech"] = args.latency
        engine = Engine(Settings(provider="openai", api_key="bench", base_url=fake.base_url,
                                 data_dir=Path(folder) / "data"),
                        text_model=MockTextModel(), image_model=MockImageModel())
        user = accounts.get_or_create(engine.db(), "bench")
        cast = [characters.create(engine.db(), user.id, "Pip", "a tiny grey cat").id]
        book_id = studio.start_book(engine, user.id, BookOptions("The Lighthouse Cat", scene_count=args.scenes), cast)
        runner = Runner(engine)
        runner.run_until_idle(timeout=120)

        # As in the app: the background runner, its narration lane's two slots side by side.
        runner.start()
        began = time.perf_counter()
        queued = service.make(engine, user.id, book_id)
        while service.status(engine, user.id, book_id).active:
            time.sleep(0.05)
        made_s = time.perf_counter() - began
        runner.stop()
        stored = sum(row.bytes for row in narration.repository.for_book(engine.db(), book_id))
        print(json.dumps({"case": "make", "pages": queued, "seconds": round(made_s, 2),
                          "speech_requests": len(fake.requests_for("speech")), "latency_s": args.latency,
                          "audio_bytes": stored}))

        asked = len(fake.requests_for("speech"))
        again = service.make(engine, user.id, book_id)
        review.save_edits(engine, user.id, book_id, {3: {"text": "Pip purred, and the lamp glowed all night."}})
        edited = service.make(engine, user.id, book_id)
        runner.run_until_idle(timeout=120)
        print(json.dumps({"case": "again", "unchanged_book_queued": again, "after_one_edit_queued": edited,
                          "new_requests": len(fake.requests_for("speech")) - asked}))

        page = service.page(engine, user.id, book_id, 2)
        assert page is not None
        payload = len("data:audio/mpeg;base64,") + len(base64.b64encode(page.audio)) + len(
            json.dumps(narration.utf16_offsets(page.text, page.words)))
        median, p90 = timed(lambda: service.page(engine, user.id, book_id, 2), args.repeat)
        print(json.dumps({"case": "page", "median_ms": round(median * 1000, 2), "p90_ms": round(p90 * 1000, 2),
                          "audio_s": round(page.duration_s, 2), "player_payload_bytes": payload}))
        median, p90 = timed(lambda: service.status(engine, user.id, book_id), args.repeat)
        print(json.dumps({"case": "status", "median_ms": round(median * 1000, 2), "p90_ms": round(p90 * 1000, 2),
                          "book_status": books.get(engine.db(), user.id, book_id).status}))


if __name__ == "__main__":
    main()
