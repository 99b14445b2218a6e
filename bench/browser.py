"""What a person sees in Chromium: Generate -> every thumbnail painted in the grid (10 and 16
pages), Regenerate -> the new thumbnail painted, Reader Next/Previous -> the new picture and words
painted, Back/Forward between the Studio and the Reader, and My Books with 100 books painted.

    python bench/browser.py [--runs 5]

Starts the app on a free port with the offline models and a throw-away data folder (as the
browser tests do), makes a fresh account and its books through the core, then drives the app
through Playwright with Debian's Chromium. Every figure is measured in the browser, on its clock:
it starts at the pointer press (or, for Back and Forward, just before them) and ends on the first
animation frame that shows the change, checked once a frame: the grid's thumbnail cells read from
its canvas, an <img> loaded (naturalWidth > 0), the page's words. Never a fixed sleep, and no
screenshots while timing (they cost the two cores tens of milliseconds each). Beside each figure is
the server's part: the jobs' time from the database, or the screen's script run (AppTest, same data
folder). Prints medians of `--runs` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER_PX, PICTURE_X, ROW_H = 36, 56 + 45, 68  # the grid's header row, the picture column's middle, a row
REGENERATE_X = 56 + 90 + 70 + 116 / 2
USER, PASSWORD = "bench", "correct horse"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--books", type=int, default=100)
    parser.add_argument("--only", default="generate,regenerate,reader,history,shelf",
                        help="which figures, comma-separated (default: all)")
    args = parser.parse_args()
    args.only = set(args.only.split(","))

    tmp = Path(tempfile.mkdtemp(prefix="storymaker-bench-browser-"))
    data = tmp / "data"
    os.environ.update(STORYMAKER_DATA_DIR=str(data), STORYMAKER_PROVIDER="offline")
    from tests.browser import support  # skips (exits) without Playwright or Chromium

    server = support.serve(tmp)
    url = next(server)
    try:
        bench(url, data, args)
    finally:
        next(server, None)
        shutil.rmtree(tmp, ignore_errors=True)


def seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def jobs_span(engine, book_id: int, since_id: int = 0) -> float:
    """From the first of the book's jobs (after `since_id`) being queued to the last one finishing, in ms."""
    from sqlalchemy import text

    with engine.db().read() as conn:
        rows = conn.execute(text("SELECT created_at, finished_at FROM jobs WHERE book_id = :b AND id > :i"),
                            {"b": book_id, "i": since_id}).all()
    return (max(seconds(r.finished_at) for r in rows) - min(seconds(r.created_at) for r in rows)) * 1000


def job_done(engine, since_id: int) -> bool:
    from sqlalchemy import text

    with engine.db().read() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM jobs WHERE id > :i AND finished_at IS NOT NULL"),
                                 {"i": since_id}).scalar_one())


def last_job_id(engine) -> int:
    from sqlalchemy import text

    with engine.db().read() as conn:
        return conn.execute(text("SELECT coalesce(max(id), 0) FROM jobs")).scalar_one()


# Read in the page, once a frame (requestAnimationFrame), so a figure ends on the frame that shows the
# change: the middle of each row's picture cell on the grid's canvas, as 20 x 20 pixels (every fourth).
# A drawn thumbnail has many colours there; an empty cell, one or two.
CELLS = """([rows, x, top, rowH]) => {
  const canvas = document.querySelector("[data-testid='data-grid-canvas']");
  const box = canvas && canvas.getBoundingClientRect();
  if (!box || !box.width || !canvas.width) return null;  // not laid out yet
  const scale = canvas.width / box.width, ctx = canvas.getContext("2d");
  const cells = [];
  for (let row = 0; row < rows; row++) {
    const d = ctx.getImageData((x - 10) * scale, (top + rowH * row + rowH / 2 - 10) * scale, 20 * scale, 20 * scale).data;
    const colours = new Set();
    for (let i = 0; i < d.length; i += 16) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    cells.push([...colours].sort().join(","));
  }
  return cells;
}"""
# The words on screen, those inside shadow roots (the read-aloud text's component) too.
DEEP_TEXT = """function deep(node) { let text = node.innerText || "";
  for (const e of node.querySelectorAll("*")) if (e.shadowRoot) text += " " + [...e.shadowRoot.children].map(deep).join(" ");
  return text; }"""
