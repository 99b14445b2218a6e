"""Books against a fake OpenAI-compatible server that rate-limits, fails and goes down.

    python bench/retries.py [--books 20] [--scenes 10] [--rates 0.1 0.3 0.5] [--backoff 0.05] [--outage 20]

The real Runner (background threads, `concurrency` pages at once) and the real openai SDK.
For each fault rate (a share of requests answered 429 or 503 at random) it prints one JSON
line per retry rule: the current budget (8 failed requests within 180 s) and, to compare,
the old rule (3 HTTP tries in all):

    rule, rate, books, lost (books not ready), requests, faults, most_failed (one job), wall_s

With --outage S it also makes one book through an S-second outage (every endpoint 503,
real backoff: 2 s doubling), and it times how fast a Retry-After of an hour fails a book.
Backoffs are shortened with --backoff for the fault-rate runs only, so they finish quickly;
the number of tries, not the waiting, decides whether a book is lost there.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from sqlalchemy import text  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from storymaker import accounts, books, characters  # noqa: E402
from storymaker.services import studio
from storymaker.books import BookOptions  # noqa: E402
from storymaker.config import Settings  # noqa: E402
from storymaker.engine import Engine  # noqa: E402
from storymaker.runner import Runner  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402

RULES = {"budget": {}, "old (3 tries)": {"max_http_attempts": 3}}


def engine_for(fake: FakeOpenAI, folder: Path, **overrides) -> Engine:
    values = dict(provider="openai", api_key="bench-key", base_url=fake.base_url, data_dir=folder,
                  text_timeout=10, image_timeout=10, concurrency=4) | overrides
    return Engine(Settings(**values))


def make_books(engine: Engine, count: int, scenes: int, timeout: float = 600.0) -> tuple[list[str], float]:
    db = engine.db()
    user = accounts.get_or_create(db, "bench")
    cast = [characters.create(db, user.id, "Mia", "a curious girl with red boots").id,
            characters.create(db, user.id, "Pip", "a tiny grey cat").id]
    began = time.monotonic()
    runner = Runner(engine, poll_s=0.05).start()
    try:
        ids = [studio.start_book(engine, user.id, BookOptions(f"Book {n}", scene_count=scenes), cast)
               for n in range(count)]
        while any(studio.progress(engine, user.id, b).running for b in ids) and time.monotonic() - began < timeout:
            time.sleep(0.05)
    finally:
        runner.stop()
    return [books.get(db, user.id, b).status for b in ids], time.monotonic() - began


def most_failed(engine: Engine) -> int:
    with engine.db().read() as conn:
        return conn.execute(text("SELECT COALESCE(MAX(http_tries), 0) FROM jobs")).scalar_one()


def fault_rates(args: argparse.Namespace) -> None:
    for rate in args.rates:
        for rule, overrides in RULES.items():
            with FakeOpenAI(image_size=(64, 64)) as fake, tempfile.TemporaryDirectory() as folder:
                fake.faults(rate, (429, 503), seed=args.seed)
                engine = engine_for(fake, Path(folder), retry_backoff_s=args.backoff, **overrides)
                statuses, wall = make_books(engine, args.books, args.scenes)
                print(json.dumps({
                    "rule": rule, "rate": rate, "books": args.books, "scenes": args.scenes,
                    "lost": sum(s != books.READY for s in statuses), "requests": len(fake.requests),
                    "faults": fake.faults_served, "most_failed": most_failed(engine), "wall_s": round(wall, 2),
                }), flush=True)


def outage(args: argparse.Namespace) -> None:
    with FakeOpenAI(image_size=(64, 64)) as fake, tempfile.TemporaryDirectory() as folder:
        engine = engine_for(fake, Path(folder))
        fake.outage(args.outage)
        statuses, wall = make_books(engine, 1, args.scenes)
        print(json.dumps({"outage_s": args.outage, "book": statuses[0], "requests": len(fake.requests),
                          "faults": fake.faults_served, "most_failed": most_failed(engine), "wall_s": round(wall, 2)}),
              flush=True)


def long_retry_after() -> None:
    with FakeOpenAI(image_size=(64, 64)) as fake, tempfile.TemporaryDirectory() as folder:
        engine = engine_for(fake, Path(folder))
        fake.rate_limit("chat", 1, retry_after=3600)
        statuses, wall = make_books(engine, 1, 4)
        with engine.db().read() as conn:
            error = conn.execute(text("SELECT error FROM books")).scalar_one()
        print(json.dumps({"retry_after_s": 3600, "book": statuses[0], "requests": len(fake.requests_for("chat")),
                          "wall_s": round(wall, 2), "message": error}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=20)
    parser.add_argument("--scenes", type=int, default=10)
    parser.add_argument("--rates", type=float, nargs="+", default=[0.1, 0.3, 0.5])
    parser.add_argument("--backoff", type=float, default=0.05, help="first backoff in the fault-rate runs (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--outage", type=float, default=0, help="also make a book through an outage this long (s)")
    args = parser.parse_args()
    fault_rates(args)
    if args.outage:
        outage(args)
    long_retry_after()


if __name__ == "__main__":
    main()
