"""Offline book benchmark: wall time of whole 10-scene books and time per page.

    python bench/make_book.py [--books 5] [--scenes 10] [--concurrency 4]

Prints one JSON line per book and a summary line. Target: median at most 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storymaker import accounts, books, characters, data, illustrate, storage  # noqa: E402
from storymaker.services import studio
from storymaker.books import BookOptions  # noqa: E402
from storymaker.config import Settings  # noqa: E402
from storymaker.engine import Engine  # noqa: E402
from storymaker.runner import Runner  # noqa: E402

TARGET_S = 1.5


def one_book(engine: Engine, runner: Runner, user_id: int, cast: list[int], n: int, scenes: int) -> float:
    began = time.perf_counter()
    book_id = studio.start_book(engine, user_id, BookOptions(f"The Lighthouse Cat {n}", scene_count=scenes), cast)
    while studio.progress(engine, user_id, book_id).running:
        time.sleep(0.005)
    wall = time.perf_counter() - began
    assert books.get(engine.db(), user_id, book_id).status == books.READY
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=5)
    parser.add_argument("--scenes", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(Settings(provider="offline", data_dir=Path(tmp), concurrency=args.concurrency))
        user = accounts.get_or_create(engine.db(), "bench")
        cast = [characters.create(engine.db(), user.id, "Mia", "a curious girl with red boots").id,
                characters.create(engine.db(), user.id, "Pip", "a tiny grey cat").id]
        runner = Runner(engine, poll_s=0.05).start()
        try:
            one_book(engine, runner, user.id, cast, 0, args.scenes)  # warm caches and imports
            walls = []
            for n in range(1, args.books + 1):
                wall = one_book(engine, runner, user.id, cast, n, args.scenes)
                walls.append(wall)
                print(json.dumps({"book": n, "scenes": args.scenes, "concurrency": args.concurrency, "wall_s": round(wall, 3)}))
        finally:
            runner.stop()

        # Per page, single-threaded: drawing alone, and drawing + PNG + thumbnail.
        book = books.get_any(engine.db(), 2, engine.store)
        rows = books.scene_rows(engine.db(), book.id)
        draw_ms, store_ms = [], []
        for row in rows:
            t0 = time.perf_counter()
            drawn = illustrate.render_page(engine, book, row.scene)
            t1 = time.perf_counter()
            illustrate.store_page(engine, book.id, row.scene.scene, storage.encode_picture(drawn.image, drawn.png))
            t2 = time.perf_counter()
            draw_ms.append((t1 - t0) * 1000)
            store_ms.append((t2 - t1) * 1000)
        data.close_all()

    median = statistics.median(walls)
    print(json.dumps({
        "summary": "offline book",
        "books": args.books,
        "scenes": args.scenes,
        "median_wall_s": round(median, 3),
        "min_wall_s": round(min(walls), 3),
        "max_wall_s": round(max(walls), 3),
        "page_draw_ms_median": round(statistics.median(draw_ms), 1),
        "page_store_ms_median": round(statistics.median(store_ms), 1),
        "target_s": TARGET_S,
        "target_met": median <= TARGET_S,
    }))


if __name__ == "__main__":
    main()