PAINTED = 12  # distinct colours in a cell's sample: a picture, not a flat cell


def bench(url: str, data: Path, args) -> None:
    from playwright.sync_api import expect, sync_playwright

    from storymaker import accounts, books, characters, storage
    from storymaker.books import BookOptions, CharacterLook
    from storymaker.config import Settings
    from storymaker.engine import Engine
    from storymaker.runner import Runner
    from storymaker.services import studio
    from app_web.sign_in import COOKIE
    from tests.browser import support

    engine = Engine(Settings(provider="offline", data_dir=data))
    user = accounts.sign_up(engine.db(), USER, PASSWORD)
    cast = [characters.create(engine.db(), user.id, "Mia", "a curious girl with red boots").id,
            characters.create(engine.db(), user.id, "Pip", "a tiny grey cat with a white tail").id]
    model = {n: studio.start_book(engine, user.id, BookOptions(f"Model {n}", scene_count=n), cast) for n in (10, 16)}
    Runner(engine).run_until_idle()
    results: list[tuple[str, list[float], list[float], str]] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=support.CHROMIUM, args=support.ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(url)
        support.fill(page, "Username", USER)
        support.fill(page, "Password", PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("heading", name="My Books")).to_be_visible(timeout=30_000)
        support.idle(page)
        # The figures open screens by address (a reload): the sign-in must be in the browser's cookie
        # first, which the page asks for just after the sign-in's run.
        deadline = time.monotonic() + 30
        while not any(c["name"] == COOKIE for c in page.context.cookies()):
            assert time.monotonic() < deadline, "the sign-in was not remembered"
            page.wait_for_timeout(50)

        def on_frame(condition: str, arg=None, timeout: float = 120_000) -> float:
            """Wait, checking once a frame, until `condition` (a JS function of `arg`) holds; the time
            of that frame (ms, the browser's clock)."""
            handle = page.wait_for_function(f"arg => ({condition})(arg) && Date.now()", arg=arg,
                                            polling="raf", timeout=timeout)
            return float(handle.json_value())

        def arm() -> None:
            """The next pointer press's time (the browser's clock), read back by `pressed`."""
            page.evaluate("""() => { window.__pressed = null; document.addEventListener("pointerdown",
                               () => { window.__pressed = Date.now(); }, {capture: true, once: true}); }""")

        def pressed() -> float:
            return float(page.evaluate("window.__pressed"))

        def browser_now() -> float:
            return float(page.evaluate("Date.now()"))

        def all_painted(rows: int) -> str:
            return (f"() => {{ const cells = ({CELLS})([{rows}, {PICTURE_X - 1}, {HEADER_PX}, {ROW_H}]);"
                    f" return cells !== null && cells.every(c => c.split(',').length > {PAINTED}); }}")

        reading = model[10]  # the book the Reader, Back/Forward and My Books figures use
        if "generate" in args.only:
            # Generate -> all thumbnails painted in the grid.
            for n in (10, 16):
                screen, server = [], []
                page.set_viewport_size({"width": 1280, "height": 400 + ROW_H * n + HEADER_PX + 400})
                for run in range(args.runs):
                    page.goto(f"{url}/studio?after={model[n]}")
                    title = page.get_by_role("textbox", name="Title", exact=True)
                    expect(title).to_be_visible(timeout=30_000)
                    support.idle(page)
                    support.fill(page, "Title", f"Bench {n} {run}")
                    support.idle(page)
                    arm()
                    page.get_by_role("button", name="Generate").click()
                    done = on_frame(f"() => location.search.includes('book=') && ({all_painted(n)})()")
                    screen.append(done - pressed())
                    book_id = int(page.url.split("book=")[1].split("&")[0])
                    server.append(jobs_span(engine, book_id))
                    support.idle(page)
                results.append((f"Generate -> all {n} thumbnails painted", screen, server, "jobs, queued to last done"))
                page.set_viewport_size({"width": 1280, "height": 1400})

        if "regenerate" in args.only:
            # Regenerate -> the new thumbnail painted (a 10-page book, rows 2, 5, 8, ... in turn).
            page.goto(f"{url}/studio?book={model[10]}")
            page.get_by_role("heading", name="Pages").wait_for(timeout=30_000)
            support.idle(page)
            on_frame(all_painted(10), timeout=30_000)
            screen, server = [], []
            for run in range(args.runs):
                row = (2, 5, 8, 3, 6, 9, 4, 7)[run % 8]
                cell = f"(({CELLS})([10, {PICTURE_X - 1}, {HEADER_PX}, {ROW_H}]) || [])[{row - 1}]"
                before = page.evaluate(f"() => {cell}")
                since = last_job_id(engine)
                box = page.locator("[data-testid='stDataFrame']").bounding_box()
                arm()
                page.mouse.click(box["x"] + REGENERATE_X, box["y"] + HEADER_PX + ROW_H * (row - 0.5))
                page.mouse.move(2, 2)
                # The new thumbnail cannot be on screen before its job is done: a cell that changed
                # for another reason (none is known) is not counted, the wait goes on.
                while True:
                    shown = on_frame(f"old => {{ const now = {cell}; return now && now !== old && "
                                     f"now.split(',').length > {PAINTED}; }}", before, timeout=60_000)
                    if job_done(engine, since):
                        break
                    before = page.evaluate(f"() => {cell}")
                screen.append(shown - pressed())
                server.append(jobs_span(engine, model[10], since))
                expect(page.get_by_text("Redrawing page").and_(page.locator("p"))).to_have_count(0, timeout=60_000)
                support.idle(page)
            results.append(("Regenerate -> new thumbnail painted", screen, server, "the job, queued to done"))

        if "reader" in args.only:
            # Reader: Next / Previous -> the new page's picture and words painted.
            page.goto(f"{url}/reader?book={reading}&page=1")
            expect(page.get_by_text("Page 1 of 10")).to_be_visible(timeout=30_000)
            support.idle(page)
            scene_rows = books.scene_rows(engine.db(), reading)
            shown = """([old, wanted]) => { const text = (""" + DEEP_TEXT + """)(document.body).replace(/\\s+/g, " ");
                         return wanted.every(w => text.includes(w)) &&
                           [...document.querySelectorAll("[data-testid='stImage'] img")].some(
                             i => i.src !== old && i.complete && i.naturalWidth > 0); }"""

            nexts, previous = [], []
            for _run in range(args.runs):
                for button, number, into in (("Next", 2, nexts), ("Previous", 1, previous)):
                    old = page.locator("[data-testid='stImage'] img").first.get_attribute("src")
                    words = " ".join(scene_rows[number - 1].scene.text.split("\n")[0][:40].split())
                    arm()
                    page.get_by_role("button", name=button).click()
                    into.append(on_frame(shown, [old, [f"Page {number} of 10", words]], 30_000) - pressed())
                    support.idle(page)
            run_ms = script_runs(data, user, "app_pages/reader.py", {"book": str(reading), "page": "2"}, args.runs)
            results.append(("Reader Next -> picture and words painted", nexts, run_ms, "Reader script run"))
            results.append(("Reader Previous -> picture and words painted", previous, run_ms, "Reader script run"))

        if "history" in args.only:
            # Back / Forward between the Studio (the grid) and the Reader.
            reader_shown = """() => [...document.querySelectorAll("p, div")].some(e => e.innerText === "Cover") &&
                                [...document.querySelectorAll("[data-testid='stImage'] img")].some(
                                  i => i.complete && i.naturalWidth > 0)"""
            backs, forwards = [], []
            for _run in range(args.runs):
                page.goto(f"{url}/studio?book={reading}")
                page.get_by_role("heading", name="Pages").wait_for(timeout=30_000)
                support.idle(page)
                page.get_by_role("link", name="Read it").click()
                expect(page.get_by_text("Cover", exact=True).last).to_be_visible(timeout=30_000)
                support.idle(page)
                start = browser_now()
                page.go_back(wait_until="commit")
                if "/studio" not in page.url:  # the Reader left a second entry in the history: say so, then go on
                    print(f"Back landed on {page.url}: one more Back")
                    start = browser_now()
                    page.go_back(wait_until="commit")
                backs.append(on_frame(f"() => location.pathname.endsWith('/studio') && ({all_painted(10)})()",
                                      timeout=30_000) - start)
                support.idle(page)
                start = browser_now()
                page.go_forward(wait_until="commit")
                forwards.append(on_frame(f"() => location.pathname.endsWith('/reader') && ({reader_shown})()",
                                         timeout=30_000) - start)
                support.idle(page)
            results.append(("Back (Reader -> Studio grid painted)", backs,
                            script_runs(data, user, "app_pages/studio.py", {"book": str(reading)}, args.runs),
                            "Studio script run"))
            results.append(("Forward (Studio -> Reader painted)", forwards,
                            script_runs(data, user, "app_pages/reader.py", {"book": str(reading)}, args.runs),
                            "Reader script run"))

        if "shelf" in args.only:
            # My Books with 100 books: seeded through the core (copies of a made book's folder), then opened.
            source = storage.book_dir(engine.books_dir, reading)
            for n in range(args.books - len(books.list_for(engine.db(), user.id, limit=1000))):
                seeded = books.create(engine.db(), user.id, BookOptions(f"Shelf book {n:03d}"),
                                      [(None, CharacterLook("Mia"), None)])
                books.set_status(engine.db(), seeded, books.READY)
                shutil.copytree(source, storage.book_dir(engine.books_dir, seeded))
            shelf_shown = """() => [...document.querySelectorAll("h1")].some(h => h.innerText.includes("My Books")) &&
                               [...document.querySelectorAll("[data-testid='stMain'] img")].some(
                                 i => i.complete && i.naturalWidth > 0)"""
            shelf, covers = [], []
            for _run in range(args.runs):
                page.goto(f"{url}/studio")
                expect(page.get_by_role("textbox", name="Title", exact=True)).to_be_visible(timeout=30_000)
                support.idle(page)
                arm()
                page.get_by_role("link", name="My Books").first.click()
                shelf.append(on_frame(shelf_shown, timeout=30_000) - pressed())
                support.idle(page)
                covers.append(page.evaluate("""() => { const shown = [...document.querySelectorAll("[data-testid='stMain'] img")];
                    return [shown.length, shown.filter(i => i.complete && i.naturalWidth > 0).length,
                            Math.max(0, ...shown.map(i => i.naturalWidth))]; }"""))
            cards, loaded, widest = covers[-1]
            results.append((f"My Books, {args.books} books: first cover painted", shelf,
                            script_runs(data, user, "app_pages/my_books.py", {}, args.runs),
                            f"My Books script run; {cards} covers on the first shelf page, {loaded} loaded "
                            f"in a 1400 px window, {widest} px wide"))
        browser.close()

    print(f"\nMedians of {args.runs} runs (ms): on screen | server side")
    for label, screen, server, what in results:
        print(f"{label:<48} {statistics.median(screen):7.0f} | {statistics.median(server):7.0f}  ({what}; "
              f"screen min {min(screen):.0f}, max {max(screen):.0f})")


def script_runs(data: Path, user, screen: str, query: dict[str, str], runs: int) -> list[float]:
    """The screen's script run on the server (AppTest over the same data folder, inline jobs off)."""
    from bench.ui import screen_app
    from storymaker.services import sessions
    from storymaker.config import Settings
    from storymaker.engine import Engine

    engine = Engine(Settings(provider="offline", data_dir=data))
    sign_in, _ticket = sessions.begin(engine, user, "bench")
    at = screen_app(user, sign_in, screen, query)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    return times


if __name__ == "__main__":
    main()
