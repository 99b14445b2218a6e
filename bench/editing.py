"""An author's edits on a 15-page book with 10 takes a page, as the Studio calls them
(services, SQLite and a local folder, offline models):

    python bench/editing.py [--runs 7]

Prints the median and spread of: moving a page down and back up, adding a page (the words as typed,
then its picture drawn by the runner), removing a page and Undo, switching the book to a style it
already has every picture in (instant: no drawing), a page's offline rewrite proposal and a new
page's offline draft. Each move, add and remove rewrites story.csv and the moved pages' picture keys
from their current takes, so these figures grow with the pages that follow the change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def figure(label: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"{label}: median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f}, {len(ms)} runs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.update(STORYMAKER_DATA_DIR=tempfile.mkdtemp(prefix="storymaker-bench-edit-"),
                      STORYMAKER_PROVIDER="offline")

    from storymaker import accounts
    from storymaker.books import BookOptions
    from storymaker.engine import Engine
    from storymaker.runner import Runner
    from storymaker.scenes import Scene
    from storymaker.services import page_words, pages, restyle, samples, studio

    engine = Engine.from_environment()
    user = accounts.get_or_create(engine.db(), "bench")
    book_id = studio.start_book(engine, user.id, BookOptions("Many Takes", scene_count=15),
                                samples.sample_characters(engine, user.id))
    Runner(engine).run_until_idle()
    for _ in range(9):  # ten takes a page
        studio.regenerate_all_pages(engine, user.id, book_id)
        Runner(engine).run_until_idle()
    # 15 pages, so a page can be added (16 is the most a book has)

    def timed(action, undo=None) -> list[float]:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            done = action()
            times.append(time.perf_counter() - start)
            if undo:
                undo(done)
        return times

    print(figure("Move page 2 down (15 pages, 10 takes each)",
                 timed(lambda: pages.move_page(engine, user.id, book_id, 2, 1),
                       lambda _: pages.move_page(engine, user.id, book_id, 3, -1))))
    new = Scene(0, "A new page", "Mia found a shell.", "Mia on the beach with a shell", ())

    def add_and_draw() -> int:
        number = pages.add_page(engine, user.id, book_id, 1, new)
        Runner(engine).run_until_idle()
        return number

    def remove(number: int) -> None:
        pages.remove_page(engine, user.id, book_id, number)

    print(figure("Add a page after page 1 (16 pages then), its picture drawn", timed(add_and_draw, remove)))
    print(figure("Remove page 2 and Undo", timed(lambda: pages.undo_remove(
        engine, user.id, book_id, pages.remove_page(engine, user.id, book_id, 2).scene_id))))
    restyle.restyle(engine, user.id, book_id, "crayon")
    Runner(engine).run_until_idle()
    styles = iter(["watercolor", "crayon"] * args.runs)
    print(figure("Switch the whole book to a style it has (15 pages + cover, nothing drawn)",
                 timed(lambda: restyle.restyle(engine, user.id, book_id, next(styles)))))
    print(figure("A page's other words, offline (Propose new words)",
                 timed(lambda: page_words.propose(engine, user.id, book_id, 5, "shorter", 0))))
    print(figure("A new page's draft, offline (Let the writer draft it)",
                 timed(lambda: page_words.draft_new_page(engine, user.id, book_id, 5, 0))))


if __name__ == "__main__":
    main()
