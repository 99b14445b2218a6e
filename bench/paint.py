"""How long the offline painter takes: per page, per style, and for a whole
book (10 pages and a cover, each drawn, PNG-encoded and thumbnailed the way
`storymaker.storage` writes them).

    python bench/paint.py [--size 1024] [--repeat 2]

Prints figures only; there is no pass or fail.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storymaker.models.base import CharacterLook, ImageRequest
from storymaker.painter import paint
from storymaker.storage import png_bytes, thumbnail_bytes
from storymaker.styles import ART_STYLES

CAST = (
    CharacterLook("Mia", "a girl with curly brown hair, a yellow raincoat and red boots"),
    CharacterLook("Pip", "a small grey cat with red boots"),
    CharacterLook("Rex", "a friendly green dragon with a blue scarf"),
)
SCENES = (
    "Mia and Pip wake up in the cosy bedroom on a sunny morning",
    "Mia, Pip and Rex walk through the forest, happy and curious",
    "They reach the beach and see the sea sparkle in the afternoon",
    "Mia and Pip climb the lighthouse stairs at night while rain lashes the windows; they feel brave",
    "A storm rolls over the village street and everyone is scared",
    "The friends cross the snowy mountain in the misty dawn",
    "Rex flies them up among the clouds in a hot air balloon",
    "They rest by the lake at sunset, calm and peaceful",
    "Pip feels lonely in the dark cave",
    "Everyone celebrates at the castle under a rainbow",
)


def page_requests(style: str, size: int) -> list[ImageRequest]:
    reqs = [ImageRequest("", s, CAST[: 2 + i % 2], style, (size, size), f"bench/{i + 1}") for i, s in enumerate(SCENES)]
    reqs.append(ImageRequest("", "The friends on a sunny hill", CAST, style, (size, size), "bench/cover", "cover"))
    return reqs


def make(req: ImageRequest) -> tuple[float, float, float]:
    """(paint ms, paint CPU ms, PNG + thumbnail ms) for one picture."""
    t0, c0 = time.perf_counter(), time.process_time()
    img = paint(req)
    t1, c1 = time.perf_counter(), time.process_time()
    png_bytes(img)
    thumbnail_bytes(img)
    return (t1 - t0) * 1000, (c1 - c0) * 1000, (time.perf_counter() - t1) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    print(
        f"page size {args.size}x{args.size}; medians over {args.repeat} runs after a warm-up; a book is 10 pages + cover"
    )
    print("CPU ms is the painter's own CPU time, steadier than wall time on a busy machine")
    print(
        f"{'style':<15}{'paint ms':>10}{'CPU ms':>8}{'slowest':>9}{'png+thumb ms':>14}{'book serial s':>15}{'book 2 threads s':>18}"
    )
    for style in ART_STYLES:
        reqs = page_requests(style, args.size)
        for r in reqs[:2]:
            make(r)  # warm caches (textures per size)
        paints, cpus, saves, serial, threaded = [], [], [], [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for r in reqs:
                p, c, s = make(r)
                paints.append(p)
                cpus.append(c)
                saves.append(s)
            serial.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(make, reqs))
            threaded.append(time.perf_counter() - t0)
        print(
            f"{style:<15}{statistics.median(paints):>10.1f}{statistics.median(cpus):>8.1f}{max(paints):>9.1f}{statistics.median(saves):>14.1f}"
            f"{statistics.median(serial):>15.2f}{statistics.median(threaded):>18.2f}"
        )


if __name__ == "__main__":
    main()
