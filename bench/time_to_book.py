"""Time to a finished book: the real Runner and openai SDK against a fake server with set latency.

    python bench/time_to_book.py [--story 1.0] [--picture 2.0] [--scenes 10] [--concurrency 1 4 10] [--repeat 1]

For each concurrency it prints one JSON line:

    scenes, concurrency, wall_s       start_book -> the book is ready
    first_page_s                      start_book -> page 1 is drawn (its scene row done, its PNG on disk)
    ideal_s = story + ceil(scenes / concurrency) * picture, ratio = wall_s / ideal_s
    (with --repeat N: the median of N books, and the min and max)

Targets: ratio <= 1.15 at every concurrency, first_page_s <= 1.15 x (story + picture).
Then it measures the runner's own cost per job: N jobs whose work only publishes
(no model, no files), through the real background Runner, in ms per job (target < 10 ms),
and a whole book with zero latency (HTTP, PNG decode/encode and SQLite, no waiting).
Nothing exits non-zero on a missed target; the lines say whether each one is met.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from storymaker import accounts, books, characters, data, jobs, storage  # noqa: E402
from storymaker.services import studio
from storymaker.books import BookOptions  # noqa: E402
from storymaker.config import Settings  # noqa: E402
from storymaker.engine import Engine  # noqa: E402
from storymaker.runner import Runner  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402
from tests.fakes.models import MockImageModel, MockTextModel  # noqa: E402

RATIO_TARGET = 1.15
FIRST_PAGE_TARGET = 1.15  # x (story + picture)
OVERHEAD_TARGET_MS = 10.0
CAST = ("Mia: a curious girl with red boots", "Pip: a tiny grey cat")


class TexturedFake(FakeOpenAI):
    """Serves detailed pictures (~1 MB PNGs, like a real illustration) instead of flat colours,
    whose PNG decode and encode cost what a real page costs. Made once, before timing."""

    def __init__(self, variants: int = 8):
        super().__init__()
        from PIL import Image, ImageFilter

        self._textured: list[tuple[bytes, tuple[int, int, int]]] = []
        for n in range(variants):
            red = Image.radial_gradient("L").resize((1024, 1024)).rotate(n * 45)
            green = Image.effect_noise((1024, 1024), 40 + n).filter(ImageFilter.GaussianBlur(1.5))
            blue = Image.effect_mandelbrot((1024, 1024), (-2 + n * 0.01, -1.5, 1, 1.5), 100)
            buffer = io.BytesIO()
            Image.merge("RGB", (red, green, blue)).save(buffer, format="PNG", compress_level=1)
            self._textured.append((buffer.getvalue(), (n, n, n)))
        self._next_textured = iter(range(1 << 62))

    def _picture(self, size: tuple[int, int]) -> tuple[bytes, tuple[int, int, int]]:
        return self._textured[next(self._next_textured) % len(self._textured)]


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def make_book(engine: Engine, scenes: int, poll_s: float) -> tuple[float, float | None, str, float]:
    """Start a book and poll until it is no longer generating: (wall_s, first_page_s, status, cpu_s).

    cpu_s is this process's CPU time meanwhile (runner, SDK and the in-process fake server):
    unlike wall time, it does not depend on what else the machine is doing."""
    db = engine.db()
    user = accounts.get_or_create(db, "bench")
    ids = []
    for spec in CAST:
        name, look = characters.parse_spec(spec)
        ids.append(characters.create(db, user.id, name, look).id)
    options = BookOptions("The Lighthouse Cat", scene_count=scenes)
    began, cpu_began = time.perf_counter(), time.process_time()
    book_id = studio.start_book(engine, user.id, options, ids)
    page_1 = storage.page_path(storage.book_dir(engine.books_dir, book_id), 1)
    first_page = None
    while True:
        now = time.perf_counter() - began
        if first_page is None:
            row = books.get_scene_row(db, book_id, 1)
            if row and row.status == books.DONE and page_1.exists():
                first_page = now
        status = books.get_any(db, book_id).status
        if status != books.GENERATING:
            return now, first_page, status, time.process_time() - cpu_began
        if now > 600:
            return now, first_page, "timed out", time.process_time() - cpu_began
        time.sleep(poll_s)


def openai_engine(fake: FakeOpenAI, data_dir: Path, concurrency: int) -> Engine:
    settings = Settings(provider="openai", api_key="bench", base_url=fake.base_url, data_dir=data_dir,
                        concurrency=concurrency)
    return Engine(settings)


def close(engine: Engine) -> None:
    for model in (engine.text_model, engine.image_model):
        getattr(model, "close", lambda: None)()
    data.close_all()


def time_to_book(fake: FakeOpenAI, args: argparse.Namespace, concurrency: int) -> dict:
    """One book per repeat (a fresh folder, engine and runner each); the median run is reported."""
    fake.latency.clear()
    fake.latency.update({"chat": args.story, "images": args.picture})
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="storymaker-bench-") as folder:
            engine = openai_engine(fake, Path(folder) / "data", concurrency)
            runner = Runner(engine, concurrency=concurrency).start()
            try:
                runs.append(make_book(engine, args.scenes, args.poll))
            finally:
                runner.stop()
                close(engine)
    runs.sort(key=lambda run: run[0])
    wall, first_page, status, cpu = runs[len(runs) // 2]
    if any(run[2] != books.READY for run in runs):
        status = next(run[2] for run in runs if run[2] != books.READY)
    firsts = sorted(run[1] for run in runs if run[1] is not None)
    first_page = firsts[len(firsts) // 2] if len(firsts) == len(runs) else None
    ideal = args.story + math.ceil(args.scenes / concurrency) * args.picture
    first_target = FIRST_PAGE_TARGET * (args.story + args.picture)
    return {
        "scenes": args.scenes,
        "concurrency": concurrency,
        "wall_s": round(wall, 3),
        "first_page_s": None if first_page is None else round(first_page, 3),
        "ideal_s": round(ideal, 3),
        "ratio": round(wall / ideal, 3),
        "cpu_s": round(cpu, 3),
        "status": status,
        "ratio_target_met": status == books.READY and wall / ideal <= RATIO_TARGET,
        "first_page_target_s": round(first_target, 3),
        "first_page_target_met": first_page is not None and first_page <= first_target,
        **({"runs": len(runs), "wall_s_min_max": [round(runs[0][0], 3), round(runs[-1][0], 3)],
            "first_page_s_min_max": [round(firsts[0], 3), round(firsts[-1], 3)] if firsts else None}
           if len(runs) > 1 else {}),
    }


def runner_overhead(jobs_count: int, concurrency: int) -> dict:
    """N jobs whose work is only the publish step, through the real background Runner."""
    with tempfile.TemporaryDirectory(prefix="storymaker-bench-") as folder:
        engine = Engine(Settings(provider="offline", data_dir=Path(folder) / "data", concurrency=concurrency),
                        text_model=MockTextModel(), image_model=MockImageModel())  # never called
        db = engine.db()
        user = accounts.get_or_create(db, "bench")
        character = characters.create(db, user.id, "Mia", "a curious girl")
        book_id = books.create(db, user.id, BookOptions("Overhead", scene_count=10),
                               [(character.id, character.to_look(engine.store), None)])
        done = threading.Event()
        finished = [0]
        lock = threading.Lock()

        def publish_only(engine: Engine, job: jobs.Job) -> None:
            with jobs.publishing(engine.db(), job):
                pass
            with lock:
                finished[0] += 1
                if finished[0] == jobs_count:
                    done.set()

        runner = Runner(engine, concurrency=concurrency, work=publish_only).start()
        try:
            began = time.perf_counter()
            jobs.enqueue_pages(db, book_id, range(1, jobs_count + 1))
            ok = done.wait(120)
            elapsed = time.perf_counter() - began
        finally:
            runner.stop()
            close(engine)
    per_job_ms = elapsed / jobs_count * 1000
    return {
        "measure": "runner overhead (work = publish only)",
        "jobs": jobs_count,
        "concurrency": concurrency,
        "total_s": round(elapsed, 3),
        "ms_per_job": round(per_job_ms, 2),
        "finished": ok,
        "target_ms": OVERHEAD_TARGET_MS,
        "target_met": ok and per_job_ms < OVERHEAD_TARGET_MS,
    }


def zero_latency_book(fake: FakeOpenAI, args: argparse.Namespace, concurrency: int) -> dict:
    """A whole book with no model latency: what HTTP, decoding, encoding, files and SQLite cost."""
    fake.latency.clear()
    with tempfile.TemporaryDirectory(prefix="storymaker-bench-") as folder:
        engine = openai_engine(fake, Path(folder) / "data", concurrency)
        runner = Runner(engine, concurrency=concurrency).start()
        try:
            wall, first_page, status, cpu = make_book(engine, args.scenes, args.poll)
        finally:
            runner.stop()
            close(engine)
    # Story, then the pages in ceil(scenes / concurrency) rounds; the cover runs alongside.
    critical_jobs = 1 + math.ceil(args.scenes / concurrency)
    return {
        "measure": "book with zero model latency",
        "scenes": args.scenes,
        "concurrency": concurrency,
        "wall_s": round(wall, 3),
        "first_page_s": None if first_page is None else round(first_page, 3),
        "status": status,
        "ms_per_critical_job": round(wall / critical_jobs * 1000, 1),
        "cpu_ms_per_job": round(cpu / (args.scenes + 2) * 1000, 1),
    }


def warm_up(fake: FakeOpenAI, args: argparse.Namespace) -> None:
    """Keep one-off costs out of the figures, as in a long-running app: the fake server runs in
    this process, so its PNG encoding (cached per colour, 48 colours) would compete with the
    runner for the GIL; and the first book pays for lazy imports (SDK resources, PIL plugins)."""
    began = time.perf_counter()
    for _ in range(48):
        fake._picture((1024, 1024))  # the size Settings asks for by default
    cache_s = time.perf_counter() - began
    first = zero_latency_book(fake, args, max(args.concurrency))
    print(f"# warm-up: the fake's picture cache {cache_s:.2f} s; a first (cold) book at zero latency "
          f"{first['wall_s']:.2f} s (not counted)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--story", type=float, default=1.0, help="seconds the story answer takes (default 1.0)")
    parser.add_argument("--picture", type=float, default=2.0, help="seconds each picture takes (default 2.0)")
    parser.add_argument("--scenes", type=int, default=10, help="pages in the book (default 10)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 10], help="runner concurrencies to try")
    parser.add_argument("--overhead-jobs", type=int, default=200, help="jobs for the overhead measure (0 skips it)")
    parser.add_argument("--textured", action="store_true",
                        help="serve detailed ~1 MB pictures instead of the fake's flat colours")
    parser.add_argument("--repeat", type=int, default=1,
                        help="books per concurrency; the median is reported (default 1)")
    parser.add_argument("--poll", type=float, default=0.01, help="seconds between progress polls (default 0.01)")
    args = parser.parse_args(argv)

    if args.textured:
        print("# pictures: detailed ~1 MB PNGs (--textured)", file=sys.stderr)
    print(f"# targets: ratio <= {RATIO_TARGET} at every concurrency; first_page_s <= {FIRST_PAGE_TARGET} x "
          f"(story + picture) = {FIRST_PAGE_TARGET * (args.story + args.picture):.2f} s; "
          f"runner overhead < {OVERHEAD_TARGET_MS:g} ms per job", file=sys.stderr)
    results = []
    with (TexturedFake() if args.textured else FakeOpenAI()) as fake:
        warm_up(fake, args)
        for concurrency in args.concurrency:
            result = time_to_book(fake, args, concurrency)
            results.append(result)
            emit(result)
        overheads = []
        if args.overhead_jobs:
            for concurrency in sorted({1, *args.concurrency}):
                overheads.append(runner_overhead(args.overhead_jobs, concurrency))
                emit(overheads[-1])
        for concurrency in sorted({1, max(args.concurrency)}):
            emit(zero_latency_book(fake, args, concurrency))
    emit({
        "summary": True,
        "ratio_target_met": all(r["ratio_target_met"] for r in results),
        "first_page_target_met": all(r["first_page_target_met"] for r in results),
        "overhead_target_met": all(o["target_met"] for o in overheads) if overheads else None,
        "worst_ratio": max(r["ratio"] for r in results),
        "worst_first_page_s": max((r["first_page_s"] or math.inf) for r in results),
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
