"""Share page benchmark: time to first byte of a share link's public page against a running app.

    python bench/share.py [--requests 20] [--scenes 10]

Makes a 10-page offline book in a temporary data folder, shares it, starts the app there
(`streamlit run app.py`, as tests/browser/support.py does) and times, from the request sent to
the status line and headers received, `--requests` requests each of: the cover page (which
counts an open: a database write), a page, and a picture (after the first, from memory).
The first request of each is made before timing (fonts subset, pictures encoded once).
Prints one JSON line per kind (median, p90, bytes) and the server's log lines that name the token (none).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storymaker import accounts, books  # noqa: E402
from storymaker.config import Settings  # noqa: E402
from storymaker.engine import Engine  # noqa: E402
from storymaker.runner import Runner  # noqa: E402
from storymaker.services import samples, sharing  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ttfb(port: int, path: str) -> tuple[float, int, int]:
    """Seconds from sending the request to having the status line and headers; status; body bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.connect()  # the connection is not part of the figure
    began = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    first = time.perf_counter() - began
    body = response.read()
    connection.close()
    return first, response.status, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--scenes", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        engine = Engine(Settings(provider="offline", data_dir=data))
        user = accounts.get_or_create(engine.db(), "bench")
        book_id = samples.make_sample_book(engine, user.id)
        Runner(engine).run_until_idle()
        book = books.get(engine.db(), user.id, book_id)
        assert book is not None and book.status == books.READY, "the sample book was not made"
        _, token = sharing.create(engine, user.id, book_id, "Never")

        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "STORYMAKER_", "AWS_"))}
        env.update(STORYMAKER_DATA_DIR=str(data), STORYMAKER_PROVIDER="offline")
        log = Path(tmp) / "server.log"
        with open(log, "wb") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
                 "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                cwd=tmp, env=env, stdout=output, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                        break
                    except OSError:
                        if time.monotonic() > deadline:
                            raise SystemExit("the app server did not start") from None
                        time.sleep(0.3)
                last = len(books.scene_rows(engine.db(), book_id))
                for kind, path in (("cover page", f"/read/{token}"), ("page", f"/read/{token}?page={last}"),
                                   ("picture", f"/read/{token}/picture/1")):
                    _, status, size = ttfb(port, path)  # warm: fonts subset, the picture encoded
                    assert status == 200, f"{kind}: HTTP {status}"
                    times = [ttfb(port, path)[0] for _ in range(args.requests)]
                    print(json.dumps({"share": kind, "requests": args.requests,
                                      "ttfb_median_ms": round(statistics.median(times) * 1000, 1),
                                      "ttfb_p90_ms": round(sorted(times)[int(len(times) * 0.9) - 1] * 1000, 1),
                                      "bytes": size}))
                _, status, _ = ttfb(port, "/read/" + "A" * 43)
                print(json.dumps({"share": "dead link", "status": status}))
            finally:
                server.terminate()
                server.wait(timeout=20)
        leaks = [line for line in log.read_text(errors="replace").splitlines() if token in line]
        print(json.dumps({"server_log_lines_with_the_token": len(leaks)}))


if __name__ == "__main__":
    main()
