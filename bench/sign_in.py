"""What staying signed in costs: the calls a page makes, on SQLite and PostgreSQL.

    python bench/sign_in.py [--databases sqlite,postgresql] [--runs 500]

check     `still_signed_in`: every script run of a signed-in tab asks whether its sign-in is
          still live (a read; a write at most every few minutes to slide the expiry).
restore   `restore`: a reload or new tab reads the browser's cookie back into a sign-in.
begin     `begin`: a sign-in makes its session and ticket (one write unit).
trade     `trade_ticket`: the cookie route spends the ticket and stores the token's hash.
http      the cookie route itself over HTTP (`POST /signin/remember`, then `GET /signin/check`)
          through Starlette's test client, as one round trip each (SQLite only).

Prints one JSON line per measure with p50 and p99 in milliseconds. PostgreSQL is a
throwaway cluster started here (tests/infra/postgres.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3)}


def timed(runs: int, call: Callable[[int], object]) -> dict[str, float]:
    samples = []
    for n in range(runs):
        began = time.perf_counter()
        call(n)
        samples.append(time.perf_counter() - began)
    return percentiles(samples)


def measure(kind: str, database_url: str, runs: int) -> None:
    from storymaker.config import load_settings
    from storymaker.engine import Engine
    from storymaker.services import accounts as account_service
    from storymaker.services import sessions

    with tempfile.TemporaryDirectory() as folder:
        env = {"STORYMAKER_DATA_DIR": folder, "STORYMAKER_PROVIDER": "offline"}
        if database_url:
            env["STORYMAKER_DATABASE_URL"] = database_url
        engine = Engine(load_settings(env=env, secrets={}))
        user = account_service.local_user(engine, "bench")
        browser = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0"
        begun = [sessions.begin(engine, user, browser) for _ in range(runs)]
        tokens = [sessions.trade_ticket(engine, ticket) for _, ticket in begun]
        session_id = begun[0][0]
        figures = {
            "check": timed(runs, lambda n: sessions.still_signed_in(engine, session_id, user)),
            "restore": timed(runs, lambda n: sessions.restore(engine, tokens[n])),
            "begin": timed(runs, lambda n: sessions.begin(engine, user, browser)),
        }
        fresh = [sessions.begin(engine, user, browser)[1] for _ in range(runs)]
        figures["trade"] = timed(runs, lambda n: sessions.trade_ticket(engine, fresh[n]))
        for name, figure in figures.items():
            print(json.dumps({"measure": name, "database": kind, "runs": runs, **figure}), flush=True)
        if kind == "sqlite":
            http(engine, env, user, runs)


def http(engine, env: dict[str, str], user, runs: int) -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from app_web import sign_in
    from storymaker.services import sessions

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    sign_in._engine.cache_clear()
    try:
        client = TestClient(Starlette(routes=sign_in.routes), base_url="http://app.test")
        origin = {"Origin": "http://app.test"}
        tickets = [sessions.begin(engine, user, "bench")[1] for _ in range(runs)]

        def remember(n: int) -> None:
            client.cookies.clear()
            answer = client.post("/signin/remember", json={"ticket": tickets[n]}, headers=origin)
            assert answer.json() == {"ok": True}

        print(json.dumps({"measure": "http_remember", "database": "sqlite", "runs": runs,
                          **timed(runs, remember)}), flush=True)
        print(json.dumps({"measure": "http_check", "database": "sqlite", "runs": runs,
                          **timed(runs, lambda n: client.get("/signin/check"))}), flush=True)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        sign_in._engine.cache_clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args(argv)
    for kind in args.databases.split(","):
        if kind == "sqlite":
            measure("sqlite", "", args.runs)
        elif kind == "postgresql":
            from tests.infra.postgres import PostgresServer

            server = PostgresServer.start()
            try:
                measure("postgresql", server.create_database("storymaker_bench_sign_in"), args.runs)
            finally:
                from storymaker.data import close_all

                close_all()
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
