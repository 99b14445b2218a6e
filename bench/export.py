"""Export benchmark: each format of a 10-page offline book, made from scratch and from the cache.

    python bench/export.py [--scenes 10] [--runs 3] [--formats pdf,print,cover,epub,zip]

For each format: the median wall time of `runs` exports with the cache cleared before each
(what the first click costs) and its CPU time (all threads; on a busy machine the wall time
grows, the CPU time hardly), the file size, and the time of a second, cached call. Targets
on a 2-core machine: pdf under 2 s, print under 15 s, epub under 2 s. The share page's time
to first byte is measured against a running app by bench/share.py.
"""

from __future__ import annotations

import argparse
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
from storymaker.exports import FORMATS  # noqa: E402
from storymaker.files import layout  # noqa: E402
from storymaker.runner import Runner  # noqa: E402
from storymaker.services import exports, studio  # noqa: E402

TARGETS_S = {"pdf": 2.0, "print": 15.0, "epub": 2.0}


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
        data.close_all()


if __name__ == "__main__":
    main()
