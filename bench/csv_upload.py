"""How long checking an uploaded story.csv takes, by file size: the checks should be linear.

    python bench/csv_upload.py [--repeat 3]

Three kinds of file, each at 1/8, 1/4, 1/2 and 1 MB (the upload limit): junk rows
whose scene number is not a number, rows with valid numbers (so every duplicate is
counted), and rows with text but an unknown character. Prints one line per file:
rows, best seconds, microseconds per row, problems shown and counted, and the size
of the message a page would show. Figures only; there is no pass or fail.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storymaker.scenes import SceneError, parse_csv  # noqa: E402

HEADER = "scene,title,text,illustration,characters\n"
KINDS = {
    "bad numbers": lambda i: "x,,,,\n",
    "valid numbers": lambda i: f"{i % 16 + 1},a,b,c,Mia\n",
    "unknown names": lambda i: f"{i % 16 + 1},Title,Some words here.,a meadow,Bob\n",
}


def file_of(kind: str, size: int) -> tuple[bytes, int]:
    rows, length, i = [], len(HEADER), 0
    while True:
        row = KINDS[kind](i)
        if length + len(row) > size:
            return (HEADER + "".join(rows)).encode(), len(rows)
        rows.append(row)
        length += len(row)
        i += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for kind in KINDS:
        for size in (125_000, 250_000, 500_000, 1_000_000):
            data, rows = file_of(kind, size)
            best, error = float("inf"), None
            for _ in range(args.repeat):
                started = time.perf_counter()
                try:
                    parse_csv(data, 16, ["Mia", "Pip"])
                except SceneError as raised:
                    error = raised
                best = min(best, time.perf_counter() - started)
            shown, more, message = (len(error.shown), error.more, len(str(error))) if error else (0, 0, 0)
            print(f"{kind:14} {len(data) / 1e6:5.3f} MB {rows:8,} rows {best:7.3f} s {best / rows * 1e6:6.2f} us/row "
                  f"problems shown {shown} + {more:,} counted, message {message:,} chars")


if __name__ == "__main__":
    main()
