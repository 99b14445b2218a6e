"""`python -m storymaker worker` processes for tests and benchmarks: started with the
environment a machine of their own would have, known by the jobs they hold, stopped
with SIGTERM or killed with SIGKILL.

A worker sees only what its environment gives it (a developer's OpenAI key, data folder,
database or bucket never leak in), runs from a folder of its own (no secrets.toml of the
checkout's) and writes its log to a file, which failures quote.

No pytest imports here: the benchmark scripts use it too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Mapping

REPO_ROOT = Path(__file__).resolve().parents[1]
# Settings a worker must never inherit from whoever runs the tests.
_PRIVATE = ("OPENAI_", "STORYMAKER_", "AWS_")
START_TIMEOUT_S = 60.0  # a loaded machine imports the SDK slowly


def worker_environment(*, data_dir: Path, base_url: str, database_url: str = "",
                       storage: Mapping[str, str] | None = None, **settings: str) -> dict[str, str]:
    """The environment of a worker whose models are the OpenAI-compatible server at
    `base_url`: its data folder, the database (a URL; "" for the SQLite file in the data
    folder), a bucket's settings (STORYMAKER_STORAGE_URL and AWS_*; none for the data
    folder) and any other STORYMAKER_ setting by name (`lease_s="5"`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PRIVATE)}
    env.update(
        STORYMAKER_DATA_DIR=str(data_dir),
        STORYMAKER_PROVIDER="openai",
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=base_url,
        STORYMAKER_SDK_MAX_RETRIES="0",
        PYTHONPATH=str(REPO_ROOT),
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["STORYMAKER_DATABASE_URL"] = database_url
    env.update(storage or {})
    env.update({f"STORYMAKER_{name.upper()}": str(value) for name, value in settings.items()})
    return env


class WorkerProcess:
    """One `python -m storymaker worker` process."""

    def __init__(self, env: Mapping[str, str], log: Path, *, concurrency: int = 2, cwd: Path | None = None):
        self.log = Path(log)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        folder = Path(cwd or self.log.parent)
        folder.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                [sys.executable, "-m", "storymaker", "worker", "--concurrency", str(concurrency)],
                env=dict(env), cwd=folder, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def job_owner_prefix(self) -> str:
        """How this process's claims start in the jobs table's `worker` column (a runner's id
        is host:pid:random)."""
        return f"{socket.gethostname()}:{self.pid}:"

    def owns(self, worker: str | None) -> bool:
        return bool(worker) and str(worker).startswith(self.job_owner_prefix)

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        """Until the worker says it runs jobs (its runner has started and swept)."""
        deadline = time.monotonic() + timeout
        while not any(line.startswith("Worker ") for line in self.log_text().splitlines()):
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited with {self.process.returncode}:\n{self.log_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start in {timeout:g} s:\n{self.log_text()[-3000:]}")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up runs, every claimed job stays claimed until its lease runs out."""
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait (running jobs finish first); SIGKILL after `timeout`. The exit code."""
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode


def stop_all(workers: list[WorkerProcess], timeout: float = 30.0) -> list[int]:
    """Stop every worker at once (SIGTERM to all, then wait for each): the exit codes."""
    for worker in workers:
        if worker.alive():
            worker.process.send_signal(signal.SIGTERM)
    codes = []
    deadline = time.monotonic() + timeout
    for worker in workers:
        try:
            codes.append(worker.process.wait(timeout=max(0.1, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            worker.kill()
            codes.append(worker.process.returncode)
    return codes
