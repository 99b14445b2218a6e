"""Export benchmark: each format of a 10-page offline book, made from scratch and from the cache.

    python bench/export.py [--scenes 10] [--runs 3] [--formats pdf,print,cover,epub,zip]

For each format: the median wall time of `runs` exports with the cache cleared before each
(what the first click costs) and its CPU time (all threads; on a busy machine the wall time
grows, the CPU time hardly), the file size, and the time of a second, cached call. Targets
on a 2-core machine: pdf under 2 s, print under 15 s, epub under 2 s. The share page's time
to first byte is measured against a running app by bench/share.py.

With epub among the formats, `epub+narr` is the same EPUB with every page and the cover narrated
(audio as long as the words take to say, as incompressible as a voice's MP3), timed around the
renderer itself: the media overlays' cost on top of the plain EPUB.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storymaker import accounts, characters, data  # noqa: E402
from storymaker.books import BookOptions  # noqa: E402
from storymaker.config import Settings  # noqa: E402
from storymaker.engine import Engine  # noqa: E402
from storymaker.exports import FORMATS, ExportOptions, snapshot  # noqa: E402
from storymaker.exports import epub  # noqa: E402
from storymaker.files import layout  # noqa: E402
from storymaker.runner import Runner  # noqa: E402
from storymaker.narration import PageNarration, word_timings  # noqa: E402
from storymaker.services import exports, studio  # noqa: E402
from tests.fakes.audio import FRAME, FRAME_HEADER, FRAME_S  # noqa: E402

TARGETS_S = {"pdf": 2.0, "print": 15.0, "epub": 2.0, "epub+narr": 2.0}
WORDS_A_SECOND = 2.5  # a voice reading a picture book aloud


def spoken(number: int, text: str) -> PageNarration:
    """Narration of `text` as a voice model gives it: MP3 frames whose payload is random bytes, so
    the package's deflate works as hard on it as on real speech (silence would compress away)."""
    seconds = max(1.0, len(text.split()) / WORDS_A_SECOND)
    frames = round(seconds / FRAME_S)
    audio = b"".join(FRAME_HEADER + os.urandom(len(FRAME) - len(FRAME_HEADER)) for _ in range(frames))
    return PageNarration(number, text, "audio/mpeg", frames * FRAME_S, word_timings(text, frames * FRAME_S), audio)


def narrated_epub(engine: Engine, user_id: int, book_id: int, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of rendering the book's EPUB with every page narrated, and its size."""
    book = snapshot(engine, user_id, book_id)
    book = dataclasses.replace(book, narration={n: spoken(n, t) for n, t in
                                                [(0, book.title), *((p.number, p.text) for p in book.pages)]})
    walls, cpus = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        made = epub.render(book, ExportOptions())
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - began_cpu)
    return statistics.median(walls), statistics.median(cpus), len(made)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenes", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(Settings(provider="offline", data_dir=Path(tmp)))
        user = accounts.get_or_create(engine.db(), "bench")
        cast = [characters.create(engine.db(), user.id, "Mia", "a curious girl with red boots").id,
                characters.create(engine.db(), user.id, "Pip", "a tiny grey cat").id]
        book_id = studio.start_book(engine, user.id, BookOptions("The Lighthouse Cat", scene_count=args.scenes), cast)
        Runner(engine).run_until_idle()
        exports_prefix = f"{layout.book_prefix(book_id)}exports/"

        print(f"{args.scenes}-page offline book, median of {args.runs} runs with the cache cleared\n")
        print(f"{'format':<8} {'made (s)':>9} {'cpu (s)':>8} {'target':>7} {'met':>4} {'size':>10} {'cached (ms)':>12}")
        for fmt in args.formats.split(","):
            walls, cpus = [], []
            for _ in range(args.runs):
                engine.store.delete_prefix(exports_prefix)
                began, began_cpu = time.perf_counter(), time.process_time()
                made = exports.export(engine, user.id, book_id, fmt)
                walls.append(time.perf_counter() - began)
                cpus.append(time.process_time() - began_cpu)
                assert made.made
            began = time.perf_counter()
            again = exports.export(engine, user.id, book_id, fmt)
            cached_ms = (time.perf_counter() - began) * 1000
            assert not again.made
            wall = statistics.median(walls)
            target = TARGETS_S.get(fmt)
            print(f"{fmt:<8} {wall:>9.2f} {statistics.median(cpus):>8.2f} {target or '':>7} {('yes' if wall < target else 'NO') if target else '':>4} "
                  f"{len(made.data) / 1e6:>8.2f} MB {cached_ms:>12.1f}")
            if fmt == "epub":
                wall, cpu, size = narrated_epub(engine, user.id, book_id, args.runs)
                target = TARGETS_S["epub+narr"]
                print(f"{'epub+narr':<9}{wall:>9.2f} {cpu:>8.2f} {target:>7} {'yes' if wall < target else 'NO':>4} "
                      f"{size / 1e6:>8.2f} MB {'':>12}")
        data.close_all()


if __name__ == "__main__":
    main()
