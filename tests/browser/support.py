"""Shared set-up for the browser tests: a real app server on a free port (offline models,
background runner, its own data folder) and Chromium through Playwright.

A test module imports from here at the top: that skips the module when Playwright or
Chromium is missing (and fails it under CI, where every browser test must run). The
`server` fixture lives in conftest.py and starts the app through `serve`.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"  # git-ignored
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
# Streamlit marks the app with this while no script run is in progress.
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"

if importlib.util.find_spec("playwright") is None or CHROMIUM is None:
    if os.environ.get("CI"):  # CI installs Chromium: a skipped browser test there hides a broken set-up
        raise RuntimeError("CI needs Playwright and Chromium for the browser tests")
    pytest.skip("needs Playwright and Chromium", allow_module_level=True)
if importlib.util.find_spec("storymaker.models.offline_text") is None:
    pytest.skip("needs the offline models", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def data_dir(tmp_path: Path) -> Path:
    """The server's data folder (the test may read the database behind the app)."""
    return tmp_path / "data"


def serve(tmp_path: Path, settings: dict[str, str] | None = None):
    """Start the app on a free port and yield its address (the `server` fixture in conftest.py);
    `settings`: more environment for it (a bucket's, say)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "STORYMAKER_", "AWS_"))}
    env.update({"STORYMAKER_DATA_DIR": str(data_dir(tmp_path)), "STORYMAKER_PROVIDER": "offline", **(settings or {})})
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=20)


def fill(page, label: str, text: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Tab")  # commit the value before the form is sent


def sign_up(page, username: str, password: str = "correct horse") -> None:
    """Create an account from the sign-in page; a new account lands on the empty shelf."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Create an account").click()
    fill(page, "Choose a username", username)
    fill(page, "Choose a password", password)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Your shelf is empty")).to_be_visible(timeout=30_000)


def idle(page, timeout: float = 30_000) -> None:
    page.locator(IDLE).wait_for(timeout=timeout)


def settle(page, timeout: float = 30_000) -> None:
    """After an action that reruns the app: wait for that run to start (if it has not already
    come and gone), then for it to finish."""
    try:
        page.locator("[data-testid='stApp'][data-test-script-state='running']").wait_for(timeout=2_000)
    except Exception:  # the run was quicker than we could look
        pass
    idle(page, timeout)


@contextmanager
def opened(server: str, failed: str, *, width: int = 1280, height: int = 900):
    """A Chromium page at the app's address; when the block fails, what it showed is saved as SHOTS/failed."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(server)
        try:
            yield page
        except Exception:
            page.screenshot(path=SHOTS / failed, full_page=True)
            raise
        finally:
            browser.close()
