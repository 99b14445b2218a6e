"""Server-side run time of the My Books page (100 books) and of the Reader (AppTest timings).

    python bench/ui.py [--runs 7]

Prints the median and the spread of several runs of each screen; the target is under
150 ms each. Uses a throw-away data folder and inline jobs; pictures come from the
configured models once (the offline ones by default), then only the screens are timed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--books", type=int, default=100)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="storymaker-bench-ui-"))
    os.environ.update(STORYMAKER_DATA_DIR=str(data), STORYMAKER_INLINE_JOBS="1", STORYMAKER_PROVIDER="offline")
    from streamlit.testing.v1 import AppTest

    from storymaker import accounts, books, storage
    from storymaker.books import BookOptions, CharacterLook
    from storymaker.engine import Engine
    from storymaker.runner import Runner
    from storymaker import samples

    engine = Engine.from_environment()
    db = engine.db()
    user = accounts.get_or_create(db, "bench")
    model_book = samples.make_sample_book(engine, user.id)  # one real book: its cover is copied to the others
    Runner(engine).run_until_idle()
    source = storage.book_dir(engine.books_dir, model_book)
    for n in range(args.books - 1):
        book_id = books.create(db, user.id, BookOptions(f"Book {n:03d}"), [(None, CharacterLook("Mia"), None)])
        books.set_status(db, book_id, books.READY)
        shutil.copytree(source, storage.book_dir(engine.books_dir, book_id))

    def timed(screen: str, query: dict[str, str]) -> list[float]:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["user"] = user
        at.run()
        at.switch_page(screen)
        for name, value in query.items():
            at.query_params[name] = value
        at.run()  # warm: caches, imports
        assert not at.exception, at.exception
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
        return times

    for label, page, query in (
        (f"My Books, {args.books} books (24 cards)", "app_pages/my_books.py", {}),
        ("Reader, page 3 of the sample book", "app_pages/reader.py", {"book": str(model_book), "page": "3"}),
    ):
        times = timed(page, query)
        print(f"{label}: median {statistics.median(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f}, "
              f"{args.runs} runs; target < 150 ms)")
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
