"""The core and the app type-check clean: mypy, with the files and options pyproject.toml gives."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_mypy_finds_no_errors():
    # A separate process, as .ci/run runs it: mypy's own state never leaks into the test run.
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=240)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert errors == [] and done.returncode == 0, done.stdout + done.stderr
